from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from liangpai.core.access import Action, can, get_scoped_or_404, requires
from liangpai.core.downloads import xlsx_download
from liangpai.core.errors import Conflict
from liangpai.core.forms import apply_service_errors
from liangpai.core.params import id_param
from liangpai.enterprises import selectors, services
from liangpai.enterprises.exports import write_enterprises_xlsx
from liangpai.enterprises.forms import EnterpriseFilterForm, EnterpriseForm
from liangpai.enterprises.models import Enterprise
from liangpai.regions.models import District


@requires(Action.ENTERPRISE_VIEW)
@require_GET
def enterprise_list(request: HttpRequest) -> HttpResponse:
    form = EnterpriseFilterForm(request.GET, user=request.user)
    enterprises = selectors.enterprise_list(user=request.user, filters=form.filters())
    page = Paginator(enterprises, settings.LIST_PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "form": form,
        "page": page,
        "can_create": can(request.user, Action.ENTERPRISE_CREATE),
        "can_export": can(request.user, Action.ENTERPRISE_EXPORT),
        "can_import": can(request.user, Action.ENTERPRISE_IMPORT),
    }
    if request.headers.get("HX-Request") and request.headers.get("HX-Target") == "results":
        return render(request, "enterprises/list.html#results", context)
    return render(request, "enterprises/list.html", context)


@requires(Action.ENTERPRISE_EXPORT)
@require_GET
def enterprise_export(request: HttpRequest) -> FileResponse:
    form = EnterpriseFilterForm(request.GET, user=request.user)
    enterprises = selectors.enterprise_list(user=request.user, filters=form.filters(), action=Action.ENTERPRISE_EXPORT)
    return xlsx_download(
        lambda out: write_enterprises_xlsx(
            user=request.user, enterprises=enterprises.iterator(chunk_size=2000), out=out
        ),
        _("企业名单"),
    )


@requires(Action.ENTERPRISE_CREATE)
@require_http_methods(["GET", "POST"])
def enterprise_create(request: HttpRequest) -> HttpResponse:
    form = EnterpriseForm(request.POST or None, user=request.user, action=Action.ENTERPRISE_CREATE)
    if request.method == "POST" and form.is_valid():
        try:
            enterprise = services.create_enterprise(
                by=request.user, data=form.changes(), reason=form.cleaned_data["reason"] or _("新登记")
            )
        except PermissionDenied as exc:
            form.add_error("town", str(exc) or _("您无权在该镇/街道登记企业。"))
        else:
            messages.success(request, _("已登记企业“%(name)s”。") % {"name": enterprise.name})
            return redirect("enterprise_detail", pk=enterprise.pk)
    return render(request, "enterprises/form.html", {"form": form, "creating": True})


@requires(Action.ENTERPRISE_EDIT)
@require_http_methods(["GET", "POST"])
def enterprise_edit(request: HttpRequest, pk: int) -> HttpResponse:
    enterprise = get_scoped_or_404(request.user, Enterprise.objects, pk, Action.ENTERPRISE_EDIT)
    opened_version = enterprise.version
    form = EnterpriseForm(request.POST or None, instance=enterprise, user=request.user, action=Action.ENTERPRISE_EDIT)
    if request.method == "POST" and form.is_valid():
        try:
            services.update_enterprise(
                by=request.user,
                enterprise=enterprise,
                data=form.changes(),
                expected_version=form.cleaned_data["version"] or opened_version,
                reason=form.cleaned_data["reason"],
            )
        except Conflict as exc:
            apply_service_errors(form, exc)
        except PermissionDenied as exc:
            form.add_error("town", str(exc) or _("您无权把企业移到该镇/街道。"))
        else:
            messages.success(request, _("已保存修改。"))
            return redirect("enterprise_detail", pk=enterprise.pk)
    return render(request, "enterprises/form.html", {"form": form, "creating": False, "e": enterprise})


@requires(Action.ENTERPRISE_VIEW)
@require_GET
def district_options(request: HttpRequest) -> HttpResponse:
    """<option>s of the districts of one town, for the town → district selects (htmx)."""
    districts = District.objects.visible_to(request.user, Action.ENTERPRISE_VIEW)
    town = id_param(request.GET.get("town"))
    districts = districts.filter(town_id=town) if town is not None else districts.none()
    return render(request, "enterprises/list.html#district_options", {"districts": districts})
