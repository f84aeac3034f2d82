from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from liangpai.core.access import Action, get_scoped_or_404, requires
from liangpai.core.errors import ServiceError
from liangpai.core.forms import apply_service_errors
from liangpai.regions import services
from liangpai.regions.forms import DistrictForm
from liangpai.regions.models import District, Town


@requires(Action.ORG_MANAGE)
@require_http_methods(["GET", "POST"])
def district_create(request: HttpRequest, town_pk: int) -> HttpResponse:
    town = get_scoped_or_404(request.user, Town.objects, town_pk, Action.ORG_MANAGE)
    form = DistrictForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            district = services.create_district(
                by=request.user,
                town=town,
                name=form.cleaned_data["name"],
                sort_order=form.cleaned_data["sort_order"],
                reason=form.cleaned_data["reason"],
            )
        except (ValidationError, ServiceError) as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(request, _("已添加片区“%(name)s”。") % {"name": district.name})
            return redirect("town_detail", pk=town.pk)
    return render(request, "regions/district_form.html", {"form": form, "town": town, "district": None})


@requires(Action.ORG_MANAGE)
@require_http_methods(["GET", "POST"])
def district_edit(request: HttpRequest, pk: int) -> HttpResponse:
    district = get_scoped_or_404(request.user, District.objects, pk, Action.ORG_MANAGE)
    initial = {"name": district.name, "sort_order": district.sort_order}
    form = DistrictForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.update_district(
                by=request.user,
                district=district,
                name=form.cleaned_data["name"],
                sort_order=form.cleaned_data["sort_order"],
                reason=form.cleaned_data["reason"],
            )
        except (ValidationError, ServiceError) as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(request, _("已保存片区“%(name)s”。") % {"name": form.cleaned_data["name"]})
            return redirect("town_detail", pk=district.town_id)
    return render(request, "regions/district_form.html", {"form": form, "town": district.town, "district": district})
