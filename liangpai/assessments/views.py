"""Pages of the annual assessment: the list, starting one, the phone checklist, the workflow, the photos."""

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Prefetch, QuerySet
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from liangpai.assessments import selectors, services, workflow
from liangpai.assessments.exports import write_assessments_xlsx
from liangpai.assessments.forms import AssessmentFilterForm, ChecklistForm, MoveForm, StartForm
from liangpai.assessments.models import Assessment, AssessmentAnswer, EvidencePhoto
from liangpai.core import images, uploads
from liangpai.core.access import Action, can, requires
from liangpai.core.downloads import xlsx_download
from liangpai.core.errors import ServiceError
from liangpai.enterprises.models import Enterprise
from liangpai.regions.models import Town

#: How many unfinished items a refused submit names one by one.
MAX_ITEMS_NAMED = 3
MB = 1024 * 1024


@requires(Action.ASSESSMENT_VIEW)
@require_GET
def assessment_list(request: HttpRequest) -> HttpResponse:
    towns = Town.objects.visible_to(request.user, Action.ASSESSMENT_VIEW)
    form = AssessmentFilterForm(request.GET, towns=[(t.pk, t.name) for t in towns])
    values = form.values()
    filters = selectors.Filters(**values)
    rows: QuerySet[Any]
    if filters.status == AssessmentFilterForm.NOT_STARTED:
        rows = selectors.not_started(user=request.user, filters=filters)
    else:
        rows = selectors.assessment_list(user=request.user, filters=filters)
    context = {
        "form": form,
        "filters": filters,
        "not_started": filters.status == AssessmentFilterForm.NOT_STARTED,
        "page": Paginator(rows, settings.LIST_PAGE_SIZE).get_page(request.GET.get("page")),
        "counts": selectors.status_counts(user=request.user, year=filters.year),
        "show_town": len(towns) > 1,
        "can_fill": can(request.user, Action.ASSESSMENT_FILL),
        "can_export": can(request.user, Action.ENTERPRISE_EXPORT),
    }
    return render(request, "assessments/list.html", context)


@requires(Action.ENTERPRISE_EXPORT)
@require_GET
def assessment_export(request: HttpRequest) -> FileResponse:
    towns = Town.objects.visible_to(request.user, Action.ASSESSMENT_VIEW)
    filters = selectors.Filters(**AssessmentFilterForm(request.GET, towns=[(t.pk, t.name) for t in towns]).values())
    if filters.status == AssessmentFilterForm.NOT_STARTED:
        filters = selectors.Filters(filters.year, filters.town, "", filters.q)
    rows = selectors.assessment_list(user=request.user, filters=filters).prefetch_related(
        Prefetch("answers", queryset=AssessmentAnswer.objects.select_related("item").prefetch_related("photos"))
    )
    return xlsx_download(
        lambda out: write_assessments_xlsx(assessments=rows.iterator(chunk_size=500), out=out),
        _("年度评估") + f"-{filters.year}",
    )


@requires(Action.ASSESSMENT_FILL)
@require_POST
def assessment_start(request: HttpRequest) -> HttpResponse:
    form = StartForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("开始评估的请求不完整，请从企业页面重新开始。"))
        return redirect("assessments:list")
    enterprise = get_object_or_404(
        Enterprise.objects.visible_to(request.user, Action.ASSESSMENT_VIEW), pk=form.cleaned_data["enterprise"]
    )
    try:
        assessment = services.start_assessment(by=request.user, enterprise=enterprise, year=form.cleaned_data["year"])
    except services.AlreadyStarted as exc:
        messages.info(request, exc.message)
        return redirect("assessments:detail", pk=exc.assessment.pk)
    except ServiceError as exc:
        messages.error(request, exc.message)
        return redirect("enterprise_detail", pk=enterprise.pk)
    messages.success(request, _("已开始 %(year)s 年度评估，请逐项填写。") % {"year": assessment.year})
    return redirect("assessments:edit", pk=assessment.pk)


@requires(Action.ASSESSMENT_VIEW)
@require_GET
def assessment_detail(request: HttpRequest, pk: int) -> HttpResponse:
    assessment = selectors.assessment_for(request.user, pk)
    answers = selectors.answers_of(assessment)
    answered, total = selectors.progress(answers)
    # The review is offered only to those who may give it: not whoever filled in or submitted this round.
    authors = services.authors_of_round(assessment) if assessment.status == Assessment.Status.SUBMITTED else set()
    moves = [
        (step, MoveForm(initial={"version": assessment.version, "move": step.move}))
        for step in workflow.TRANSITIONS.moves_from(assessment.status)
        if step.allows(request.user, assessment.enterprise)
        and not (step.move == workflow.Move.REVIEW and request.user.pk in authors)
    ]
    context = {
        "assessment": assessment,
        "answers": answers,
        "answered": answered,
        "total": total,
        "moves": moves,
        "can_edit": assessment.is_draft and can(request.user, Action.ASSESSMENT_FILL, assessment.enterprise),
        "history": selectors.history(assessment),
    }
    return render(request, "assessments/detail.html", context)


@csrf_exempt  # checked by `_assessment_edit` once the size-limiting upload handler is in place
@requires(Action.ASSESSMENT_FILL)
@require_http_methods(["GET", "POST"])
def assessment_edit(request: HttpRequest, pk: int) -> HttpResponse:
    # A photo above the limit is not written to disk in full: the upload stops there (and the save is refused).
    uploads.install(request, limit=images.max_upload_bytes())
    return _assessment_edit(request, pk)


@csrf_protect
def _assessment_edit(request: HttpRequest, pk: int) -> HttpResponse:
    assessment = _for_filling(request, pk)
    if not assessment.is_draft:
        messages.error(request, _("这份评估“%(status)s”，不能再修改。") % {"status": assessment.get_status_display()})
        return redirect("assessments:detail", pk=assessment.pk)
    answers = selectors.answers_of(assessment)
    # Reading the files parses the body; the upload handler notes a photo above the limit as it goes.
    if request.method == "POST" and request.FILES is not None and uploads.too_large(request):
        # The rest of the form was cut off with the photo: nothing of it is saved.
        refused = _(
            "有一张照片超过 %(mb)s MB，本次填写没有保存。请换一张较小的照片（或调低相机分辨率）后重新填写提交。"
        ) % {"mb": images.max_upload_bytes() // MB}
        form = ChecklistForm(assessment=assessment, answers=answers)
        return _checklist_page(request, form, answers, refused=refused, status=413)
    form = ChecklistForm(request.POST or None, request.FILES or None, assessment=assessment, answers=answers)
    if request.method == "POST" and form.is_valid():
        try:
            services.save_answers(
                by=request.user,
                assessment=assessment,
                expected_version=form.cleaned_data["version"],
                changes=form.changes(),
            )
        except services.AnswerErrors as exc:
            form.add_error(None, exc.message)
            form.add_item_errors(exc.by_answer)
        except ServiceError as exc:  # a stale form, or the assessment moved on meanwhile
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("已保存。"))
            if request.POST.get("then") == "detail":
                return redirect("assessments:detail", pk=assessment.pk)
            return redirect("assessments:edit", pk=assessment.pk)
    return _checklist_page(request, form, answers)


def _for_filling(request: HttpRequest, pk: int) -> Assessment:
    """An assessment the user sees (else 404) and may fill in (else 403)."""
    assessment = selectors.assessment_for(request.user, pk)
    if not can(request.user, Action.ASSESSMENT_FILL, assessment.enterprise):
        raise PermissionDenied
    return assessment


def _checklist_page(
    request: HttpRequest, form: ChecklistForm, answers: list[AssessmentAnswer], *, refused: str = "", status: int = 200
) -> HttpResponse:
    answered, total = selectors.progress(answers)
    context = {"assessment": form.assessment, "form": form, "answered": answered, "total": total, "refused": refused}
    return render(request, "assessments/edit.html", context, status=status)


@requires(Action.ASSESSMENT_VIEW)
@require_POST
def assessment_move(request: HttpRequest, pk: int) -> HttpResponse:
    assessment = selectors.assessment_for(request.user, pk)
    form = MoveForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("操作请求不完整，请刷新页面后再试。"))
        return redirect("assessments:detail", pk=assessment.pk)
    step = workflow.TRANSITIONS.find(assessment.status, form.cleaned_data["move"])
    try:
        services.move(
            by=request.user,
            assessment=assessment,
            expected_version=form.cleaned_data["version"],
            move=form.cleaned_data["move"],
            reason=form.cleaned_data["reason"],
        )
    except services.AnswerErrors as exc:
        messages.error(request, exc.message)
        # The first few items by name; thirty warnings would bury the page on a phone.
        first = [problems[0] for problems in exc.by_answer.values() if problems]
        for problem in first[:MAX_ITEMS_NAMED]:
            messages.warning(request, problem)
        if len(first) > MAX_ITEMS_NAMED:
            messages.warning(
                request,
                _("另有 %(count)s 个评价项目需要处理，请在填写页面逐项查看。")
                % {"count": len(first) - MAX_ITEMS_NAMED},
            )
    except ServiceError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, str(step.done) if step else _("已完成。"))
    return redirect("assessments:detail", pk=assessment.pk)


@csrf_exempt  # checked by `_add_photos` once the size-limiting upload handler is in place
@requires(Action.ASSESSMENT_FILL)
@require_POST
def add_photos(request: HttpRequest, pk: int, answer: int) -> HttpResponse:
    uploads.install(request, limit=images.max_upload_bytes())
    return _add_photos(request, pk, answer)


@csrf_protect
def _add_photos(request: HttpRequest, pk: int, answer: int) -> HttpResponse:
    """One item's photos, uploaded as soon as they are chosen (htmx swaps the item's photo area)."""
    assessment = _for_filling(request, pk)
    row = get_object_or_404(AssessmentAnswer.objects.select_related("item"), pk=answer, assessment=assessment)
    errors: list[str] = []
    added = 0
    if request.FILES is not None and uploads.too_large(request):  # reading the files parses the body
        limit = images.max_upload_bytes() // MB
        errors.append(_("照片超过 %(mb)s MB，没有上传。请换一张较小的照片（或调低相机分辨率）。") % {"mb": limit})
    else:
        try:
            added = len(
                services.add_photos(
                    by=request.user,
                    assessment=assessment,
                    answer_id=row.pk,
                    uploads=request.FILES.getlist(f"a{row.pk}-photos"),
                )
            )
        except services.AnswerErrors as exc:
            errors = exc.by_answer.get(row.pk) or [exc.message]
        except ServiceError as exc:
            errors = [exc.message]
    if not request.headers.get("HX-Request"):  # without scripts: back to the checklist, at the item
        for error in errors:
            messages.error(request, error)
        if added:
            messages.success(request, _("已上传照片。"))
        return redirect(reverse("assessments:edit", args=[assessment.pk]) + f"#item-{row.pk}")
    context = {"assessment": assessment, "answer": row, "photo_errors": errors, "photo_added": added}
    # A refusal is answered 200 too: htmx swaps only successful answers, and the message belongs in place.
    return render(request, "assessments/_photos.html", context)


@requires(Action.ASSESSMENT_VIEW)
@require_GET
def evidence_photo(request: HttpRequest, pk: int, photo: int) -> HttpResponse | FileResponse:
    assessment = selectors.assessment_for(request.user, pk)
    found = EvidencePhoto.objects.filter(pk=photo, answer__assessment=assessment).first()
    if found is None:
        raise Http404
    try:
        handle = found.file.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    # The extension follows the content type (image_response).
    return images.image_response(handle, found.content_type, filename=f"photo-{found.pk}")
