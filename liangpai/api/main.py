"""The `/api/v1/` API: its OpenAPI schema at `/api/v1/openapi.json`, its routers and its one error shape.

No interactive docs page: ninja's Swagger and Redoc pages load their scripts from a CDN
unless ninja is an installed app, and even served locally they rely on inline styles,
which the site's CSP forbids. The schema itself is what clients and fuzzers use.
"""

from ninja import NinjaAPI
from ninja.renderers import JSONRenderer

from liangpai.api import errors
from liangpai.api.public import open_data_router, public_router


class Utf8Renderer(JSONRenderer):
    """Chinese names as UTF-8 text, as the error responses write them, not as \\u escapes."""

    json_dumps_params = {"ensure_ascii": False}


api = NinjaAPI(
    title="liangpai API",
    version="1",
    description=(
        "The public API of 亮牌 (the graded-plaque and quarterly-light safety programme): "
        'published grades and lights, for anyone. Errors: {"error": code, "message": text} '
        "with a 4xx status; the message follows Accept-Language (Chinese by default, en for English)."
    ),
    urls_namespace="api",
    openapi_url="/openapi.json",
    docs_url=None,
    renderer=Utf8Renderer(),
)
errors.install(api)
api.add_router("/public/", public_router)
api.add_router("/open-data/", open_data_router)
