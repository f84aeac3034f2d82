"""Every URL declares who may use it (SECURITY.md T1), and the decision table stays as designed."""

from collections.abc import Iterator

import pytest
from django.urls import URLPattern, URLResolver, get_resolver

from liangpai.accounts.models import Role
from liangpai.core.access import RULES, Action, can

# The Django admin guards itself: every admin view requires an active staff account.
SELF_GUARDED_NAMESPACES = {"admin"}


def _walk(patterns: list, prefix: str = "", namespace: str = "") -> Iterator[tuple[str, str, object]]:
    for p in patterns:
        if isinstance(p, URLResolver):
            ns = p.namespace or namespace
            yield from _walk(p.url_patterns, prefix + str(p.pattern), ns)
        elif isinstance(p, URLPattern):
            yield prefix + str(p.pattern), namespace, p.callback


def test_every_url_declares_an_access_rule():
    undeclared = [
        route
        for route, namespace, callback in _walk(get_resolver().url_patterns)
        if namespace not in SELF_GUARDED_NAMESPACES and not hasattr(callback, "access_rule")
    ]
    assert undeclared == []


def test_the_walk_sees_the_applications_urls():
    routes = {route for route, _, _ in _walk(get_resolver().url_patterns)}
    assert {"enterprises/", "enterprises/<int:pk>/", "accounts/login/"} <= routes


def test_public_urls_are_only_the_ones_meant_to_be_public():
    public = {
        route
        for route, _, callback in _walk(get_resolver().url_patterns)
        if getattr(callback, "access_rule", None) == "public"
    }
    assert public == {
        "accounts/login/",
        "i18n/setlang/",
        "healthz",
        # The public lookup (the plaque's QR code) and the open API (INTERFACES.md "HTTP API").
        "e/",
        "e/<str:credit_code>/",
        "api/v1/",
        "api/v1/^[\\s\\S]*$",
        "api/v1/openapi.json",
        "api/v1/public/enterprises/<credit_code>",
        "api/v1/open-data/grades",
        "api/v1/open-data/lights",
    }


def test_every_action_has_a_rule_and_no_rule_grants_to_an_unknown_role():
    assert set(RULES) == set(Action)
    for roles in RULES.values():
        assert roles <= set(Role)


@pytest.mark.django_db
def test_a_user_without_roles_may_do_nothing(cast):
    outsider = cast.users["outsider"]
    assert [a for a in Action if can(outsider, a)] == []
    assert [a for a in Action if can(outsider, a, cast.enterprise_a)] == []


@pytest.mark.django_db
def test_an_inactive_user_may_do_nothing(cast):
    admin = cast.users["city_admin"]
    admin.is_active = False
    admin.save()
    admin.refresh_from_db()
    assert [a for a in Action if can(admin, a)] == []


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("role", "own", "other"),
    [
        ("city_admin", True, True),
        ("town_a_union", True, False),
        ("town_a_emergency", True, False),
        ("group_leader", False, False),
        ("expert", False, False),
        ("contact_a", False, False),
    ],
)
def test_only_the_running_offices_may_reveal_phone_numbers(cast, role, own, other):
    user = cast.users[role]
    assert can(user, Action.CONTACT_REVEAL, cast.enterprise_a) is own
    assert can(user, Action.CONTACT_REVEAL, cast.enterprise_b) is other
