from django.core.paginator import Paginator
from django.db import connection
from django.db.models import Q
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from liangpai.core.access import Action, public, requires
from liangpai.core.models import AuditEvent


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
