"""The API's URLs, all open to anyone (INTERFACES.md lists "anyone" for every route).

Ninja makes one Django view per path; each is declared `public` here (so
LoginRequiredMiddleware lets anonymous clients through and tests/core/test_access_rules.py
sees the rule), and answers a wrong method with the API's JSON error instead of ninja's
plain text. /api/v1/ itself and paths under it that match no endpoint get the JSON 404.
"""

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.http import HttpRequest, HttpResponseBase
from django.urls import URLPattern, re_path

from liangpai.api.errors import method_not_allowed_response, unknown_path_response
from liangpai.api.main import api
from liangpai.core.access import public


def _api_view(view: Callable[..., HttpResponseBase]) -> Callable[..., HttpResponseBase]:
    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        response = view(request, *args, **kwargs)
        if response.status_code == 405 and not response.get("Content-Type", "").startswith("application/json"):
            return method_not_allowed_response(request.method or "", response.get("Allow", ""))
        return response

    return public(wrapped)


@public
def unknown_path(request: HttpRequest, **kwargs: Any) -> HttpResponseBase:
    return unknown_path_response()


def _declared(patterns: list[Any]) -> list[URLPattern]:
    declared = []
    for pattern in patterns:
        assert isinstance(pattern, URLPattern), pattern  # ninja makes flat patterns
        # Ninja's root view (kept by name: the schema reverses it) would answer with an HTML 404.
        view = unknown_path if pattern.name == "api-root" else _api_view(pattern.callback)
        declared.append(URLPattern(pattern.pattern, view, pattern.default_args, pattern.name))
    return declared


app_name = "api"
# Any other path under /api/v1/, line breaks included (`.` would not match them), gets the JSON 404.
urlpatterns = [*_declared(api.urls[0]), re_path(r"^[\s\S]*$", unknown_path, name="unknown")]
