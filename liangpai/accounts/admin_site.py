"""The Django admin site, guarded by the second factor (SECURITY.md T7).

Installed as the default site (`LiangpaiAdminConfig.default_site`), so every app's
`admin.site.register` lands here. An active staff account may use it only in a session whose
second factor is verified, when ADMIN_REQUIRE_TOTP is on (django-otp's OTPAdminSite does the
same without the setting). The admin's own login page is not used: the site's login page does
the password (with its lockout), and the OTP pages the code.
"""

from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import admin
from django.contrib.auth import REDIRECT_FIELD_NAME
from django.contrib.auth.decorators import login_not_required
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils.decorators import method_decorator
from django.views.decorators.cache import never_cache

from liangpai.accounts.otp import admin_otp_required


class AdminSite(admin.AdminSite):
    def has_permission(self, request: HttpRequest) -> bool:
        if not super().has_permission(request):
            return False
        if admin_otp_required(request.user):
            return bool(request.user.is_verified())  # type: ignore[union-attr]  # OTPMiddleware adds it
        return True

    @method_decorator(never_cache)
    @method_decorator(login_not_required)
    def login(self, request: HttpRequest, extra_context: dict[str, Any] | None = None) -> HttpResponse:
        target = request.GET.get(REDIRECT_FIELD_NAME) or reverse("admin:index", current_app=self.name)
        user = request.user
        if not user.is_authenticated:
            return redirect_to_login(target, settings.LOGIN_URL)
        if self.has_permission(request):
            return HttpResponseRedirect(reverse("admin:index", current_app=self.name))
        if admin_otp_required(user):
            return HttpResponseRedirect(f"{reverse('otp_verify')}?{urlencode({REDIRECT_FIELD_NAME: target})}")
        # Signed in, but not staff: the login page would only send them back here.
        raise PermissionDenied
