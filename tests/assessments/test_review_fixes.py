"""What a review of the annual assessment found, each kept fixed by a test; and the pages' query counts."""

import datetime
import re

from django.urls import reverse

from liangpai.assessments import services

# --- the assessment date ----------------------------------------------------------------


def test_the_date_input_holds_an_iso_date_so_a_phone_shows_it_and_sends_it_back(cast, draft):
    """A type=date input ignores "2026/11/20" (the Chinese format): the date looked empty and the next save erased it."""
    services.save_answers(
        by=cast.users["town_a_union"],
        assessment=draft,
        expected_version=1,
        changes=services.Changes(services.Header(datetime.date(2026, 11, 20), "", ""), {}),
    )
    html = cast.client_for("town_a_union").get(reverse("assessments:edit", args=[draft.pk])).content.decode()
    (date_input,) = re.findall(r"<input[^>]*name=\"assessed_on\"[^>]*>", html)
    assert 'type="date"' in date_input
    assert 'value="2026-11-20"' in date_input
