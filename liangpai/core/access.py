"""Who may see and do what — the one place access is decided.

Scoping: every user sees the enterprises (and towns, groups, districts, experts) that
one of their role memberships covers: city roles the whole city, town roles one
town, group roles the districts their group covers, an enterprise contact their own
enterprise. `can(user, action, obj)` is the decision table, used by views and services.

Deny by default: `LoginRequiredMiddleware` guards every page, public views say so with
`@public`, and every other view declares the action it needs with `@requires`. Out of
scope → 404 (existence does not leak); in scope but not allowed → 403.
"""

from collections.abc import Callable, Iterable
from enum import StrEnum
from functools import wraps
from typing import Any, TypeVar

from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied
from django.db.models import Model, Q, QuerySet
from django.http import Http404, HttpRequest

from liangpai.accounts.models import CITY_ROLES, GROUP_ROLES, TOWN_ROLES, Membership, Role
from liangpai.enterprises.models import Enterprise
from liangpai.organisations.models import Expert, RepresentativeGroup
from liangpai.regions.models import District, Town


class Action(StrEnum):
    ENTERPRISE_VIEW = "enterprise.view"
    ENTERPRISE_CREATE = "enterprise.create"
    ENTERPRISE_EDIT = "enterprise.edit"
    ENTERPRISE_EXPORT = "enterprise.export"
    ENTERPRISE_IMPORT = "enterprise.import"
    CONTACT_REVEAL = "contact.reveal"
    ORG_VIEW = "org.view"
    ORG_MANAGE = "org.manage"
    AUDIT_VIEW = "audit.view"
    TEMPLATE_MANAGE = "template.manage"
    RULES_MANAGE = "rules.manage"
    RATINGS_VIEW = "ratings.view"
    LIGHT_OVERRIDE = "light.override"
    INTERVIEW_VIEW = "interview.view"
    INTERVIEW_RECORD = "interview.record"
    PUBLISH = "ratings.publish"
    ASSESSMENT_VIEW = "assessment.view"
    ASSESSMENT_FILL = "assessment.fill"
    ASSESSMENT_REVIEW = "assessment.review"
    ASSESSMENT_PUBLISH = "assessment.publish"
    ASSESSMENT_REOPEN = "assessment.reopen"


_STAFF = frozenset({Role.CITY_ADMIN, Role.CITY_EMERGENCY, Role.TOWN_UNION, Role.TOWN_EMERGENCY})
_FIELD = frozenset({Role.GROUP_LEADER, Role.GROUP_MEMBER, Role.EXPERT})

#: The decision table: which roles may take each action (within their scope).
RULES: dict[Action, frozenset[Role]] = {
    Action.ENTERPRISE_VIEW: _STAFF | _FIELD | {Role.ENTERPRISE_CONTACT},
    Action.ENTERPRISE_CREATE: frozenset({Role.CITY_ADMIN, Role.TOWN_UNION}),
    Action.ENTERPRISE_EDIT: frozenset({Role.CITY_ADMIN, Role.TOWN_UNION}),
    Action.ENTERPRISE_EXPORT: _STAFF | {Role.GROUP_LEADER},
    Action.ENTERPRISE_IMPORT: frozenset({Role.CITY_ADMIN, Role.TOWN_UNION}),
    # Full phone numbers (SECURITY.md T2): only the offices that run the program.
    Action.CONTACT_REVEAL: frozenset({Role.CITY_ADMIN, Role.TOWN_UNION, Role.TOWN_EMERGENCY}),
    Action.ORG_VIEW: _STAFF | _FIELD,
    Action.ORG_MANAGE: frozenset({Role.CITY_ADMIN, Role.TOWN_UNION}),
    Action.AUDIT_VIEW: frozenset({Role.CITY_ADMIN}),
    # Assessment templates are the city's configuration (MISSION.md §1): the city union sets them.
    Action.TEMPLATE_MANAGE: frozenset({Role.CITY_ADMIN}),
    # Rulesets, the working-day calendar, closing quarters and computing grades: the city union.
    Action.RULES_MANAGE: frozenset({Role.CITY_ADMIN}),
    # Unpublished lights and grades are working data; an enterprise contact sees only published ones.
    Action.RATINGS_VIEW: _STAFF | _FIELD,
    # A light is set by hand by the union that runs the enterprise's inspections (R-LIGHT-10).
    Action.LIGHT_OVERRIDE: frozenset({Role.CITY_ADMIN, Role.TOWN_UNION}),
    Action.INTERVIEW_VIEW: _STAFF,
    # Warning interviews are held by the emergency offices (R5): the town's, or the city bureau's.
    Action.INTERVIEW_RECORD: frozenset({Role.TOWN_EMERGENCY, Role.CITY_EMERGENCY}),
    # Publishing lights and grades (R7): the city union, one admin requesting and another approving.
    Action.PUBLISH: frozenset({Role.CITY_ADMIN}),
    # The annual assessment (R2) is made by the union and the emergency offices with the groups and experts.
    Action.ASSESSMENT_VIEW: _STAFF | _FIELD,
    Action.ASSESSMENT_FILL: _STAFF | {Role.GROUP_LEADER, Role.EXPERT},
    # Checking and releasing a score is the union's: the town's for its enterprises, or the city's.
    Action.ASSESSMENT_REVIEW: frozenset({Role.CITY_ADMIN, Role.TOWN_UNION}),
    Action.ASSESSMENT_PUBLISH: frozenset({Role.CITY_ADMIN, Role.TOWN_UNION}),
    # Withdrawing a released score (before the year's grades are published) is the city union's.
    Action.ASSESSMENT_REOPEN: frozenset({Role.CITY_ADMIN}),
}


# --- memberships, loaded once per request ---------------------------------------------


def memberships(user: Any) -> list[Membership]:
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return []
    cached: list[Membership] | None = getattr(user, "_lp_memberships", None)
    if cached is None:
        cached = list(Membership.objects.filter(user=user).select_related("group").prefetch_related("group__districts"))
        user._lp_memberships = cached
    return cached


def roles_of(user: Any) -> set[str]:
    return {m.role for m in memberships(user)}


def _group_district_ids(m: Membership) -> set[int]:
    assert m.group is not None
    return {d.pk for d in m.group.districts.all()}


# --- scoping --------------------------------------------------------------------------


def _enterprise_q(m: Membership) -> Q | None:
    if m.role in CITY_ROLES:
        return Q()
    if m.role in TOWN_ROLES:
        return Q(town_id=m.town_id)
    if m.role in GROUP_ROLES:
        return Q(district_id__in=_group_district_ids(m))
    if m.role == Role.ENTERPRISE_CONTACT:
        return Q(pk=m.enterprise_id)
    return None


def _covers_enterprise(m: Membership, e: Enterprise) -> bool:
    """The same rule as `_enterprise_q`, decided in Python (no query) for one enterprise."""
    if m.role in CITY_ROLES:
        return True
    if m.role in TOWN_ROLES:
        return e.town_id == m.town_id
    if m.role in GROUP_ROLES:
        return e.district_id in _group_district_ids(m)
    return m.role == Role.ENTERPRISE_CONTACT and e.pk == m.enterprise_id


def _union(qs: Iterable[Q | None]) -> Q | None:
    result: Q | None = None
    for q in qs:
        if q is None:
            continue
        if not q:  # an empty Q() means "everything"
            return Q()
        result = q if result is None else result | q
    return result


def _scoped(
    model_qs: QuerySet[Any], user: Any, to_q: Callable[[Membership], Q | None], roles: frozenset[Role] | None
) -> QuerySet[Any]:
    ms = [m for m in memberships(user) if roles is None or m.role in roles]
    q = _union(to_q(m) for m in ms)
    if q is None:
        return model_qs.none()
    return model_qs.filter(q) if q else model_qs


def enterprises_visible_to(user: Any, action: Action = Action.ENTERPRISE_VIEW) -> QuerySet[Enterprise]:
    """The scoping rule: the enterprises `user` may see (or take `action` on)."""
    return _scoped(Enterprise.objects.all(), user, _enterprise_q, RULES[action])


def towns_visible_to(user: Any, action: Action = Action.ORG_VIEW) -> QuerySet[Town]:
    def to_q(m: Membership) -> Q | None:
        if m.role in CITY_ROLES:
            return Q()
        if m.role in TOWN_ROLES:
            return Q(pk=m.town_id)
        if m.role in GROUP_ROLES:
            assert m.group is not None
            return Q(pk=m.group.town_id)
        return None

    return _scoped(Town.objects.all(), user, to_q, RULES[action])


def districts_visible_to(user: Any, action: Action = Action.ORG_VIEW) -> QuerySet[District]:
    def to_q(m: Membership) -> Q | None:
        if m.role in CITY_ROLES:
            return Q()
        if m.role in TOWN_ROLES:
            return Q(town_id=m.town_id)
        if m.role in GROUP_ROLES:
            return Q(pk__in=_group_district_ids(m))
        return None

    return _scoped(District.objects.all(), user, to_q, RULES[action])


def groups_visible_to(user: Any, action: Action = Action.ORG_VIEW) -> QuerySet[RepresentativeGroup]:
    def to_q(m: Membership) -> Q | None:
        if m.role in CITY_ROLES:
            return Q()
        if m.role in TOWN_ROLES:
            return Q(town_id=m.town_id)
        if m.role in GROUP_ROLES:
            return Q(pk=m.group_id)
        return None

    return _scoped(RepresentativeGroup.objects.all(), user, to_q, RULES[action])


def experts_visible_to(user: Any, action: Action = Action.ORG_VIEW) -> QuerySet[Expert]:
    def to_q(m: Membership) -> Q | None:
        if m.role in CITY_ROLES:
            return Q()
        if m.role in (Role.TOWN_UNION, Role.TOWN_EMERGENCY):
            return Q(towns=m.town_id)
        if m.role == Role.EXPERT:
            return Q(user_id=m.user_id)
        if m.role in GROUP_ROLES:
            assert m.group is not None
            return Q(towns=m.group.town_id)
        return None

    return _scoped(Expert.objects.all(), user, to_q, RULES[action]).distinct()


_VISIBLE: dict[type[Model], Callable[[Any, Action], QuerySet[Any]]] = {
    Enterprise: enterprises_visible_to,
    Town: towns_visible_to,
    District: districts_visible_to,
    RepresentativeGroup: groups_visible_to,
    Expert: experts_visible_to,
}


# --- decisions ------------------------------------------------------------------------


def can(user: Any, action: Action, obj: Model | None = None) -> bool:
    """May `user` take `action` (on `obj`, when given)? Deny by default."""
    allowed = RULES.get(action, frozenset())
    if not any(m.role in allowed for m in memberships(user)):
        return False
    if obj is None:
        return True
    if isinstance(obj, Enterprise):
        return any(m.role in allowed and _covers_enterprise(m, obj) for m in memberships(user))
    visible = _VISIBLE.get(type(obj))
    if visible is None:
        return False
    return visible(user, action).filter(pk=obj.pk).exists()


M = TypeVar("M", bound=Model)


def get_for_user_or_404[M: Model](user: Any, model: type[M], pk: Any, action: Action) -> M:
    """Fetch `model` #pk for `user`: 404 outside their scope, 403 when in scope but not allowed."""
    try:
        obj = _VISIBLE[model](user, _view_action(model)).get(pk=pk)
    except (model.DoesNotExist, ValueError, TypeError) as exc:  # type: ignore[attr-defined]
        raise Http404 from exc
    if not can(user, action, obj):
        raise PermissionDenied
    return obj


def _view_action(model: type[Model]) -> Action:
    return Action.ENTERPRISE_VIEW if model is Enterprise else Action.ORG_VIEW


# --- declaring the rule of every view -------------------------------------------------

V = TypeVar("V", bound=Callable[..., Any])


def requires(action: Action) -> Callable[[V], V]:
    """Declare (and enforce) that a view needs `action`; objects are then checked in the view."""

    def decorate(view: V) -> V:
        @wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
            if not can(request.user, action):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        wrapped.access_rule = action  # type: ignore[attr-defined]
        return wrapped  # type: ignore[return-value]

    return decorate


def public[V: Callable[..., Any]](view: V) -> V:
    """Declare a view open to everyone, signed in or not."""
    view = login_not_required(view)
    view.access_rule = "public"  # type: ignore[attr-defined]
    return view


def signed_in[V: Callable[..., Any]](view: V) -> V:
    """Declare a view open to every signed-in user (it shows only their own things)."""
    view.access_rule = "signed_in"  # type: ignore[attr-defined]
    return view
