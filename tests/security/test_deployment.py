"""SECURITY.md T12: deployment settings.

`manage.py check --deploy` runs in a subprocess with production settings from the
environment (DEBUG off, a long random SECRET_KEY, SECURE_SSL=1, a real host name):
0 warnings, 0 errors, none of Django's security checks silenced. Then the security settings that environment
produces (config/settings.py read again under it) are applied here, and every kind of
response — pages, redirects, error pages, JSON, downloads, static files — is checked
for the content security policy, HSTS, nosniff and the referrer policy; cookies are
Secure and HttpOnly.
"""

import os
import runpy
import secrets
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings as django_settings
from django.test import Client

pytestmark = pytest.mark.django_db

BASE_DIR = Path(django_settings.BASE_DIR)
PRODUCTION_HOST = "liangpai.example.gov.cn"


#: What a server's environment shares with this one: not the test run's own settings (DEBUG, async unsafe…).
INHERITED = ("PATH", "HOME", "LANG", "LC_ALL", "TZ", "DATABASE_URL")


def production_environment(**changes: str) -> dict[str, str]:
    environment = {key: os.environ[key] for key in INHERITED if key in os.environ}
    environment.update(
        DEBUG="0",
        SECRET_KEY=secrets.token_urlsafe(64),
        SECURE_SSL="1",
        ALLOWED_HOSTS=PRODUCTION_HOST,
        CSRF_TRUSTED_ORIGINS=f"https://{PRODUCTION_HOST}",
    )
    environment.update(changes)
    return environment


def check_deploy(environment: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=BASE_DIR,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_check_deploy_with_production_settings_finds_nothing():
    result = check_deploy(production_environment())

    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_no_check_of_the_deployment_checklist_is_silenced():
    # A silenced check is a reviewed waiver with its reason in config/settings.py (axes.W006 is one);
    # Django's own security and async-safety checks may not be waived.
    silenced = django_settings.SILENCED_SYSTEM_CHECKS

    assert [check for check in silenced if check.split(".")[0] in {"security", "async", "csrf", "sessions"}] == []


def test_check_deploy_notices_a_site_served_without_https():
    # The same check, told the site is not behind HTTPS: it must object (so the test above can fail).
    result = check_deploy(production_environment(SECURE_SSL="0"))

    assert result.returncode != 0
    for code in ("security.W004", "security.W008", "security.W012", "security.W016"):  # HSTS, redirect, cookies
        assert code in result.stderr


def test_production_refuses_to_start_without_a_secret_key():
    result = check_deploy(production_environment(SECRET_KEY=""))

    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr


# --- headers on every response ------------------------------------------------------------

#: The settings production gets from its environment that decide headers and cookies.
SECURITY_SETTINGS = ("SECURE_", "SESSION_COOKIE_", "CSRF_COOKIE_", "X_FRAME_OPTIONS", "MIDDLEWARE")


@pytest.fixture
def production(settings: Any, monkeypatch: pytest.MonkeyPatch, world: Any) -> None:
    """This test run's settings, with the security settings production would have over HTTPS."""
    for key, value in production_environment().items():
        monkeypatch.setenv(key, value)
    produced = runpy.run_path(str(BASE_DIR / "config" / "settings.py"))
    for key, value in produced.items():
        if key.startswith(SECURITY_SETTINGS):
            setattr(settings, key, value)
    assert settings.SECURE_SSL_REDIRECT
    assert settings.SECURE_HSTS_SECONDS
    settings.ALLOWED_HOSTS = [PRODUCTION_HOST]
    # Static files from the source tree (the tests run no collectstatic); headers do not depend on it.
    settings.WHITENOISE_USE_FINDERS = True
    settings.WHITENOISE_AUTOREFRESH = True


def https_client(world: Any, user: str = "anonymous", **kwargs: Any) -> Client:
    client = Client(headers={"X-Forwarded-Proto": "https"}, HTTP_HOST=PRODUCTION_HOST, **kwargs)
    if user != "anonymous":
        client.force_login(world.cast.users[user])
    return client


def responses(world: Any) -> dict[str, Any]:
    """One response of each kind the site gives, by name."""
    admin = https_client(world, "city_admin")
    anonymous = https_client(world)
    interview_record = f"/ratings/interviews/{world.interview.pk}/record/"
    return {
        "signed-in page": admin.get("/enterprises/"),
        "public page": anonymous.get(f"/e/{world.cast.enterprise_a.credit_code}/"),
        "redirect to sign in": anonymous.get("/enterprises/"),
        "page not found": anonymous.get("/no-such-page/"),
        "forbidden page": admin.get(interview_record),
        "refused form (CSRF)": https_client(world, enforce_csrf_checks=True).post("/accounts/login/", {}),
        "JSON": anonymous.get("/api/v1/open-data/grades", {"year": "2025"}),
        "JSON error": anonymous.get("/api/v1/open-data/grades", {"year": "next year"}),
        "JSON not found": anonymous.get("/api/v1/no-such-thing"),
        "OpenAPI schema": anonymous.get("/api/v1/openapi.json"),
        "download": admin.get("/imports/template.xlsx"),
        "streamed download": admin.get("/enterprises/export.xlsx"),
        "health check": anonymous.get("/healthz"),
        "static stylesheet": anonymous.get("/static/css/liangpai.css"),
        "static script": anonymous.get("/static/vendor/htmx/htmx.min.js"),
        "static image": anonymous.get("/static/img/favicon.svg"),
        "static not found": anonymous.get("/static/css/no-such-file.css"),
    }


EXPECTED_STATUS = {
    "redirect to sign in": 302,
    "page not found": 404,
    "forbidden page": 403,
    "refused form (CSRF)": 403,
    "JSON error": 400,
    "JSON not found": 404,
    "static not found": 404,
}


def test_every_kind_of_response_carries_the_security_headers(production, world):
    missing = {}
    for name, response in responses(world).items():
        assert response.status_code == EXPECTED_STATUS.get(name, 200), name
        headers = response.headers
        problems = []
        policy = headers.get("Content-Security-Policy", "")
        if "default-src 'self'" not in policy or "frame-ancestors 'none'" not in policy:
            problems.append(f"CSP: {policy!r}")
        hsts = headers.get("Strict-Transport-Security", "")
        if not hsts.startswith("max-age=31536000") or "includeSubDomains" not in hsts:
            problems.append(f"HSTS: {hsts!r}")
        if headers.get("X-Content-Type-Options") != "nosniff":
            problems.append("nosniff")
        if headers.get("Referrer-Policy") != "same-origin":
            problems.append(f"Referrer-Policy: {headers.get('Referrer-Policy')!r}")
        if problems:
            missing[name] = problems

    assert missing == {}


def test_plain_http_is_redirected_to_https(production, world):
    response = Client(HTTP_HOST=PRODUCTION_HOST).get("/e/")

    assert response.status_code == 301
    assert response["Location"] == f"https://{PRODUCTION_HOST}/e/"


def test_cookies_are_secure_http_only_and_same_site(production, world):
    client = https_client(world)
    csrf = client.get("/accounts/login/").cookies["csrftoken"]
    response = client.post("/accounts/login/", {"username": "contact_a", "password": "correct-horse-battery"})
    session = response.cookies["sessionid"]

    assert response.status_code == 302
    assert csrf["secure"] is True
    assert (session["secure"], session["httponly"], session["samesite"]) == (True, True, "Lax")
