"""Upload → preview (counts, first rows, every error) → confirm → result; template and error report."""

import io
from pathlib import PurePath

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from liangpai.core import uploads
from liangpai.core.access import Action, requires
from liangpai.core.downloads import XLSX
from liangpai.imports import services
from liangpai.imports.forms import UploadForm
from liangpai.imports.guards import FileRejected
from liangpai.imports.models import ImportBatch
from liangpai.imports.selectors import batches_of, get_batch_for_user_or_404
from liangpai.imports.workbooks import error_workbook, template_workbook
from liangpai.regions.models import District, Town
from liangpai.rules.credit_code import check_character

ERRORS_PER_PAGE = 50


@csrf_exempt  # checked by `_upload` once the size-limiting upload handler is in place
@requires(Action.ENTERPRISE_IMPORT)
@require_http_methods(["GET", "POST"])
def upload(request: HttpRequest) -> HttpResponse:
    uploads.install(request)
    return _upload(request)


@csrf_protect
def _upload(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        form = UploadForm(request.POST, request.FILES, too_large=uploads.too_large(request))
        if form.is_valid():
            upload_file = form.cleaned_data["file"]
            try:
                batch = services.create_batch(by=request.user, data=upload_file.read(), filename=upload_file.name)
            except FileRejected as exc:
                form.add_error("file", exc.message)
            else:
                return redirect("imports:preview", pk=batch.pk)
    else:
        form = UploadForm()
    recent = batches_of(request.user)[:10]
    return render(request, "imports/upload.html", {"form": form, "recent": recent})


@requires(Action.ENTERPRISE_IMPORT)
@require_GET
def preview(request: HttpRequest, pk: int) -> HttpResponse:
    batch = get_batch_for_user_or_404(request.user, pk)
    if batch.status == ImportBatch.Status.APPLIED:
        return redirect("imports:result", pk=batch.pk)
    errors = Paginator(batch.errors, ERRORS_PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "imports/preview.html", {"batch": batch, "page": errors})


@requires(Action.ENTERPRISE_IMPORT)
@require_POST
def confirm(request: HttpRequest, pk: int) -> HttpResponse:
    batch = get_batch_for_user_or_404(request.user, pk)
    try:
        outcome = services.confirm_batch(by=request.user, batch=batch)
    except services.BatchNotReady:
        if batch.status == ImportBatch.Status.APPLIED:
            messages.info(request, _("这个文件已经导入过了。"))
            return redirect("imports:result", pk=batch.pk)
        messages.error(request, _("这个文件有错误，不能导入。"))
        return redirect("imports:preview", pk=batch.pk)
    if not outcome.applied:
        messages.error(request, _("重新核对时发现错误（数据可能已被修改），未导入任何数据。"))
        return redirect("imports:preview", pk=batch.pk)
    return redirect("imports:result", pk=batch.pk)


@requires(Action.ENTERPRISE_IMPORT)
@require_GET
def result(request: HttpRequest, pk: int) -> HttpResponse:
    batch = get_batch_for_user_or_404(request.user, pk)
    if batch.status != ImportBatch.Status.APPLIED:
        return redirect("imports:preview", pk=batch.pk)
    return render(request, "imports/result.html", {"batch": batch})


@requires(Action.ENTERPRISE_IMPORT)
@require_GET
def error_report(request: HttpRequest, pk: int) -> FileResponse:
    batch = get_batch_for_user_or_404(request.user, pk)
    content = error_workbook(errors=batch.errors, notes=batch.notes, file_name=batch.original_name)
    name = _("错误报告-%(file)s.xlsx") % {"file": PurePath(batch.original_name).stem}
    return _xlsx(content, name)


@requires(Action.ENTERPRISE_IMPORT)
@require_GET
def template(request: HttpRequest) -> FileResponse:
    towns = list(Town.objects.visible_to(request.user, Action.ENTERPRISE_IMPORT))
    districts = list(District.objects.visible_to(request.user, Action.ENTERPRISE_IMPORT))
    body = "91330482MA2" + "0" * 6  # a well-formed code: the example row is refused by its name, not its code
    content = template_workbook(towns=towns, districts=districts, example_code=body + check_character(body))
    return _xlsx(content, _("企业导入模板.xlsx"))


def _xlsx(content: bytes, filename: str) -> FileResponse:
    return FileResponse(io.BytesIO(content), as_attachment=True, filename=filename, content_type=XLSX)
