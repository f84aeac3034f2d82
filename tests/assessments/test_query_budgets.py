"""The assessment pages cost the same number of queries for one assessment and for many, with their photos."""

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from liangpai.assessments import services
from liangpai.assessments.models import Assessment
from tests.assessments.conftest import full_answers, jpeg_upload
from tests.factories import EnterpriseFactory


def _queries(client, url, data=None):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url, data or {})
        if getattr(response, "streaming", False):
            b"".join(response.streaming_content)
    assert response.status_code == 200
    return len(ctx.captured_queries)


def _assessed(cast, photos_per_item: int) -> Assessment:
    by = cast.users["town_a_union"]
    assessment = services.start_assessment(by=by, enterprise=EnterpriseFactory(district=cast.district_a), year=2026)
    first = list(assessment.answers.order_by("pk")[:3])
    uploads = {a.pk: [jpeg_upload() for _ in range(photos_per_item)] for a in first}
    services.save_answers(
        by=by,
        assessment=assessment,
        expected_version=1,
        changes=services.Changes(services.Header(None, "", ""), full_answers(assessment), uploads),
    )
    return assessment


def test_the_pages_query_counts_do_not_grow_with_assessments_or_photos(cast):
    client = cast.client_for("town_a_union")
    one = _assessed(cast, 1)
    pages = {
        "list": (reverse("assessments:list"), {"year": 2026}),
        "export": (reverse("assessments:export"), {"year": 2026}),
        "detail": (reverse("assessments:detail", args=[one.pk]), None),
        "edit": (reverse("assessments:edit", args=[one.pk]), None),
    }
    _queries(client, reverse("assessments:list"))  # the first request of a session reads more
    before = {name: _queries(client, url, data) for name, (url, data) in pages.items()}
    for _ in range(4):
        _assessed(cast, 3)
    more = _assessed(cast, 3)
    pages["detail"] = (reverse("assessments:detail", args=[more.pk]), None)
    pages["edit"] = (reverse("assessments:edit", args=[more.pk]), None)
    after = {name: _queries(client, url, data) for name, (url, data) in pages.items()}
    assert after == before
    assert max(after.values()) <= 10
