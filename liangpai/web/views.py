"""Pages that show several domain apps side by side. Each asks the apps' selectors and renders."""

from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from liangpai.assessments.selectors import enterprise_panel
from liangpai.core.access import Action, can, get_scoped_or_404, requires, signed_in
from liangpai.enterprises import selectors as enterprise_selectors
from liangpai.enterprises.models import Enterprise
from liangpai.organisations import selectors as org_selectors
from liangpai.regions.models import Town
from liangpai.web import selectors
from liangpai.web.panels import enterprise_ratings


@signed_in
@require_GET
def home(request: HttpRequest) -> HttpResponse:
    visible = Enterprise.objects.visible_to(request.user)
    stats = visible.aggregate(
        total=Count("pk"),
        active=Count("pk", filter=Q(status=Enterprise.Status.ACTIVE)),
        above=Count("pk", filter=Q(scale=Enterprise.Scale.ABOVE, status=Enterprise.Status.ACTIVE)),
        with_union=Count("pk", filter=Q(has_union=True, status=Enterprise.Status.ACTIVE)),
    )
    memberships = request.user.role_memberships()  # type: ignore[union-attr]
    return render(request, "web/home.html", {"stats": stats, "my_memberships": memberships})


@requires(Action.ENTERPRISE_VIEW)
@require_GET
def enterprise_detail(request: HttpRequest, pk: int) -> HttpResponse:
    enterprise = get_scoped_or_404(request.user, Enterprise.objects, pk, Action.ENTERPRISE_VIEW)
    today = timezone.localdate()
    context = {
        "e": enterprise,
        "can_reveal": can(request.user, Action.CONTACT_REVEAL, enterprise),
        "can_edit": can(request.user, Action.ENTERPRISE_EDIT, enterprise),
        "history": enterprise_selectors.enterprise_history(enterprise),
        # Lights by quarter and grades by year (templates/web/ratings_panel.html).
        "ratings": enterprise_ratings(user=request.user, enterprise=enterprise, today=today),
        # The annual assessments (templates/assessments/enterprise_panel.html).
        "assessment_panel": enterprise_panel(user=request.user, enterprise=enterprise, year=today.year),
    }
    return render(request, "web/enterprise_detail.html", context)


@requires(Action.ORG_VIEW)
@require_GET
def town_detail(request: HttpRequest, pk: int) -> HttpResponse:
    town = get_scoped_or_404(request.user, Town.objects, pk, Action.ORG_VIEW)
    context = {
        "town": town,
        "districts": selectors.districts_with_counts(user=request.user, town=town),
        "groups": org_selectors.group_rows(user=request.user).filter(town=town),
        "bodies": org_selectors.bodies_of_town(user=request.user, town=town),
        "can_manage": can(request.user, Action.ORG_MANAGE, town),
    }
    return render(request, "web/town_detail.html", context)


@requires(Action.ORG_VIEW)
@require_GET
def town_list(request: HttpRequest) -> HttpResponse:
    return render(request, "regions/town_list.html", {"towns": selectors.towns_with_counts(user=request.user)})
