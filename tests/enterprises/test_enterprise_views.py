import io

import openpyxl
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from liangpai.core.audit import verify_chain
from liangpai.core.models import AuditEvent
from liangpai.enterprises.models import Enterprise
from tests.conftest import SIGNED_IN_ROLES
from tests.factories import EnterpriseFactory, make_credit_code

pytestmark = pytest.mark.django_db

ROLES = SIGNED_IN_ROLES

# (own = enterprise A in town A / district A1, other = enterprise B in town B)
DETAIL = {
    "city_admin": (200, 200),
    "city_emergency": (200, 200),
    "town_a_union": (200, 404),
    "town_a_emergency": (200, 404),
    "town_b_union": (404, 200),
    "group_leader": (200, 404),
    "group_member": (200, 404),
    "expert": (200, 404),
    "contact_a": (200, 404),
    "outsider": (403, 403),
}
EDIT = {
    "city_admin": (200, 200),
    "city_emergency": (403, 403),
    "town_a_union": (200, 404),
    "town_a_emergency": (403, 403),
    "town_b_union": (404, 200),
    "group_leader": (403, 403),
    "group_member": (403, 403),
    "expert": (403, 403),
    "contact_a": (403, 403),
    "outsider": (403, 403),
}
LIST = dict.fromkeys(ROLES, 200) | {"outsider": 403}
EXPORT = dict.fromkeys(
    ("city_admin", "city_emergency", "town_a_union", "town_a_emergency", "town_b_union", "group_leader"), 200
)
CREATE = {"city_admin": 200, "town_a_union": 200, "town_b_union": 200}


@pytest.mark.parametrize("role", ROLES)
def test_enterprise_pages_follow_the_role_and_scope_matrix(cast, role):
    client = cast.client_for(role)
    own, other = cast.enterprise_a, cast.enterprise_b
    got = {
        "detail": (
            client.get(reverse("enterprise_detail", args=[own.pk])).status_code,
            client.get(reverse("enterprise_detail", args=[other.pk])).status_code,
        ),
        "edit": (
            client.get(reverse("enterprises:edit", args=[own.pk])).status_code,
            client.get(reverse("enterprises:edit", args=[other.pk])).status_code,
        ),
        "list": client.get(reverse("enterprises:list")).status_code,
        "export": client.get(reverse("enterprises:export")).status_code,
        "create": client.get(reverse("enterprises:create")).status_code,
    }
    expected = {
        "detail": DETAIL[role],
        "edit": EDIT[role],
        "list": LIST[role],
        "export": EXPORT.get(role, 403),
        "create": CREATE.get(role, 403),
    }
    assert got == expected


def test_anonymous_visitors_are_sent_to_the_login_page(cast):
    client = cast.client_for("anonymous")
    for url in [
        reverse("enterprises:list"),
        reverse("enterprise_detail", args=[cast.enterprise_a.pk]),
        reverse("enterprises:export"),
    ]:
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login"))


@pytest.mark.parametrize(
    ("role", "expected"),
    [
        ("city_admin", {"甲一机械有限公司", "甲二纺织有限公司", "乙一化工有限公司"}),
        ("town_a_union", {"甲一机械有限公司", "甲二纺织有限公司"}),
        ("town_b_union", {"乙一化工有限公司"}),
        ("group_leader", {"甲一机械有限公司"}),
        ("contact_a", {"甲一机械有限公司"}),
    ],
)
def test_the_list_shows_exactly_the_enterprises_in_scope(cast, role, expected):
    response = cast.client_for(role).get(reverse("enterprises:list"))
    names = {e.name for e in response.context["page"].object_list}
    assert names == expected


def test_the_list_filters_by_town_scale_and_search(cast):
    EnterpriseFactory(district=cast.district_a, name="平澜精密机械有限公司", name_initials="pljmjxyxgs", scale="below")
    client = cast.client_for("city_admin")

    def names(**params):
        return {e.name for e in client.get(reverse("enterprises:list"), params).context["page"].object_list}

    assert names(town=cast.town_b.pk) == {"乙一化工有限公司"}
    assert names(scale="below") == {"平澜精密机械有限公司"}
    assert names(q="精密") == {"平澜精密机械有限公司"}
    assert names(q="PLJM") == {"平澜精密机械有限公司"}
    assert names(q=cast.enterprise_b.credit_code[:12].lower()) == {"乙一化工有限公司"}
    assert names(town="not-a-number") == {
        "甲一机械有限公司",
        "甲二纺织有限公司",
        "乙一化工有限公司",
        "平澜精密机械有限公司",
    }


def test_a_town_filter_outside_the_users_scope_shows_nothing_of_that_town(cast):
    response = cast.client_for("town_a_union").get(reverse("enterprises:list"), {"town": cast.town_b.pk})
    assert response.status_code == 200
    assert "乙一化工有限公司" not in {e.name for e in response.context["page"].object_list}


def test_the_htmx_request_gets_only_the_results_fragment(cast):
    response = cast.client_for("city_admin").get(
        reverse("enterprises:list"), {"q": "甲一"}, headers={"HX-Request": "true", "HX-Target": "results"}
    )
    html = response.content.decode()
    assert "甲一机械有限公司" in html
    assert "<html" not in html


@pytest.mark.parametrize(
    ("role", "masked"),
    [
        ("town_a_union", False),
        ("town_a_emergency", False),
        ("group_leader", True),
        ("expert", True),
        ("contact_a", True),
        ("city_emergency", True),
    ],
)
def test_phone_numbers_are_masked_for_roles_without_reveal(cast, role, masked):
    html = cast.client_for(role).get(reverse("enterprise_detail", args=[cast.enterprise_a.pk])).content.decode()
    assert ("13912345678" in html) is not masked
    assert ("139****5678" in html) is masked


def _list_queries(client) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(reverse("enterprises:list")).status_code == 200
    return len(ctx.captured_queries)


def test_the_list_costs_the_same_queries_for_one_row_and_for_fifty(cast):
    client = cast.client_for("town_b_union")
    client.get(reverse("home"))  # the first request of a session notes its start time
    one = _list_queries(client)
    EnterpriseFactory.create_batch(60, district=cast.district_b)
    fifty = _list_queries(client)
    assert one == fifty


def _read_export(response) -> list[list[object]]:
    body = b"".join(response.streaming_content)
    sheet = openpyxl.load_workbook(io.BytesIO(body)).active
    return [[c.value for c in row] for row in sheet.iter_rows()]


def test_the_export_contains_the_filtered_list_and_reads_back(cast):
    response = cast.client_for("city_admin").get(reverse("enterprises:export"), {"town": cast.town_a.pk})
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    rows = _read_export(response)
    assert rows[0][:2] == ["企业名称", "统一社会信用代码"]
    assert {r[0] for r in rows[1:]} == {"甲一机械有限公司", "甲二纺织有限公司"}


def test_the_export_masks_phones_for_roles_without_reveal(cast):
    rows = _read_export(cast.client_for("group_leader").get(reverse("enterprises:export")))
    flat = [str(v) for row in rows for v in row if v is not None]
    assert "13912345678" not in flat
    assert "139****5678" in flat


def test_user_text_never_becomes_a_formula_in_the_export(cast):
    EnterpriseFactory(
        district=cast.district_a, name='=HYPERLINK("http://x","点我")', address="+1+2", union_chair="@SUM(1)"
    )
    body = b"".join(cast.client_for("city_admin").get(reverse("enterprises:export")).streaming_content)
    sheet = openpyxl.load_workbook(io.BytesIO(body)).active
    cells = [c for row in sheet.iter_rows() for c in row if c.value is not None]
    assert not [c for c in cells if c.data_type == "f"]
    assert '=HYPERLINK("http://x","点我")' in {c.value for c in cells}


def _form_data(e: Enterprise, **changes) -> dict[str, object]:
    data = {
        "name": e.name,
        "credit_code": e.credit_code,
        "town": e.town_id,
        "district": e.district_id,
        "address": e.address,
        "industry": e.industry_id,
        "scale": e.scale,
        "headcount": e.headcount,
        "has_union": "on" if e.has_union else "",
        "union_chair": e.union_chair,
        "union_chair_phone": e.union_chair_phone,
        "safety_contact": e.safety_contact,
        "safety_contact_phone": e.safety_contact_phone,
        "latitude": "",
        "longitude": "",
        "status": e.status,
        "version": e.version,
        "reason": "职工人数年度更新",
    }
    data.update(changes)
    return data


def test_editing_an_enterprise_records_who_what_and_why(cast):
    e = cast.enterprise_a
    response = cast.client_for("town_a_union").post(
        reverse("enterprises:edit", args=[e.pk]), _form_data(e, headcount=150)
    )
    assert response.status_code == 302
    e.refresh_from_db()
    assert (e.headcount, e.version) == (150, 2)
    event = AuditEvent.objects.get(action="enterprise.update")
    assert (event.actor_label, event.before, event.after, event.reason) == (
        "town_a_union",
        {"headcount": 120},
        {"headcount": 150},
        "职工人数年度更新",
    )
    assert verify_chain() is None


def test_a_stale_form_gets_a_conflict_and_overwrites_nothing(cast):
    e = cast.enterprise_a
    client = cast.client_for("town_a_union")
    stale = _form_data(e, headcount=200)
    assert client.post(reverse("enterprises:edit", args=[e.pk]), _form_data(e, headcount=150)).status_code == 302
    response = client.post(reverse("enterprises:edit", args=[e.pk]), stale)
    assert response.status_code == 200
    assert "别人已修改" in response.content.decode()
    e.refresh_from_db()
    assert e.headcount == 150


@pytest.mark.parametrize(
    ("changes", "field", "fragment"),
    [
        ({"credit_code": "91330482MA2B3C4D5X"}, "credit_code", "校验位不符"),
        ({"credit_code": "12345"}, "credit_code", "应为18位"),
        ({"headcount": "-3"}, "headcount", ""),
        ({"union_chair_phone": "abc"}, "union_chair_phone", "电话号码"),
        ({"reason": ""}, "reason", ""),
        ({"latitude": "30.7"}, None, "经度和纬度"),
    ],
)
def test_bad_input_gets_a_clear_message_and_changes_nothing(cast, changes, field, fragment):
    e = cast.enterprise_a
    before = Enterprise.objects.filter(pk=e.pk).values().get()
    response = cast.client_for("town_a_union").post(reverse("enterprises:edit", args=[e.pk]), _form_data(e, **changes))
    assert response.status_code == 200
    form = response.context["form"]
    errors = form.errors.get(field or "__all__")
    assert errors
    assert fragment in " ".join(errors)
    assert Enterprise.objects.filter(pk=e.pk).values().get() == before
    assert not AuditEvent.objects.exists()


def test_a_district_of_another_town_is_refused(cast):
    e = cast.enterprise_a
    response = cast.client_for("city_admin").post(
        reverse("enterprises:edit", args=[e.pk]), _form_data(e, district=cast.district_b.pk)
    )
    assert response.status_code == 200
    assert "不属于所选的镇/街道" in " ".join(response.context["form"].errors["district"])


def test_town_union_can_register_an_enterprise_in_its_own_town_only(cast):
    client = cast.client_for("town_a_union")
    data = _form_data(cast.enterprise_a, name="甲三新材料有限公司", credit_code=make_credit_code(), reason="")
    data.pop("version")
    response = client.post(reverse("enterprises:create"), data)
    created = Enterprise.objects.get(name="甲三新材料有限公司")
    assert response.status_code == 302
    assert created.name_initials == "jsxclyxgs"
    assert AuditEvent.objects.filter(action="enterprise.create", object_id=str(created.pk)).exists()

    data.update(name="乙三有限公司", credit_code=make_credit_code(), town=cast.town_b.pk, district=cast.district_b.pk)
    response = client.post(reverse("enterprises:create"), data)
    assert response.status_code == 200
    assert not Enterprise.objects.filter(name="乙三有限公司").exists()


def test_a_duplicate_credit_code_is_refused_with_a_message(cast):
    data = _form_data(cast.enterprise_a, name="重复代码有限公司", reason="")
    data.pop("version")
    response = cast.client_for("town_a_union").post(reverse("enterprises:create"), data)
    assert response.status_code == 200
    assert response.context["form"].errors["credit_code"]


def test_district_options_list_only_the_chosen_towns_districts(cast):
    html = (
        cast.client_for("city_admin")
        .get(reverse("enterprises:district_options"), {"town": cast.town_a.pk})
        .content.decode()
    )
    assert "甲一片" in html
    assert "乙一片" not in html


def test_the_change_history_names_the_changed_fields_as_users_know_them(cast):
    e = cast.enterprise_a
    client = cast.client_for("town_a_union")
    client.post(reverse("enterprises:edit", args=[e.pk]), _form_data(e, headcount=150))
    html = client.get(reverse("enterprise_detail", args=[e.pk])).content.decode()
    assert "职工人数年度更新" in html
    assert "职工人数" in html.split("职工人数年度更新", 1)[1]
    assert "headcount" not in html
