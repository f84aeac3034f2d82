"""The second factor for admin powers: a TOTP authenticator app (SECURITY.md T7).

Whoever can open the Django admin (an active staff account) must, when ADMIN_REQUIRE_TOTP is
on, prove it with a 6-digit code from an authenticator app once per session. The first time,
the account enrols: a new secret is shown as a QR code and in text, and a correct code from
it creates the confirmed device. Later sessions are asked for a code after the password.
The rest of the site asks for no second factor: the app pages grant only what roles grant.

Secrets are kept in the session until the first code proves the app has them, so opening the
enrolment page writes nothing to the database. A device, once confirmed, cannot be replaced
from a session that has only the password: a lost phone's device is deleted in the admin
(audited), and its owner enrols again.
"""

import io
import logging
import time
from base64 import b32encode
from binascii import unhexlify
from datetime import datetime

import django_otp
import segno
from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_otp.util import random_hex

from liangpai.accounts.models import User
from liangpai.core import audit

log = logging.getLogger(__name__)

DEVICE_NAME = "身份验证器"
ENROL_REASON = "启用管理后台二次验证"
_TOLERANCE = 1  # the code before and after the current one are accepted too (phone clocks drift)


def admin_otp_required(user: object) -> bool:
    """Whether `user` needs a verified second factor for the admin site."""
    return bool(
        settings.ADMIN_REQUIRE_TOTP
        and getattr(user, "is_authenticated", False)
        and getattr(user, "is_active", False)
        and getattr(user, "is_staff", False)
    )


def confirmed_device(user: User) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=True).order_by("pk").first()


def new_secret() -> str:
    """A new 20-byte secret, hex-encoded as django-otp stores it."""
    return str(random_hex(20))


def provisioning_uri(user: User, key: str) -> str:
    """The otpauth:// address an authenticator app reads from the QR code."""
    return str(TOTPDevice(user=user, key=key).config_url)


def secret_text(key: str) -> str:
    """The secret as an app asks for it when typed in: base32, in groups of four."""
    text = b32encode(unhexlify(key)).decode().rstrip("=")
    return " ".join(text[i : i + 4] for i in range(0, len(text), 4))


def qr_svg(uri: str) -> bytes:
    """The QR code as SVG that scales to its <img> (a viewBox, no size): presentation
    attributes only, no style and no class."""
    out = io.BytesIO()
    segno.make(uri, error="m").save(
        out, kind="svg", border=2, xmldecl=False, svgclass=None, lineclass=None, omitsize=True, dark="#000"
    )
    return out.getvalue()


def enrol(*, user: User, key: str, token: str) -> TOTPDevice | None:
    """Create `user`'s device from `key` when `token` is a current code for it (audited).

    None when the code does not fit, or when the user already has a device (a second one is
    never added from here).
    """
    totp = TOTP(unhexlify(key), step=30, t0=0, digits=6)
    totp.time = time.time()
    if not token.isdigit() or not totp.verify(int(token), tolerance=_TOLERANCE):
        return None
    with transaction.atomic():
        if TOTPDevice.objects.select_for_update().filter(user=user, confirmed=True).exists():
            return None
        # last_t: the code just used cannot be used again to sign in.
        device = TOTPDevice.objects.create(
            user=user,
            name=DEVICE_NAME,
            key=key,
            confirmed=True,
            last_t=totp.t(),
            drift=totp.drift,
            last_used_at=timezone.now(),
        )
        audit.record(
            actor=user,
            action="user.otp_enrol",
            target=user,
            after={"otp_device": device.pk, "name": device.name},
            reason=ENROL_REASON,
        )
    log.info("Second factor enrolled for %s", user.get_username())
    return device


def throttled_until(device: TOTPDevice) -> datetime | None:
    """When `device` will accept a code again after wrong ones (django-otp's doubling delay)."""
    allowed, info = device.verify_is_allowed()
    if allowed or not info:
        return None
    until = info.get("locked_until")
    return timezone.localtime(until) if until else None


def verify(*, user: User, token: str) -> TOTPDevice | None:
    """The user's device when `token` is a code it has not accepted before, else None."""
    device = confirmed_device(user)
    if device is None or not token.isdigit():
        return None
    verified = django_otp.verify_token(user, device.persistent_id, token)
    if verified is None:
        log.warning("Second factor refused for %s", user.get_username())
    return verified
