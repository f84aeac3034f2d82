"""Locking a sign-in name after repeated wrong passwords (SECURITY.md T7, 等保 8.1.4.1).

The rule: LOGIN_FAILURE_LIMIT wrong passwords for one name within
LOGIN_FAILURE_WINDOW_MINUTES lock that name for LOGIN_LOCKOUT_MINUTES. While it is locked
every sign-in with that name is refused, the right password included, and refused tries
neither count towards a new lock nor make this one longer.

django-axes does the watching: its authentication backend asks `LockoutHandler.is_locked`
before any password is checked, and it records every attempt (AccessAttempt, one row per
failure in AccessFailureLog, AccessLog for each sign-in). Axes itself has one duration for
both the counting window and the lock, and its window slides from the latest failure, so
"5 within 15 minutes, then 30 minutes locked" is decided here instead: failures are counted
from axes' per-failure log, and a lock is a `LoginLock` row with a fixed end.

Locks are by name only, never by address: inspectors of a town often share one office
network, and one person mistyping must not lock out the whole office.
"""

import ipaddress
import logging
from datetime import datetime, timedelta
from typing import Any

from axes.conf import settings as axes_settings
from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_client_username
from axes.models import AccessAttempt, AccessFailureLog
from axes.signals import user_locked_out
from django.conf import settings
from django.contrib.auth import REDIRECT_FIELD_NAME
from django.contrib.auth.forms import AuthenticationForm
from django.db import transaction
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from liangpai.accounts.models import LoginLock
from liangpai.core import audit
from liangpai.core.access import system_actor, user_or_none

log = logging.getLogger(__name__)

#: The reason stored with a lock's audit record (data, so not translated).
LOCK_REASON = "连续登录失败"

#: Who locks a sign-in name after too many failures, and who ends the locks when axes' reset commands run.
LOCKOUT = system_actor("login_lockout")


def window() -> timedelta:
    return timedelta(minutes=settings.LOGIN_FAILURE_WINDOW_MINUTES)


def lockout_duration() -> timedelta:
    return timedelta(minutes=settings.LOGIN_LOCKOUT_MINUTES)


def active_lock(username: str, *, now: datetime | None = None) -> LoginLock | None:
    """The lock refusing `username` now, if any."""
    now = now or timezone.now()
    return LoginLock.objects.filter(username=username, until__gt=now, ended_at__isnull=True).order_by("-until").first()


def failures_counted(username: str, *, now: datetime | None = None) -> int:
    """Wrong passwords for `username` that count towards a lock now: those inside the window,
    and after the end of the name's last lock (the failures that caused it, and the tries refused
    while it lasted, are spent)."""
    now = now or timezone.now()
    since = Q(attempt_time__gte=now - window())
    last = LoginLock.objects.filter(username=username).order_by("-locked_at").first()
    if last is not None:
        ended = min(last.until, last.ended_at) if last.ended_at else last.until
        since &= Q(attempt_time__gt=ended)
    return AccessFailureLog.objects.filter(since, username=username).count()


def lock_if_limit_reached(username: str, *, ip_address: str | None) -> LoginLock | None:
    """After a recorded failure: lock `username` when it has reached the limit (audited)."""
    now = timezone.now()
    failures = failures_counted(username, now=now)
    if failures < settings.LOGIN_FAILURE_LIMIT:
        return None
    with transaction.atomic():
        lock = LoginLock.objects.create(
            username=username,
            locked_at=now,
            until=now + lockout_duration(),
            failures=min(failures, 32767),
            ip_address=ip_address,
        )
        audit.record(
            actor=LOCKOUT,
            action="login.lock",
            target=lock,
            after={
                "username": username,
                "until": lock.until,
                "failures": failures,
                "window_minutes": settings.LOGIN_FAILURE_WINDOW_MINUTES,
                "ip_address": ip_address,
            },
            reason=LOCK_REASON,
        )
    log.warning("Sign-in name %s locked until %s after %d failures", username, lock.until.isoformat(), failures)
    return lock


def unlock(*, by: Any, usernames: list[str], reason: str) -> list[LoginLock]:
    """End the active locks of `usernames` now (audited); the failures before it no longer count.

    axes' own attempt summaries for the names go too, so its admin no longer lists them as failing.
    """
    now = timezone.now()
    with transaction.atomic():
        locks = list(
            LoginLock.objects.select_for_update().filter(username__in=usernames, until__gt=now, ended_at__isnull=True)
        )
        for lock in locks:
            lock.ended_at = now
            lock.ended_by = user_or_none(by)
            lock.save(update_fields=["ended_at", "ended_by"])
            audit.record(
                actor=by,
                action="login.unlock",
                target=lock,
                before={"username": lock.username, "until": lock.until},
                after={"username": lock.username, "until": now},
                reason=reason,
            )
        AccessAttempt.objects.filter(username__in=usernames).delete()
    return locks


class LockoutHandler(AxesDatabaseHandler):
    """axes' database handler, with the lock decided by `LoginLock` rows (see the module docstring).

    `AXES_LOCK_OUT_AT_FAILURE` is off, so axes never locks by its own counter; the per-failure log
    (`AXES_ENABLE_ACCESS_FAILURE_LOG`) is on, because the window is counted from it.
    """

    def is_locked(self, request: Any, credentials: dict[str, Any] | None = None) -> bool:
        username = get_client_username(request, credentials)
        return bool(username) and active_lock(username) is not None

    def user_login_failed(self, sender: Any, credentials: dict[str, Any], request: Any = None, **kwargs: Any) -> None:
        if request is None:
            super().user_login_failed(sender, credentials, request, **kwargs)
            return
        username = get_client_username(request, credentials)
        if username and self.is_locked(request, credentials):
            # Refused while locked: recorded (flagged as such), counted towards nothing, and the
            # lock keeps its end (AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT stays on only so
            # that axes records the try).
            request.axes_locked_out = True
            request.axes_credentials = credentials
        super().user_login_failed(sender, credentials, request, **kwargs)
        if not username or request.axes_locked_out:
            return
        lock = lock_if_limit_reached(username, ip_address=request.axes_ip_address)
        if lock is None:
            return
        request.axes_locked_out = True
        request.axes_credentials = credentials
        latest = AccessFailureLog.objects.filter(username=username).order_by("-id").values_list("pk", flat=True)[:1]
        AccessFailureLog.objects.filter(pk__in=list(latest)).update(locked_out=True)
        user_locked_out.send("axes", request=request, username=username, ip_address=request.axes_ip_address)

    def remove_out_of_limit_failure_logs(self, *, username: str, limit: int | None = None) -> int:
        """Keep a name's newest AXES_ACCESS_FAILURE_LOG_PER_USER_LIMIT failures (axes' own version
        deletes rows in no stated order, which could drop the failures the window counts)."""
        keep = limit if limit is not None else axes_settings.AXES_ACCESS_FAILURE_LOG_PER_USER_LIMIT
        newest = AccessFailureLog.objects.filter(username=username).order_by("-id")
        cutoff = newest.values_list("pk", flat=True)[keep : keep + 1]
        if not cutoff:
            return 0
        deleted, _ = AccessFailureLog.objects.filter(username=username, pk__lte=cutoff[0]).delete()
        return deleted

    def reset_attempts(
        self, *, ip_address: str | None = None, username: str | None = None, ip_or_username: bool = False
    ) -> int:
        """axes' reset commands (`manage.py axes_reset_username` …) also end our locks."""
        count = super().reset_attempts(ip_address=ip_address, username=username, ip_or_username=ip_or_username)
        if username:
            unlock(by=LOCKOUT, usernames=[username], reason="axes_reset")
        elif ip_address is None:
            active = LoginLock.objects.filter(until__gt=timezone.now(), ended_at__isnull=True)
            unlock(by=LOCKOUT, usernames=list(active.values_list("username", flat=True)), reason="axes_reset")
        return count


def client_ip(request: HttpRequest) -> str | None:
    """The client's address as axes records it.

    REMOTE_ADDR, unless TRUSTED_PROXY_IP_HEADER names a header that the reverse proxy in front
    of the site sets itself (X-Real-IP, or X-Forwarded-For, of which the right-most address is
    the one our proxy added). Never read the header without such a proxy: anyone can send it.
    """
    header = settings.TRUSTED_PROXY_IP_HEADER
    if header:
        value = request.META.get("HTTP_" + header.upper().replace("-", "_"), "")
        candidate = value.split(",")[-1].strip()
        try:
            return str(ipaddress.ip_address(candidate))
        except ValueError:
            pass
    return request.META.get("REMOTE_ADDR") or None


def lockout_response(
    request: HttpRequest, original_response: HttpResponse | None = None, credentials: dict[str, Any] | None = None
) -> HttpResponse:
    """The login page again, saying the name is locked, until when, and whom to ask (HTTP 429)."""
    username = get_client_username(request, credentials) or ""
    lock = active_lock(username) if username else None
    form = AuthenticationForm(request, initial={"username": username})
    context = {
        "form": form,
        "locked_out": True,
        "lockout_until": timezone.localtime(lock.until) if lock else None,
        "lockout_contact": settings.LOGIN_LOCKOUT_CONTACT,
        "failure_limit": settings.LOGIN_FAILURE_LIMIT,
        "failure_window": settings.LOGIN_FAILURE_WINDOW_MINUTES,
        "next": request.POST.get(REDIRECT_FIELD_NAME, ""),
    }
    return render(request, "registration/login.html", context, status=429)
