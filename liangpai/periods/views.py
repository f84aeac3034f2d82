"""Setting a quarter's light by hand (R-LIGHT-10)."""

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from liangpai.core.access import Action, get_scoped_or_404, requires
from liangpai.core.errors import ServiceError
from liangpai.lights import selectors
from liangpai.lights.models import QuarterLight
from liangpai.periods.forms import LightOverrideForm
from liangpai.periods.overrides import light_state, override_seen


@requires(Action.LIGHT_OVERRIDE)
@require_http_methods(["GET", "POST"])
def light_override(request: HttpRequest, pk: int) -> HttpResponse:
    light = get_scoped_or_404(
        request.user, QuarterLight.objects.select_related("enterprise", "enterprise__town"), pk, Action.LIGHT_OVERRIDE
    )
    form = LightOverrideForm(request.POST or None, initial={"light": light.light, "state": light_state(light)})
    if request.method == "POST" and form.is_valid():
        try:
            override_seen(
                by=request.user,
                light_row=light,
                seen=form.cleaned_data["state"],
                light=form.cleaned_data["light"],
                reason=form.cleaned_data["reason"],
            )
        except ServiceError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("已调整%(quarter)s的灯色。") % {"quarter": light.quarter})
            return redirect("enterprise_detail", pk=light.enterprise_id)
    context = {"light": light, "form": form, "reasons": selectors.light_reasons(light)}
    return render(request, "periods/light_override.html", context)
