"""Test clients for the Django admin, whose staff need a verified second factor (SECURITY.md T7).

`force_login` signs a client in with the password step only; `verify_otp` adds what the OTP page
adds after a correct code (a confirmed authenticator for the user, named in the session).
tests/accounts/test_otp.py goes through the real pages.
"""

from django.test import Client
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice

from liangpai.accounts.models import User


def verify_otp(client: Client, user: User) -> Client:
    """Mark `client`'s session (already signed in as `user`) as verified by the user's authenticator."""
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first() or TOTPDevice.objects.create(
        user=user, name="测试验证器", confirmed=True
    )
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return client


def admin_client(user: User) -> Client:
    """A client signed in as `user`, password and second factor, as the admin requires."""
    client = Client()
    client.force_login(user)
    return verify_otp(client, user)
