"""The warning interview pages: the list, one interview, its record, cancelling it and its signed scan."""

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from liangpai.core.access import Action, can, requires
from liangpai.core.errors import ServiceError
from liangpai.interviews import selectors
from liangpai.interviews import services as interviews
from liangpai.interviews.forms import InterviewCancelForm, InterviewFilterForm, InterviewRecordForm
from liangpai.interviews.models import WarningInterview
from liangpai.interviews.scans import CONTENT_TYPES, kind_by_start
from liangpai.lights.selectors import light_reasons
from liangpai.regions.models import Town


@requires(Action.INTERVIEW_VIEW)
@require_GET
def interview_list(request: HttpRequest) -> HttpResponse:
    towns = Town.objects.visible_to(request.user, Action.INTERVIEW_VIEW)
    form = InterviewFilterForm(request.GET, towns=[(t.pk, t.name) for t in towns])
    today = timezone.localdate()
    rows = selectors.interview_list(user=request.user, filters=form.filters(), today=today)
    context = {
        "form": form,
        "page": Paginator(rows, settings.LIST_PAGE_SIZE).get_page(request.GET.get("page")),
        "counts": selectors.interview_counts(user=request.user, today=today),
        "today": today,
        "show_town": len(form.fields["town"].choices) > 2,  # type: ignore[attr-defined]
    }
    return render(request, "interviews/interview_list.html", context)


@requires(Action.INTERVIEW_VIEW)
@require_GET
def interview_detail(request: HttpRequest, pk: int) -> HttpResponse:
    interview = selectors.interview_for(request.user, pk, Action.INTERVIEW_VIEW)
    context = {
        "interview": interview,
        "can_record": interview.status == WarningInterview.Status.DUE
        and can(request.user, Action.INTERVIEW_RECORD, interview.enterprise),
        "today": timezone.localdate(),
        "reasons": light_reasons(interview.quarter_light),
    }
    return render(request, "interviews/interview_detail.html", context)


def _already_settled(request: HttpRequest, interview: WarningInterview) -> HttpResponse:
    messages.error(request, _("这次约谈已经记录或取消，不能再修改。"))
    return redirect("interviews:detail", pk=interview.pk)


@requires(Action.INTERVIEW_RECORD)
@require_http_methods(["GET", "POST"])
def interview_record(request: HttpRequest, pk: int) -> HttpResponse:
    interview = selectors.interview_for(request.user, pk, Action.INTERVIEW_RECORD)
    if interview.status != WarningInterview.Status.DUE and request.method == "GET":
        return _already_settled(request, interview)
    form = InterviewRecordForm(
        request.POST or None, request.FILES or None, interview=interview, initial={"version": interview.version}
    )
    if request.method == "POST" and form.is_valid():
        try:
            interviews.record_interview(
                by=request.user,
                interview=interview,
                expected_version=form.cleaned_data["version"],
                record=form.record(),
                signed_scan=form.cleaned_data.get("signed_scan"),
            )
        except ServiceError as exc:  # a conflict (stale form) or a move the workflow does not allow
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("已记录约谈。"))
            return redirect("interviews:detail", pk=interview.pk)
    return render(request, "interviews/interview_record.html", {"interview": interview, "form": form})


@requires(Action.INTERVIEW_RECORD)
@require_http_methods(["GET", "POST"])
def interview_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    interview = selectors.interview_for(request.user, pk, Action.INTERVIEW_RECORD)
    if interview.status != WarningInterview.Status.DUE and request.method == "GET":
        return _already_settled(request, interview)
    form = InterviewCancelForm(request.POST or None, initial={"version": interview.version})
    if request.method == "POST" and form.is_valid():
        try:
            interviews.cancel_interview(
                by=request.user,
                interview=interview,
                expected_version=form.cleaned_data["version"],
                reason=form.cleaned_data["reason"],
            )
        except ServiceError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("已取消约谈。"))
            return redirect("interviews:detail", pk=interview.pk)
    return render(request, "interviews/interview_cancel.html", {"interview": interview, "form": form})


@requires(Action.INTERVIEW_VIEW)
@require_GET
def interview_scan(request: HttpRequest, pk: int) -> FileResponse:
    """The signed scan, as a download (it is never shown inline, and never served from a public path)."""
    interview = selectors.interview_for(request.user, pk, Action.INTERVIEW_VIEW)
    if not interview.signed_scan:
        raise Http404
    try:
        handle = interview.signed_scan.open("rb")
    except FileNotFoundError as exc:
        raise Http404 from exc
    head = handle.read(16)
    handle.seek(0)
    kind = kind_by_start(head)
    if kind is None:
        handle.close()
        raise PermissionDenied
    filename = _("约谈签字扫描件-%(enterprise)s-%(quarter)s") % {
        "enterprise": interview.enterprise.name,
        "quarter": interview.quarter,
    }
    extension = {"pdf": ".pdf", "jpeg": ".jpg", "png": ".png"}[kind]
    return FileResponse(handle, as_attachment=True, filename=filename + extension, content_type=CONTENT_TYPES[kind])
