"""Reads of representative groups, experts and bodies: scoped to the user, related rows joined,
a fixed number of queries whatever the number of rows."""

from dataclasses import dataclass
from typing import Any

from django.db.models import F, Prefetch, Q, QuerySet
from django.db.models.functions import Coalesce

from liangpai.core.access import Action, can
from liangpai.core.queries import count_of
from liangpai.enterprises.models import Enterprise, Industry
from liangpai.organisations.models import Body, Expert, GroupMember, RepresentativeGroup
from liangpai.regions.models import District, Town
from liangpai.rules.text import clean_text

# --- representative groups --------------------------------------------------------------


@dataclass(frozen=True)
class GroupFilters:
    q: str = ""  # part of the group's name or of a member's name
    town: int | None = None


def group_rows(*, user: Any) -> QuerySet[RepresentativeGroup]:
    """The groups `user` may see, each with its town, member count, leader (`leaders`, a list of
    at most one) and districts."""
    return (
        RepresentativeGroup.objects.visible_to(user)
        .select_related("town")
        .order_by("town__sort_order", "town__name", "name")
        .annotate(member_count=count_of(GroupMember.objects.all(), "group"))
        .prefetch_related(
            Prefetch("members", queryset=GroupMember.objects.filter(role=GroupMember.Role.LEADER), to_attr="leaders"),
            Prefetch("districts", queryset=District.objects.order_by("sort_order", "name")),
        )
    )


def group_list(*, user: Any, filters: GroupFilters) -> QuerySet[RepresentativeGroup]:
    groups = group_rows(user=user)
    if filters.town:
        groups = groups.filter(town_id=filters.town)
    q = clean_text(filters.q)
    if q:
        # A subquery rather than a join: a group matching through two members is listed once.
        by_member = GroupMember.objects.filter(name__icontains=q).values("group_id")
        groups = groups.filter(Q(name__icontains=q) | Q(pk__in=by_member))
    return groups


def group_members(group: RepresentativeGroup) -> QuerySet[GroupMember]:
    """Leader first, then members by name."""
    return group.members.order_by("role", "name", "pk")


def group_districts(*, user: Any, group: RepresentativeGroup) -> QuerySet[District]:
    """The districts `group` covers, with the active enterprises in each that `user` may see."""
    return group.districts.order_by("sort_order", "name").annotate(
        enterprise_count=count_of(
            Enterprise.objects.visible_to(user).filter(status=Enterprise.Status.ACTIVE), "district"
        )
    )


# --- experts ----------------------------------------------------------------------------


@dataclass(frozen=True)
class ExpertFilters:
    q: str = ""  # part of the name or the employer
    speciality: str = ""  # a GB/T 4754 section letter


def industry_sections() -> QuerySet[Industry]:
    return Industry.objects.filter(parent=None).order_by("code")


def industries_by_section() -> QuerySet[Industry]:
    """Every section followed by its divisions, for choosing an expert's specialities."""
    return Industry.objects.select_related("parent").order_by(
        Coalesce("parent__code", "code"), F("parent").asc(nulls_first=True), "code"
    )


def expert_list(*, user: Any, filters: ExpertFilters) -> QuerySet[Expert]:
    experts = Expert.objects.visible_to(user)
    q = clean_text(filters.q)
    if q:
        experts = experts.filter(Q(name__icontains=q) | Q(employer__icontains=q))
    if filters.speciality:
        in_section = Industry.objects.filter(Q(code=filters.speciality) | Q(parent__code=filters.speciality)).values(
            "pk"
        )
        experts = experts.filter(
            pk__in=Expert.specialities.through.objects.filter(industry_id__in=in_section).values("expert_id")
        )
    return experts.prefetch_related(
        Prefetch("specialities", queryset=Industry.objects.order_by("code")),
        Prefetch("towns", queryset=Town.objects.order_by("sort_order", "name")),
    )


@dataclass(frozen=True)
class ExpertRow:
    expert: Expert
    reveal_phone: bool
    can_manage: bool


def expert_rows(*, user: Any, experts: list[Expert]) -> list[ExpertRow]:
    """`experts` with what `user` may do with each: see the full phone number (the offices of
    a town that invited the expert, and the city), edit. Two queries for the whole page."""
    if not experts:
        return []
    pks = [e.pk for e in experts]
    revealed = set(
        Expert.objects.visible_to(user, Action.CONTACT_REVEAL).filter(pk__in=pks).values_list("pk", flat=True)
    )
    managed = set(Expert.objects.visible_to(user, Action.ORG_MANAGE).filter(pk__in=pks).values_list("pk", flat=True))
    return [ExpertRow(e, reveal_phone=e.pk in revealed, can_manage=e.pk in managed) for e in experts]


def expert_initial(expert: Expert) -> dict[str, Any]:
    """The edit form's starting values."""
    return {
        "name": expert.name,
        "employer": expert.employer,
        "title": expert.title,
        "phone": expert.phone,
        "specialities": list(expert.specialities.all()),
        "towns": list(expert.towns.all()),
        "is_active": expert.is_active,
    }


def towns_inviting_outside(*, user: Any, expert: Expert) -> QuerySet[Town]:
    """The towns that invited `expert` which `user` does not manage (their invitations stay)."""
    return expert.towns.exclude(pk__in=Town.objects.visible_to(user, Action.ORG_MANAGE).values("pk")).order_by(
        "sort_order", "name"
    )


# --- bodies -----------------------------------------------------------------------------


@dataclass(frozen=True)
class BodyRow:
    body: Body
    reveal_phone: bool


@dataclass(frozen=True)
class TownBodies:
    town: Town | None  # None: the city-level bodies
    rows: list[BodyRow]


def _phone_rule(user: Any) -> tuple[set[int], bool]:
    """A town body's phone is shown in full to whoever may reveal contacts in that town; a city
    body's to whoever may reveal contacts anywhere, since every town office works with it."""
    towns = set(Town.objects.visible_to(user, Action.CONTACT_REVEAL).values_list("pk", flat=True))
    return towns, can(user, Action.CONTACT_REVEAL)


def _row(body: Body, towns: set[int], city: bool) -> BodyRow:
    return BodyRow(body, city if body.town_id is None else body.town_id in towns)


def bodies_by_town(*, user: Any) -> list[TownBodies]:
    """The city bodies, then each town `user` may see with its union and emergency office."""
    towns = list(Town.objects.visible_to(user))
    bodies = Body.objects.filter(Q(town__isnull=True) | Q(town__in=[t.pk for t in towns])).order_by("kind", "name")
    reveal_towns, reveal_city = _phone_rule(user)
    by_town: dict[int | None, list[BodyRow]] = {}
    for body in bodies:
        by_town.setdefault(body.town_id, []).append(_row(body, reveal_towns, reveal_city))
    return [TownBodies(None, by_town.get(None, [])), *(TownBodies(t, by_town.get(t.pk, [])) for t in towns)]


def bodies_of_town(*, user: Any, town: Town) -> list[BodyRow]:
    reveal = can(user, Action.CONTACT_REVEAL, town)
    return [BodyRow(b, reveal) for b in town.bodies.order_by("kind", "name")]
