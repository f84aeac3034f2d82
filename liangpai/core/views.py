from django.core.paginator import Paginator
from django.db import connection
from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from liangpai.core.access import Action, enterprises_visible_to, public, requires, signed_in
from liangpai.core.models import AuditEvent
from liangpai.enterprises.models import Enterprise


@signed_in
@require_GET
def home(request: HttpRequest) -> HttpResponse:
    visible = enterprises_visible_to(request.user)
    stats = visible.aggregate(
        total=Count("pk"),
        active=Count("pk", filter=Q(status=Enterprise.Status.ACTIVE)),
        above=Count("pk", filter=Q(scale=Enterprise.Scale.ABOVE, status=Enterprise.Status.ACTIVE)),
        with_union=Count("pk", filter=Q(has_union=True, status=Enterprise.Status.ACTIVE)),
    )
    return render(request, "core/home.html", {"stats": stats})


@requires(Action.AUDIT_VIEW)
@require_GET
def audit_list(request: HttpRequest) -> HttpResponse:
    events = AuditEvent.objects.select_related("actor")
    q = request.GET.get("q", "").replace("\x00", "").strip()  # PostgreSQL refuses a NUL in a query
    if q:
        events = events.filter(Q(object_repr__icontains=q) | Q(actor_label__icontains=q) | Q(action__icontains=q))
    page = Paginator(events, 50).get_page(request.GET.get("page"))
    return render(request, "core/audit_list.html", {"page": page, "q": q})


@public
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"})
