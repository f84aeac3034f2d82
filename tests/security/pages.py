"""Every URL of the site as something to request, from the URL walk of tests/core/test_access_rules.py.

A route without path arguments is requested as it is (listed in PAGES or not). A route with
arguments is a page in PAGES, with the arguments that open it on the security world, or is
named in NOT_PAGES with what it is instead: a new one fails
`test_every_route_is_walked_or_said_not_to_be_a_page` until it is listed, so the walks in
this package never silently miss a page.
"""

from collections.abc import Callable

from django.urls import get_resolver

from tests.core.test_access_rules import _walk
from tests.security.conftest import World

#: Namespaces outside the walk: the Django admin (staff only, its own templates) and the JSON API
#: (fuzzed by test_api_fuzzing.py from its schema).
OTHER_WALKS = {"admin", "api"}

#: Routes that answer GET with a page, and the path arguments that open one.
PAGES: dict[str, Callable[[World], dict[str, object]]] = {
    "": lambda w: {},
    "audit/": lambda w: {},
    "accounts/login/": lambda w: {},
    "org/groups/": lambda w: {},
    "org/groups/new/": lambda w: {},
    "org/groups/<int:pk>/": lambda w: {"pk": w.cast.group_a.pk},
    "org/groups/<int:pk>/edit/": lambda w: {"pk": w.cast.group_a.pk},
    "org/groups/<int:pk>/members/new/": lambda w: {"pk": w.cast.group_a.pk},
    "org/groups/<int:pk>/members/<int:member_pk>/edit/": lambda w: {"pk": w.cast.group_a.pk, "member_pk": w.member.pk},
    "org/experts/": lambda w: {},
    "org/experts/new/": lambda w: {},
    "org/experts/<int:pk>/edit/": lambda w: {"pk": w.cast.expert.pk},
    "org/bodies/": lambda w: {},
    "regions/": lambda w: {},
    "regions/<int:pk>/": lambda w: {"pk": w.cast.town_a.pk},
    "regions/<int:town_pk>/districts/new/": lambda w: {"town_pk": w.cast.town_a.pk},
    "regions/districts/<int:pk>/edit/": lambda w: {"pk": w.cast.district_a.pk},
    "enterprises/": lambda w: {},
    "enterprises/new/": lambda w: {},
    "enterprises/districts/": lambda w: {},
    "enterprises/<int:pk>/": lambda w: {"pk": w.cast.enterprise_a.pk},
    "enterprises/<int:pk>/edit/": lambda w: {"pk": w.cast.enterprise_a.pk},
    "imports/": lambda w: {},
    "imports/<int:pk>/": lambda w: {"pk": w.batch.pk},
    "imports/<int:pk>/result/": lambda w: {"pk": w.applied_batch.pk},
    "checklists/": lambda w: {},
    "checklists/<int:pk>/": lambda w: {"pk": w.template.pk},
    "checklists/categories/<int:pk>/items/new/": lambda w: {"pk": w.template.categories.first().pk},
    "checklists/items/<int:pk>/edit/": lambda w: {"pk": w.template.categories.first().items.first().pk},
    "ratings/lights/<int:pk>/override/": lambda w: {"pk": w.light.pk},
    "ratings/interviews/": lambda w: {},
    "ratings/interviews/<int:pk>/": lambda w: {"pk": w.interview.pk},
    "ratings/interviews/<int:pk>/record/": lambda w: {"pk": w.interview.pk},
    "ratings/interviews/<int:pk>/cancel/": lambda w: {"pk": w.interview.pk},
    "publications/": lambda w: {},
    "publications/<int:pk>/": lambda w: {"pk": w.publication.pk},
    "assessments/": lambda w: {},
    "assessments/<int:pk>/": lambda w: {"pk": w.assessment.pk},
    "assessments/<int:pk>/edit/": lambda w: {"pk": w.assessment.pk},
    "e/": lambda w: {},
    "e/<str:credit_code>/": lambda w: {"credit_code": w.cast.enterprise_a.credit_code},
}

#: Routes that are not pages, and what they are instead.
NOT_PAGES = {
    "healthz": "a plain-text health check",
    "accounts/logout/": "POST only: signs out",
    "org/groups/<int:pk>/members/<int:member_pk>/remove/": "POST only",
    "org/groups/<int:pk>/members/<int:member_pk>/leader/": "POST only",
    "enterprises/export.xlsx": "a spreadsheet download",
    "imports/template.xlsx": "a spreadsheet download",
    "imports/<int:pk>/confirm/": "POST only",
    "imports/<int:pk>/errors.xlsx": "a spreadsheet download",
    "checklists/<int:pk>/copy/": "POST only",
    "checklists/<int:pk>/activate/": "POST only",
    "checklists/items/<int:pk>/remove/": "POST only",
    "ratings/interviews/<int:pk>/scan/": "a file download (the signed record's scan)",
    "publications/<int:pk>/approve/": "POST only",
    "publications/<int:pk>/reject/": "POST only",
    "assessments/start/": "POST only: starts an assessment from the enterprise page",
    "assessments/export.xlsx": "a spreadsheet download",
    "assessments/<int:pk>/move/": "POST only: submit, return, publish",
    "assessments/<int:pk>/photos/<int:photo>/": "an evidence photo (an image)",
    "assessments/<int:pk>/answers/<int:answer>/photos/": "POST only: an item's photos, uploaded as they are chosen",
    "i18n/setlang/": "POST only: switches the language",
    "^media/(?P<path>.*)$": "uploaded files, served by Django only with DEBUG on",
}


def routes() -> set[str]:
    return {route for route, namespace, _ in _walk(get_resolver().url_patterns) if namespace not in OTHER_WALKS}


def has_arguments(route: str) -> bool:
    return "<" in route or "(?P" in route


def page_urls(world: World) -> dict[str, str]:
    """Route → the path that opens it on `world`: PAGES, and every other route without arguments."""
    urls = {route: "/" + route for route in routes() - set(NOT_PAGES) if not has_arguments(route)}
    for route, arguments in PAGES.items():
        path = "/" + route
        for name, value in arguments(world).items():
            path = path.replace(f"<int:{name}>", str(value)).replace(f"<str:{name}>", str(value))
        assert "<" not in path, path
        urls[route] = path
    return urls
