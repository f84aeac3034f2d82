import time
from collections.abc import Callable

from django.conf import settings
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse

_RESOLUTION_SECONDS = 60


class SessionTimeoutMiddleware:
    """Signs a user out after SESSION_IDLE_SECONDS without a request, and SESSION_COOKIE_AGE after
    signing in however active (SECURITY.md T7).

    The absolute lifetime is checked here: Django renews the cookie's age and the stored
    session's expiry whenever the session is saved, which noting activity does.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.user.is_authenticated:
            now = int(time.time())
            last = request.session.get("last_seen")
            started = request.session.get("signed_in_at")
            if (last is not None and now - int(last) > settings.SESSION_IDLE_SECONDS) or (
                started is not None and now - int(started) > settings.SESSION_COOKIE_AGE
            ):
                logout(request)
            elif last is None or now - int(last) >= _RESOLUTION_SECONDS:
                # Not on every request: a session write per page view would serialise readers on SQLite.
                request.session["last_seen"] = now
                request.session.setdefault("signed_in_at", now)
        return self.get_response(request)
