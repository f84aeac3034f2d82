"""The publication page (R7): city admins request, approve or reject the publication
of a quarter's lights or a year's grades. One admin requests; another approves (SECURITY.md T9)."""

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from liangpai.core.access import Action, requires
from liangpai.core.errors import ServiceError
from liangpai.publication import services as service
from liangpai.publication.models import Publication


class RequestForm(forms.Form):
    kind = forms.ChoiceField(label=gettext_lazy("类别"), choices=Publication.Kind.choices)
    period = forms.CharField(
        label=gettext_lazy("期间"), max_length=6, help_text=gettext_lazy("季度如“2026Q3”，年度如“2025”。")
    )


class RejectForm(forms.Form):
    reason = forms.CharField(label=gettext_lazy("退回理由"), max_length=500)


@requires(Action.PUBLISH)
@require_http_methods(["GET", "POST"])
def publication_list(request: HttpRequest) -> HttpResponse:
    form = RequestForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            service.request_publication(
                by=request.user, kind=form.cleaned_data["kind"], period=form.cleaned_data["period"]
            )
        except ServiceError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("已提交公布申请，请由另一位市总工会管理员审核。"))
            return redirect("publications:list")
    publications = Publication.objects.select_related("requested_by", "approved_by")[:100]
    return render(request, "publication/list.html", {"form": form, "publications": publications})


@requires(Action.PUBLISH)
@require_http_methods(["GET"])
def publication_detail(request: HttpRequest, pk: int) -> HttpResponse:
    publication = get_object_or_404(Publication.objects.select_related("requested_by", "approved_by"), pk=pk)
    return render(
        request,
        "publication/detail.html",
        {
            "publication": publication,
            "reject_form": RejectForm(),
            "is_requester": publication.requested_by_id == request.user.pk,
        },
    )


@requires(Action.PUBLISH)
@require_POST
def publication_approve(request: HttpRequest, pk: int) -> HttpResponse:
    publication = get_object_or_404(Publication, pk=pk)
    try:
        service.approve_publication(by=request.user, publication=publication)
    except ServiceError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("已审核并公布。"))
    return redirect("publications:detail", pk=pk)


@requires(Action.PUBLISH)
@require_POST
def publication_reject(request: HttpRequest, pk: int) -> HttpResponse:
    publication = get_object_or_404(Publication, pk=pk)
    form = RejectForm(request.POST)
    reason = form.cleaned_data["reason"] if form.is_valid() else ""
    try:
        service.reject_publication(by=request.user, publication=publication, reason=reason)
    except ServiceError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("已退回公布申请。"))
    return redirect("publications:detail", pk=pk)
