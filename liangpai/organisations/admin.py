"""Admin screens for bodies, representative groups and experts: every save and delete is a call to
`organisations.services`, the ones the app's pages call (and, for what only the admin offers, such as
linking a member or an expert to their sign-in account, the services made for it)."""

from typing import Any

from django.contrib import admin
from django.db.models import Count
from django.http import HttpRequest
from django.utils.translation import gettext_lazy

from liangpai.core.admin import ServiceAdmin
from liangpai.organisations import services
from liangpai.organisations.models import Body, Expert, GroupMember, RepresentativeGroup

_BODY_FIELDS = ("kind", "name", "town", "head", "phone", "address")
_EXPERT_FIELDS = ("name", "employer", "title", "phone", "specialities", "towns", "is_active")


@admin.register(Body)
class BodyAdmin(ServiceAdmin[Body]):
    list_display = ["name", "kind", "town", "head", "phone"]
    list_filter = ["kind", "town"]
    search_fields = ["name", "head", "address"]
    list_select_related = ["town"]
    delete_allowed = True

    def save_via_service(self, request: HttpRequest, *, obj: Body | None, data: dict[str, Any], reason: str) -> Body:
        fields = {name: data[name] for name in _BODY_FIELDS}
        if obj is None:
            return services.create_body(by=request.user, reason=reason, **fields)
        return services.update_body(by=request.user, body=obj, reason=reason, **fields)

    def delete_via_service(self, request: HttpRequest, *, obj: Body, reason: str) -> None:
        services.delete_body(by=request.user, body=obj, reason=reason)


class GroupMemberInline(admin.TabularInline[GroupMember, RepresentativeGroup]):
    model = GroupMember
    extra = 0
    fields = ["name", "role", "work_unit", "phone", "user"]
    # The leader is made on the group page ("设为组长"), which steps the previous one down in the same
    # change; a member added here joins as a member, as on the page.
    readonly_fields = ["role"]
    raw_id_fields = ["user"]


@admin.register(RepresentativeGroup)
class RepresentativeGroupAdmin(ServiceAdmin[RepresentativeGroup]):
    """The group's own fields, its members (added, changed, removed, made leader, linked to an
    account) and deleting a group set up by mistake: each through the service the group page uses."""

    list_display = ["name", "town", "is_active", "member_count"]
    list_filter = ["is_active", "town"]
    search_fields = ["name", "members__name"]
    filter_horizontal = ["districts"]
    inlines = [GroupMemberInline]
    delete_allowed = True

    def get_queryset(self, request: HttpRequest) -> Any:
        return super().get_queryset(request).select_related("town").annotate(n_members=Count("members"))

    @admin.display(description=gettext_lazy("成员数"), ordering="n_members")
    def member_count(self, obj: RepresentativeGroup) -> int:
        return obj.n_members  # type: ignore[attr-defined]

    def save_via_service(
        self, request: HttpRequest, *, obj: RepresentativeGroup | None, data: dict[str, Any], reason: str
    ) -> RepresentativeGroup:
        fields = {name: data[name] for name in ("town", "name", "districts", "is_active", "note")}
        if obj is None:
            return services.create_group(by=request.user, reason=reason, **fields)
        return services.update_group(by=request.user, group=obj, reason=reason, **fields)

    def save_inlines_via_service(
        self, request: HttpRequest, *, obj: RepresentativeGroup, formsets: list[Any], reason: str
    ) -> None:
        for formset in formsets:
            if formset.model is GroupMember:
                _save_members(request.user, group=obj, formset=formset, reason=reason)

    def delete_via_service(self, request: HttpRequest, *, obj: RepresentativeGroup, reason: str) -> None:
        services.delete_group(by=request.user, group=obj, reason=reason)


def _save_members(by: Any, *, group: RepresentativeGroup, formset: Any, reason: str) -> None:
    """The member rows of the group's form, each change as the group page would make it."""
    deleted = list(formset.deleted_forms)
    for form in deleted:
        if form.instance.pk is not None:
            services.remove_member(by=by, member=form.instance, reason=reason)
    for form in formset.forms:
        if form not in deleted and form.has_changed():
            _save_member(by, group=group, form=form, reason=reason)


def _save_member(by: Any, *, group: RepresentativeGroup, form: Any, reason: str) -> None:
    data = form.cleaned_data
    details = {"name": data["name"], "work_unit": data["work_unit"], "phone": data["phone"], "reason": reason}
    if form.instance.pk is None:
        member = services.add_member(by=by, group=group, **details)
    else:
        # The row as this save read it: a change saved since then is a conflict, as on the member page.
        stored = form.instance
        stored.group = group
        member = services.update_member(by=by, member=stored, expected_version=stored.version, **details)
        member.group = group
    services.link_member_account(by=by, member=member, user=data.get("user"), reason=reason)


@admin.register(Expert)
class ExpertAdmin(ServiceAdmin[Expert]):
    """The same writes as the expert pages, and linking an expert to their sign-in account."""

    list_display = ["name", "employer", "title", "is_active"]
    list_filter = ["is_active", "towns", "specialities__parent"]
    search_fields = ["name", "employer", "title"]
    filter_horizontal = ["specialities", "towns"]
    raw_id_fields = ["user"]

    def save_via_service(
        self, request: HttpRequest, *, obj: Expert | None, data: dict[str, Any], reason: str
    ) -> Expert:
        fields = {name: data[name] for name in _EXPERT_FIELDS}
        if obj is None:
            expert = services.create_expert(by=request.user, reason=reason, **fields)
        else:
            expert = services.update_expert(by=request.user, expert=obj, reason=reason, **fields)
        return services.link_expert_account(by=request.user, expert=expert, user=data.get("user"), reason=reason)
