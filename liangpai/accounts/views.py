"""Sign-in pages beyond the password: the admin's second factor, and changing one's password."""

from typing import Any
from urllib.parse import urlencode

import django_otp
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import REDIRECT_FIELD_NAME
from django.contrib.auth import views as auth_views
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse, reverse_lazy
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from liangpai.accounts import otp
from liangpai.accounts.forms import TokenForm
from liangpai.accounts.models import User
from liangpai.core import audit
from liangpai.core.access import signed_in

#: Where the new secret waits, in the session, until a code proves the app holds it.
ENROLMENT_SESSION_KEY = "otp_pending_key"


def _target(request: HttpRequest) -> str:
    """Where to go once verified: the `next` asked for if it is on this site, else the admin."""
    target = request.POST.get(REDIRECT_FIELD_NAME) or request.GET.get(REDIRECT_FIELD_NAME, "")
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return reverse("admin:index")


def _with_next(url_name: str, target: str) -> str:
    return f"{reverse(url_name)}?{urlencode({REDIRECT_FIELD_NAME: target})}"


def _staff(request: HttpRequest) -> User:
    """The signed-in user, when the admin asks them for a second factor; others have no such page."""
    if not otp.admin_otp_required(request.user):
        raise Http404
    assert isinstance(request.user, User)
    return request.user


def _signed_in_with(request: HttpRequest, device: Any) -> None:
    # A new session id for the session that now has admin powers (no fixation of a half-signed-in one).
    request.session.cycle_key()
    django_otp.login(request, device)


@signed_in
@never_cache
@require_http_methods(["GET", "POST"])
def otp_verify(request: HttpRequest) -> HttpResponse:
    user = _staff(request)
    target = _target(request)
    if request.user.is_verified():  # type: ignore[union-attr]  # OTPMiddleware adds it
        return HttpResponseRedirect(target)
    device = otp.confirmed_device(user)
    if device is None:
        return HttpResponseRedirect(_with_next("otp_enrol", target))
    form = TokenForm(request.POST if request.method == "POST" else None)
    if form.is_valid():
        wait_until = otp.throttled_until(device)
        if wait_until is not None:
            form.add_error(
                None,
                gettext("错误次数较多，请于 %(time)s 后再输入验证码。") % {"time": wait_until.strftime("%H:%M:%S")},
            )
        elif (verified := otp.verify(user=user, token=form.cleaned_data["token"])) is not None:
            _signed_in_with(request, verified)
            return HttpResponseRedirect(target)
        else:
            form.add_error("token", _("验证码不正确或已经用过，请输入身份验证器上当前显示的 6 位数字。"))
    return render(request, "accounts/otp_verify.html", {"form": form, "next": target})


@signed_in
@never_cache
@require_http_methods(["GET", "POST"])
def otp_enrol(request: HttpRequest) -> HttpResponse:
    user = _staff(request)
    target = _target(request)
    if otp.confirmed_device(user) is not None:
        return HttpResponseRedirect(_with_next("otp_verify", target))
    key = request.session.get(ENROLMENT_SESSION_KEY)
    if not key:
        key = request.session[ENROLMENT_SESSION_KEY] = otp.new_secret()
    form = TokenForm(request.POST if request.method == "POST" else None)
    if form.is_valid():
        device = otp.enrol(user=user, key=key, token=form.cleaned_data["token"])
        if device is not None:
            del request.session[ENROLMENT_SESSION_KEY]
            _signed_in_with(request, device)
            messages.success(
                request, _("管理后台二次验证已启用。以后每次进入管理后台，都需要输入身份验证器上的验证码。")
            )
            return HttpResponseRedirect(target)
        form.add_error("token", _("验证码不正确：请确认身份验证器已添加上面的密钥，并输入它当前显示的 6 位数字。"))
    context = {
        "form": form,
        "next": target,
        "secret": otp.secret_text(key),
        "issuer": settings.OTP_TOTP_ISSUER,
        "account": user.get_username(),
    }
    return render(request, "accounts/otp_enrol.html", context)


@signed_in
@never_cache
@require_GET
def otp_qr(request: HttpRequest) -> HttpResponse:
    """The pending secret as a QR code (an SVG image the enrolment page shows)."""
    user = _staff(request)
    key = request.session.get(ENROLMENT_SESSION_KEY)
    if not key:
        raise Http404
    return HttpResponse(otp.qr_svg(otp.provisioning_uri(user, key)), content_type="image/svg+xml")


class PasswordChangeView(auth_views.PasswordChangeView):
    """Changing one's own password: the old one, and a new one that passes the password policy."""

    template_name = "registration/password_change_form.html"
    success_url = reverse_lazy("home")

    def form_valid(self, form: Any) -> HttpResponse:
        with transaction.atomic():
            response = super().form_valid(form)
            audit.record(
                actor=self.request.user,
                action="user.update",
                target=form.user,
                after={"password": "（已修改）"},  # a marker, never the password
                reason="本人修改密码",
            )
        messages.success(self.request, _("密码已修改。"))
        return response


password_change = signed_in(PasswordChangeView.as_view())
