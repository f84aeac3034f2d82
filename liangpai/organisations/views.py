from typing import Any

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Page, Paginator
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from liangpai.core.access import Action, can, get_scoped_or_404, requires
from liangpai.core.errors import ServiceError
from liangpai.core.forms import apply_service_errors
from liangpai.core.params import id_param
from liangpai.organisations import selectors, services
from liangpai.organisations.forms import (
    ExpertFilterForm,
    ExpertForm,
    GroupFilterForm,
    GroupForm,
    MemberForm,
    ReasonForm,
)
from liangpai.organisations.models import Expert, GroupMember, RepresentativeGroup
from liangpai.regions.models import Town


def _page(request: HttpRequest, rows: QuerySet[Any]) -> Page[Any]:
    return Paginator(rows, settings.LIST_PAGE_SIZE).get_page(request.GET.get("page"))


# --- representative groups --------------------------------------------------------------


@requires(Action.ORG_VIEW)
@require_GET
def group_list(request: HttpRequest) -> HttpResponse:
    form = GroupFilterForm(request.GET, user=request.user)
    page = _page(request, selectors.group_list(user=request.user, filters=form.filters()))
    context = {"form": form, "page": page, "can_create": can(request.user, Action.ORG_MANAGE)}
    return render(request, "organisations/group_list.html", context)


@requires(Action.ORG_VIEW)
@require_GET
def group_detail(request: HttpRequest, pk: int) -> HttpResponse:
    group = get_scoped_or_404(request.user, RepresentativeGroup.objects, pk, Action.ORG_VIEW)
    context = {
        "group": group,
        "members": selectors.group_members(group),
        "districts": selectors.group_districts(user=request.user, group=group),
        # Members' phones: shown in full to whoever may reveal contacts in the group's town.
        "can_reveal": can(request.user, Action.CONTACT_REVEAL, group.town),
        "can_manage": can(request.user, Action.ORG_MANAGE, group),
    }
    return render(request, "organisations/group_detail.html", context)


@requires(Action.ORG_MANAGE)
@require_http_methods(["GET", "POST"])
def group_create(request: HttpRequest) -> HttpResponse:
    initial = {}
    if (town := id_param(request.GET.get("town"))) is not None:
        initial["town"] = Town.objects.visible_to(request.user, Action.ORG_MANAGE).filter(pk=town).first()
    form = GroupForm(request.POST or None, user=request.user, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            group = services.create_group(
                by=request.user,
                town=data["town"],
                name=data["name"],
                districts=data["districts"],
                is_active=data["is_active"],
                note=data["note"],
                reason=data["reason"],
            )
        except (ValidationError, ServiceError) as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(request, _("已设立代表小组“%(name)s”。") % {"name": group.name})
            return redirect("organisations:group_detail", pk=group.pk)
    return render(request, "organisations/group_form.html", {"form": form, "group": None})


@requires(Action.ORG_MANAGE)
@require_http_methods(["GET", "POST"])
def group_edit(request: HttpRequest, pk: int) -> HttpResponse:
    group = get_scoped_or_404(request.user, RepresentativeGroup.objects, pk, Action.ORG_MANAGE)
    initial = {
        "town": group.town_id,
        "name": group.name,
        "districts": list(group.districts.all()),
        "is_active": group.is_active,
        "note": group.note,
    }
    form = GroupForm(request.POST or None, user=request.user, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.update_group(
                by=request.user,
                group=group,
                town=data["town"],
                name=data["name"],
                districts=data["districts"],
                is_active=data["is_active"],
                note=data["note"],
                reason=data["reason"],
            )
        except (ValidationError, ServiceError) as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(request, _("已保存代表小组“%(name)s”。") % {"name": data["name"]})
            return redirect("organisations:group_detail", pk=group.pk)
    return render(request, "organisations/group_form.html", {"form": form, "group": group})


# --- members ----------------------------------------------------------------------------


def _member_for_manager(request: HttpRequest, pk: int, member_pk: int) -> GroupMember:
    group = get_scoped_or_404(request.user, RepresentativeGroup.objects, pk, Action.ORG_MANAGE)
    member = get_object_or_404(GroupMember, pk=member_pk, group=group)
    member.group = group
    return member


@requires(Action.ORG_MANAGE)
@require_http_methods(["GET", "POST"])
def member_add(request: HttpRequest, pk: int) -> HttpResponse:
    group = get_scoped_or_404(request.user, RepresentativeGroup.objects, pk, Action.ORG_MANAGE)
    form = MemberForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        member = services.add_member(
            by=request.user,
            group=group,
            name=data["name"],
            work_unit=data["work_unit"],
            phone=data["phone"],
            reason=data["reason"],
        )
        messages.success(request, _("已添加成员“%(name)s”。") % {"name": member.name})
        return redirect("organisations:group_detail", pk=group.pk)
    return render(request, "organisations/member_form.html", {"form": form, "group": group, "member": None})


@requires(Action.ORG_MANAGE)
@require_http_methods(["GET", "POST"])
def member_edit(request: HttpRequest, pk: int, member_pk: int) -> HttpResponse:
    member = _member_for_manager(request, pk, member_pk)
    form = MemberForm(request.POST or None, member=member)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.update_member(
                by=request.user,
                member=member,
                expected_version=data["version"],
                name=data["name"],
                work_unit=data["work_unit"],
                phone=data["phone"],
                reason=data["reason"],
            )
        except (ValidationError, ServiceError) as exc:  # a stale form: someone saved the member since it was opened
            apply_service_errors(form, exc)
        else:
            messages.success(request, _("已保存成员“%(name)s”。") % {"name": data["name"]})
            return redirect("organisations:group_detail", pk=pk)
    return render(request, "organisations/member_form.html", {"form": form, "group": member.group, "member": member})


@requires(Action.ORG_MANAGE)
@require_http_methods(["GET", "POST"])
def member_remove(request: HttpRequest, pk: int, member_pk: int) -> HttpResponse:
    member = _member_for_manager(request, pk, member_pk)
    form = ReasonForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        services.remove_member(by=request.user, member=member, reason=form.cleaned_data["reason"])
        messages.success(request, _("已将“%(name)s”移出代表小组。") % {"name": member.name})
        return redirect("organisations:group_detail", pk=pk)
    return render(request, "organisations/member_remove.html", {"form": form, "group": member.group, "member": member})


@requires(Action.ORG_MANAGE)
@require_POST
def member_set_leader(request: HttpRequest, pk: int, member_pk: int) -> HttpResponse:
    member = _member_for_manager(request, pk, member_pk)
    try:
        services.set_leader(by=request.user, member=member, reason=request.POST.get("reason", "")[:500])
    except (ValidationError, ServiceError) as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("已将“%(name)s”设为组长。") % {"name": member.name})
    return redirect("organisations:group_detail", pk=pk)


# --- experts ----------------------------------------------------------------------------


@requires(Action.ORG_VIEW)
@require_GET
def expert_list(request: HttpRequest) -> HttpResponse:
    form = ExpertFilterForm(request.GET)
    page = _page(request, selectors.expert_list(user=request.user, filters=form.filters()))
    rows = selectors.expert_rows(user=request.user, experts=list(page.object_list))
    context = {
        "form": form,
        "page": page,
        "rows": rows,
        "can_create": can(request.user, Action.ORG_MANAGE),
    }
    return render(request, "organisations/expert_list.html", context)


def _expert_fields(form: ExpertForm) -> dict[str, Any]:
    """The service's keyword arguments, from a valid form."""
    fields = ["name", "employer", "title", "phone", "specialities", "towns", "is_active", "reason"]
    return {name: form.cleaned_data[name] for name in fields}


@requires(Action.ORG_MANAGE)
@require_http_methods(["GET", "POST"])
def expert_create(request: HttpRequest) -> HttpResponse:
    form = ExpertForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            expert = services.create_expert(by=request.user, **_expert_fields(form))
        except (ValidationError, ServiceError) as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(request, _("已登记专家“%(name)s”。") % {"name": expert.name})
            return redirect("organisations:experts")
    return render(request, "organisations/expert_form.html", {"form": form, "expert": None})


@requires(Action.ORG_MANAGE)
@require_http_methods(["GET", "POST"])
def expert_edit(request: HttpRequest, pk: int) -> HttpResponse:
    expert = get_scoped_or_404(request.user, Expert.objects, pk, Action.ORG_MANAGE)
    form = ExpertForm(request.POST or None, user=request.user, initial=selectors.expert_initial(expert))
    if request.method == "POST" and form.is_valid():
        try:
            services.update_expert(by=request.user, expert=expert, **_expert_fields(form))
        except (ValidationError, ServiceError) as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(request, _("已保存专家“%(name)s”。") % {"name": form.cleaned_data["name"]})
            return redirect("organisations:experts")
    other_towns = selectors.towns_inviting_outside(user=request.user, expert=expert)
    return render(
        request, "organisations/expert_form.html", {"form": form, "expert": expert, "other_towns": other_towns}
    )


# --- bodies -----------------------------------------------------------------------------


@requires(Action.ORG_VIEW)
@require_GET
def body_list(request: HttpRequest) -> HttpResponse:
    return render(request, "organisations/body_list.html", {"sections": selectors.bodies_by_town(user=request.user)})
