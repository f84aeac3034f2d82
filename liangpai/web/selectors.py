"""Reads that count across apps: towns and districts with what the user may see in them, in one query."""

from typing import Any

from django.db.models import QuerySet

from liangpai.core.queries import count_of
from liangpai.enterprises.models import Enterprise
from liangpai.organisations.models import RepresentativeGroup
from liangpai.regions.models import District, Town


def _active_enterprises(user: Any) -> QuerySet[Enterprise]:
    return Enterprise.objects.visible_to(user).filter(status=Enterprise.Status.ACTIVE)


def towns_with_counts(*, user: Any) -> QuerySet[Town]:
    """The towns `user` may see, each with the districts, active groups and active enterprises
    the user may see in it."""
    return Town.objects.visible_to(user).annotate(
        district_count=count_of(District.objects.visible_to(user), "town"),
        group_count=count_of(RepresentativeGroup.objects.visible_to(user).filter(is_active=True), "town"),
        enterprise_count=count_of(_active_enterprises(user), "town"),
    )


def districts_with_counts(*, user: Any, town: Town) -> QuerySet[District]:
    """The districts of `town` that `user` may see, with their active enterprises."""
    return (
        District.objects.visible_to(user)
        .filter(town=town)
        .select_related("town")
        .annotate(enterprise_count=count_of(_active_enterprises(user), "district"))
    )
