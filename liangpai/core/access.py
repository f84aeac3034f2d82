"""Who may see and do what — the one place access is decided.

The decision table is data here, in the kernel, so that every layer above can ask it:
services check the actor they are given, views declare the action they need.

- **Roles and actions.** `RULES` says which roles may take each action.
- **Grants.** A user holds role grants, each scoped to the city, a town, a representative
  group (and so its districts) or an enterprise. The kernel knows a grant as plain data
  (`Grant`); the accounts app stores them (`Membership`) and its `User.grants()` hands them
  over, so the kernel imports no domain app.
- **Scoping.** Each domain app says, next to its model, which rows a grant covers: as a query
  (`scope_q` rules, for lists) and in Python (`covered_by`, for one object). `can(actor, action,
  obj)` and `visible(queryset, actor, action, rule)` apply them.

Deny by default: `LoginRequiredMiddleware` guards every page, public views say so with
`@public`, and every other view declares the action it needs with `@requires`. Out of
scope → 404 (existence does not leak); in scope but not allowed → 403.
"""

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from enum import StrEnum
from functools import wraps
from typing import Any, Protocol, TypeVar

from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import ObjectDoesNotExist, PermissionDenied
from django.db import models
from django.db.models import Model, Q, QuerySet
from django.http import Http404, HttpRequest
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    CITY_ADMIN = "city_admin", _("市总工会")
    CITY_EMERGENCY = "city_emergency", _("市应急管理局")
    TOWN_UNION = "town_union", _("镇/街道总工会")
    TOWN_EMERGENCY = "town_emergency", _("镇/街道应急办")
    GROUP_LEADER = "group_leader", _("代表小组组长")
    GROUP_MEMBER = "group_member", _("代表小组成员")
    EXPERT = "expert", _("行业专家")
    ENTERPRISE_CONTACT = "enterprise_contact", _("企业联系人")


CITY_ROLES = frozenset({Role.CITY_ADMIN, Role.CITY_EMERGENCY})
TOWN_ROLES = frozenset({Role.TOWN_UNION, Role.TOWN_EMERGENCY, Role.EXPERT})
GROUP_ROLES = frozenset({Role.GROUP_LEADER, Role.GROUP_MEMBER})
ENTERPRISE_ROLES = frozenset({Role.ENTERPRISE_CONTACT})


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


# --- grants and actors ----------------------------------------------------------------


@dataclass(frozen=True)
class Grant:
    """One role of one user and the scope it covers, as plain data.

    `town_id` is set for town roles; `group_id`, `group_town_id` and `district_ids` for group
    roles (the districts the group covers); `enterprise_id` for an enterprise contact.
    """

    role: Role
    user_id: int
    town_id: int | None = None
    group_id: int | None = None
    group_town_id: int | None = None
    district_ids: frozenset[int] = frozenset()
    enterprise_id: int | None = None

    @property
    def is_city(self) -> bool:
        return self.role in CITY_ROLES

    @property
    def is_town(self) -> bool:
        return self.role in TOWN_ROLES

    @property
    def is_group(self) -> bool:
        return self.role in GROUP_ROLES

    @property
    def is_enterprise(self) -> bool:
        return self.role in ENTERPRISE_ROLES


class Actor(Protocol):
    """Who takes an action: a signed-in user (`accounts.User`) or the system actor of a command."""

    pk: Any
    is_authenticated: bool
    is_active: bool

    def grants(self) -> Sequence[Grant]: ...


def grants_of(actor: Any) -> Sequence[Grant]:
    """The grants of `actor`; none for an anonymous visitor or a deactivated account."""
    if not getattr(actor, "is_authenticated", False) or not getattr(actor, "is_active", False):
        return ()
    grants: Callable[[], Sequence[Grant]] | None = getattr(actor, "grants", None)
    return grants() if grants is not None else ()


def roles_of(actor: Any) -> set[str]:
    return {g.role for g in grants_of(actor)}


@dataclass(frozen=True)
class SystemActor:
    """The system acting for a command or a scheduled job: never a person, never `None`.

    It may take exactly the `actions` it is made with, across the whole city (it has the city's
    scope, as the city union's offices have). Its audit records name no user and read "系统";
    `name` says which command or job it acts for.
    """

    name: str
    actions: frozenset[Action]
    pk: None = None
    is_authenticated: bool = True
    is_active: bool = True

    #: The city's scope, in the form the scoping rules read.
    CITY_SCOPE = Grant(role=Role.CITY_ADMIN, user_id=0)

    def grants(self) -> Sequence[Grant]:
        return ()  # a role grant is a person's; `_allowed_grants` gives the system its scope per action

    def __str__(self) -> str:
        return f"系统（{self.name}）"


def system_actor(name: str, *actions: Action) -> SystemActor:
    """The actor of the command or job `name`, allowed `actions`."""
    return SystemActor(name, frozenset(actions))


def user_or_none(actor: Any) -> Any:
    """The user to store in a `…_by` column: the actor, or None when the system acted."""
    return None if isinstance(actor, SystemActor) else actor


class Scoped(Protocol):
    """An object that can say whether a grant covers it (Enterprise, Town, District, …)."""

    def covered_by(self, grant: Grant) -> bool: ...


# --- decisions ------------------------------------------------------------------------


def _allowed_grants(actor: Any, action: Action) -> list[Grant]:
    if isinstance(actor, SystemActor):
        return [SystemActor.CITY_SCOPE] if action in actor.actions else []
    allowed = RULES.get(action, frozenset())
    return [g for g in grants_of(actor) if g.role in allowed]


def can(actor: Any, action: Action, obj: Scoped | None = None) -> bool:
    """May `actor` take `action` (on `obj`, when given)? Deny by default."""
    grants = _allowed_grants(actor, action)
    if obj is None:
        return bool(grants)
    return any(obj.covered_by(g) for g in grants)


def check(actor: Any, action: Action, obj: Scoped | None = None, message: str = "") -> None:
    """Refuse with PermissionDenied unless `can(actor, action, obj)`: the services' first line."""
    if not can(actor, action, obj):
        raise PermissionDenied(message)


def is_system_admin(actor: Any) -> bool:
    """Is `actor` the system administrator: an active superuser?

    Sign-in accounts, their role grants, sign-in locks and second factors are the system
    administrator's to manage. That is not an action of the program's roles — a role grant is what
    it hands out — so it is decided here, beside `RULES`, instead of in it.
    """
    return bool(
        getattr(actor, "is_authenticated", False)
        and getattr(actor, "is_active", False)
        and getattr(actor, "is_superuser", False)
    )


def check_system_admin(actor: Any, message: str = "") -> None:
    """Refuse with PermissionDenied unless `actor` is the system administrator: the accounts services' first line."""
    if not is_system_admin(actor):
        raise PermissionDenied(message)


M = TypeVar("M", bound=Model)
M_co = TypeVar("M_co", bound=Model, covariant=True)

#: A scoping rule: the rows one grant covers, as a filter (None: nothing; an empty Q: everything).
ScopeRule = Callable[[Grant], Q | None]


def _union(qs: Iterable[Q | None]) -> Q | None:
    result: Q | None = None
    for q in qs:
        if q is None:
            continue
        if not q:  # an empty Q() means "everything"
            return Q()
        result = q if result is None else result | q
    return result


def visible[R: QuerySet[Any]](rows: R, actor: Any, action: Action, rule: ScopeRule) -> R:
    """`rows` narrowed to those `actor` may take `action` on, by the domain's scoping `rule`."""
    q = _union(rule(g) for g in _allowed_grants(actor, action))
    if q is None:
        return rows.none()
    return rows.filter(q) if q else rows


class ScopedRows(Protocol[M_co]):
    """A model's manager or queryset that knows its scoping rule (`Town.objects`, …)."""

    def visible_to(self, actor: Any) -> QuerySet[M_co]: ...


def get_scoped_or_404[M: Model](actor: Any, rows: ScopedRows[M], pk: Any, action: Action) -> M:
    """One of `rows` for `action`: 404 when `actor` may not see it (existence does not leak),
    403 when they may see it but not take `action` on it. The one get-or-404 of the views."""
    visible_rows = rows.visible_to(actor)
    try:
        obj = visible_rows.get(pk=pk)
    except (ObjectDoesNotExist, ValueError, TypeError) as exc:
        raise Http404 from exc
    if not can(actor, action, obj):  # type: ignore[arg-type]
        raise PermissionDenied
    return obj


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
