"""One error shape for the whole API (INTERFACES.md): `{"error": code, "message": text}`, with a 4xx status.

`code` is stable for programs; `message` is for people, in the request's language
(LocaleMiddleware: Chinese by default, English with `Accept-Language: en`). Ninja's own
errors — parameters that fail validation, unknown paths, wrong methods — are turned
into the same shape here, so a client handles one kind of error. Bad input is a 4xx,
never a 500.
"""

import logging
from typing import Any

from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.utils.translation import gettext as _
from ninja import NinjaAPI, Schema
from ninja.errors import HttpError, ValidationError

logger = logging.getLogger(__name__)


class ErrorOut(Schema):
    error: str
    message: str


class ApiError(Exception):
    """Raised by an endpoint to answer with an error: `status`, a stable `code` and a translated `message`."""

    def __init__(self, status: int, code: str, message: str) -> None:
        super().__init__(code, message)
        self.status = status
        self.code = code
        self.message = message


def error_response(status: int, code: str, message: str) -> JsonResponse:
    return JsonResponse({"error": code, "message": message}, status=status, json_dumps_params={"ensure_ascii": False})


#: Parameters whose expected form is worth repeating when they are missing.
_EXPECTED_FORM = {
    "year": lambda: _("年度写作四位数字，如“2026”。"),
    "quarter": lambda: _("季度写作“2026Q3”这样的形式。"),
}


def _parameter_message(error: dict[str, Any]) -> str:
    location = error.get("loc") or ()
    name = str(location[-1]) if location else "?"
    kind = error.get("type", "")
    context = error.get("ctx") or {}
    if kind == "missing":
        message = _("缺少参数“%(name)s”。") % {"name": name}
        hint = _EXPECTED_FORM.get(name)
        return f"{message}{hint()}" if hint else message
    if kind in {"int_parsing", "int_type", "int_from_float"}:
        return _("参数“%(name)s”应为整数。") % {"name": name}
    if kind == "greater_than_equal":
        return _("参数“%(name)s”不能小于 %(limit)s。") % {"name": name, "limit": context.get("ge")}
    if kind == "less_than_equal":
        return _("参数“%(name)s”不能大于 %(limit)s。") % {"name": name, "limit": context.get("le")}
    return _("参数“%(name)s”无效。") % {"name": name}


def _on_validation_error(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    messages = dict.fromkeys(_parameter_message(error) for error in exc.errors)  # unique, in order
    return error_response(400, "invalid_parameter", " ".join(messages) or _("参数无效。"))


def _on_api_error(request: HttpRequest, exc: ApiError) -> HttpResponse:
    return error_response(exc.status, exc.code, exc.message)


def _on_not_found(request: HttpRequest, exc: Exception) -> HttpResponse:
    return unknown_path_response()


def _on_http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    if exc.status_code == 429:
        return error_response(429, "too_many_requests", _("请求过于频繁，请稍后再试。"))
    return error_response(exc.status_code, "http_error", str(exc))


def _on_unexpected(request: HttpRequest, exc: Exception) -> HttpResponse:
    # A bug, not bad input: logged with its traceback, answered in the same shape.
    logger.exception("API error on %s %s", request.method, request.path)
    return error_response(500, "server_error", _("服务器出错，请稍后再试。"))


def unknown_path_response() -> JsonResponse:
    return error_response(404, "not_found", _("没有这个接口地址。可用的接口见 /api/v1/openapi.json。"))


def method_not_allowed_response(method: str, allowed: str) -> JsonResponse:
    response = error_response(
        405, "method_not_allowed", _("这个接口地址不接受 %(method)s 请求。") % {"method": method[:10]}
    )
    response["Allow"] = allowed
    return response


def install(api: NinjaAPI) -> None:
    # Ninja types a handler's exception as "the exception or its class"; these get instances.
    handlers: list[tuple[type[Exception], Any]] = [
        (ApiError, _on_api_error),
        (ValidationError, _on_validation_error),
        (Http404, _on_not_found),
        (HttpError, _on_http_error),
        (Exception, _on_unexpected),
    ]
    for exception, handler in handlers:
        api.add_exception_handler(exception, handler)
