"""The city admin's pages for assessment templates: list, detail, copy, edit a draft, activate."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from liangpai.checklists import selectors, services
from liangpai.checklists.forms import CopyTemplateForm, ItemForm, ReasonForm
from liangpai.checklists.models import ChecklistCategory, ChecklistItem, ChecklistTemplate
from liangpai.core.access import Action, requires
from liangpai.core.errors import ServiceError
from liangpai.core.forms import apply_service_errors


def _item(pk: int) -> ChecklistItem:
    return get_object_or_404(ChecklistItem.objects.select_related("category__template"), pk=pk)


def _refused(request: HttpRequest, template: ChecklistTemplate, error: ValidationError | ServiceError) -> HttpResponse:
    """Back to the template's page, with the reason the service gave."""
    for message in error.messages:
        messages.error(request, message)
    return redirect("checklists:detail", pk=template.pk)


def _unless_draft(request: HttpRequest, template: ChecklistTemplate) -> HttpResponse | None:
    """The refusal when `template` is not a draft (only a draft's items change), else None."""
    try:
        services.check_draft(template)
    except (ValidationError, ServiceError) as exc:
        return _refused(request, template, exc)
    return None


@requires(Action.TEMPLATE_MANAGE)
@require_GET
def template_list(request: HttpRequest) -> HttpResponse:
    return render(request, "checklists/list.html", {"templates": selectors.template_list()})


@requires(Action.TEMPLATE_MANAGE)
@require_GET
def template_detail(request: HttpRequest, pk: int) -> HttpResponse:
    template = get_object_or_404(selectors.templates(), pk=pk)
    return render(request, "checklists/detail.html", {"t": template, "detail": selectors.template_detail(template)})


@requires(Action.TEMPLATE_MANAGE)
@require_http_methods(["GET", "POST"])
def template_copy(request: HttpRequest, pk: int) -> HttpResponse:
    template = get_object_or_404(ChecklistTemplate, pk=pk)
    form = CopyTemplateForm(request.POST or None, template=template)
    if request.method == "POST" and form.is_valid():
        try:
            copy = services.copy_template(by=request.user, template=template, **form.cleaned_data)
        except (ValidationError, ServiceError) as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(request, _("已复制为“%(template)s”（草稿），修改后即可启用。") % {"template": copy})
            return redirect("checklists:detail", pk=copy.pk)
    return render(request, "checklists/copy.html", {"form": form, "t": template})


@requires(Action.TEMPLATE_MANAGE)
@require_http_methods(["GET", "POST"])
def template_activate(request: HttpRequest, pk: int) -> HttpResponse:
    template = get_object_or_404(ChecklistTemplate, pk=pk)
    form = ReasonForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.activate_template(by=request.user, template=template, reason=form.cleaned_data["reason"])
        except (ValidationError, ServiceError) as exc:
            return _refused(request, template, exc)
        messages.success(request, _("已启用“%(template)s”。") % {"template": template})
        return redirect("checklists:detail", pk=template.pk)
    try:
        services.check_transition(template, ChecklistTemplate.Status.ACTIVE)
    except (ValidationError, ServiceError) as exc:
        return _refused(request, template, exc)
    context = {
        "form": form,
        "t": template,
        "problems": selectors.template_detail(template).activation_problems,
        "replaces": selectors.active_template_replaced_by(template),
    }
    return render(request, "checklists/activate.html", context)


@requires(Action.TEMPLATE_MANAGE)
@require_http_methods(["GET", "POST"])
def item_add(request: HttpRequest, pk: int) -> HttpResponse:
    category = get_object_or_404(ChecklistCategory.objects.select_related("template"), pk=pk)
    if (refusal := _unless_draft(request, category.template)) is not None:
        return refusal
    form = ItemForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            item = services.add_item(by=request.user, category=category, **form.item_fields())
        except (ValidationError, ServiceError) as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(request, _("已添加评价项目%(code)s。") % {"code": item.code})
            return redirect("checklists:detail", pk=category.template_id)
    context = {"form": form, "t": category.template, "category": category, "item": None}
    return render(request, "checklists/item_form.html", context)


@requires(Action.TEMPLATE_MANAGE)
@require_http_methods(["GET", "POST"])
def item_edit(request: HttpRequest, pk: int) -> HttpResponse:
    item = _item(pk)
    if (refusal := _unless_draft(request, item.category.template)) is not None:
        return refusal
    form = ItemForm(request.POST or None, item=item)
    if request.method == "POST" and form.is_valid():
        try:
            services.update_item(
                by=request.user, item=item, expected_version=form.cleaned_data["version"], **form.item_fields()
            )
        except (ValidationError, ServiceError) as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(request, _("已保存评价项目%(code)s。") % {"code": form.cleaned_data["code"]})
            return redirect("checklists:detail", pk=item.category.template_id)
    context = {"form": form, "t": item.category.template, "category": item.category, "item": item}
    return render(request, "checklists/item_form.html", context)


@requires(Action.TEMPLATE_MANAGE)
@require_http_methods(["GET", "POST"])
def item_remove(request: HttpRequest, pk: int) -> HttpResponse:
    item = _item(pk)
    if (refusal := _unless_draft(request, item.category.template)) is not None:
        return refusal
    form = ReasonForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.remove_item(by=request.user, item=item, reason=form.cleaned_data["reason"])
        except (ValidationError, ServiceError) as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(request, _("已删除评价项目%(code)s。") % {"code": item.code})
            return redirect("checklists:detail", pk=item.category.template_id)
    return render(request, "checklists/item_remove.html", {"form": form, "t": item.category.template, "item": item})
