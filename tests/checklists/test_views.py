"""The city admin's template pages: who may open them, what they show, the forms, the query budget."""

import html
import re
from decimal import Decimal

import pytest
from django.conf import settings
from django.urls import reverse

from liangpai.checklists import services
from liangpai.checklists.models import ChecklistCategory, ChecklistItem, ChecklistTemplate
from liangpai.core.models import AuditEvent
from tests.checklists.conftest import item_fields, item_of, small_template
from tests.conftest import ALL_ROLES
from tests.core.test_translations import _compiled_catalogue  # noqa: F401 -- the English pages need the .mo
from tests.regions.helpers import page_queries

pytestmark = pytest.mark.django_db

ROLES = ALL_ROLES


def _urls(draft: ChecklistTemplate) -> dict[str, str]:
    item = item_of(draft, "GS-1-01")
    return {
        "list": reverse("checklists:list"),
        "detail": reverse("checklists:detail", args=[draft.pk]),
        "copy": reverse("checklists:copy", args=[draft.pk]),
        "activate": reverse("checklists:activate", args=[draft.pk]),
        "item_add": reverse("checklists:item_add", args=[item.category_id]),
        "item_edit": reverse("checklists:item_edit", args=[item.pk]),
        "item_remove": reverse("checklists:item_remove", args=[item.pk]),
    }


def _page(response) -> str:
    return html.unescape(response.content.decode())


# --- who may open the pages -------------------------------------------------------------


@pytest.mark.parametrize("role", ROLES)
def test_only_the_city_union_opens_the_template_pages(cast, draft, role):
    client = cast.client_for(role)
    got = {name: client.get(url).status_code for name, url in _urls(draft).items()}
    expected_status = {"city_admin": 200, "anonymous": 302}.get(role, 403)
    assert got == dict.fromkeys(got, expected_status)


@pytest.mark.parametrize("role", ["town_a_union", "city_emergency", "outsider"])
def test_posts_by_others_change_nothing(cast, draft, role):
    client = cast.client_for(role)
    item = item_of(draft, "GS-1-01")
    urls = _urls(draft)
    before = (ChecklistTemplate.objects.count(), ChecklistItem.objects.count(), AuditEvent.objects.count())
    responses = [
        client.post(urls["copy"], {"year": "2028", "name": "", "reason": ""}),
        client.post(urls["activate"], {"reason": ""}),
        client.post(urls["item_edit"], {**item_fields(item, text="改过的内容。"), "reason": ""}),
        client.post(urls["item_remove"], {"reason": ""}),
    ]
    assert [r.status_code for r in responses] == [403] * 4
    assert (ChecklistTemplate.objects.count(), ChecklistItem.objects.count(), AuditEvent.objects.count()) == before
    assert item_of(draft, "GS-1-01").text == item.text


def test_anonymous_users_are_sent_to_sign_in(cast, draft):
    response = cast.client_for("anonymous").get(reverse("checklists:detail", args=[draft.pk]))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse(settings.LOGIN_URL))


def test_a_missing_template_or_item_is_404(cast):
    client = cast.client_for("city_admin")
    for name in ("detail", "copy", "activate", "item_add", "item_edit", "item_remove"):
        url = reverse(f"checklists:{name}", args=[999_999])
        assert client.get(url).status_code == 404, name


def test_the_navigation_links_to_templates_only_for_the_city_union(cast):
    link = f'href="{reverse("checklists:list")}"'
    assert link in cast.client_for("city_admin").get(reverse("home")).content.decode()
    for role in ("town_a_union", "city_emergency", "group_leader"):
        assert link not in cast.client_for(role).get(reverse("home")).content.decode(), role


# --- what the pages show ----------------------------------------------------------------


def test_the_list_shows_templates_by_year_and_scale_with_their_status(cast, gs_2026, gx_2026, draft):
    page = _page(cast.client_for("city_admin").get(reverse("checklists:list")))
    assert page.index("2027年度") < page.index("2026年度")
    assert '<span class="badge text-bg-warning">草稿</span>' in page
    assert page.count('<span class="badge text-bg-success">已启用</span>') == 2
    for template in (gs_2026, gx_2026, draft):
        assert reverse("checklists:detail", args=[template.pk]) in page
    assert "规上" in page
    assert "规下" in page


def test_the_detail_shows_categories_items_scores_and_veto_marks(cast, gs_2026):
    page = _page(cast.client_for("city_admin").get(reverse("checklists:detail", args=[gs_2026.pk])))
    assert "共 30 个评价项目，其中否决项 3 个；评分项满分合计 100 分。" in page
    for category in gs_2026.categories.prefetch_related("items"):
        assert category.name in page
        total = sum(i.max_score for i in category.items.all() if not i.is_veto)
        assert f"小计 {total.normalize():f} 分" in page
        for item in category.items.all():
            assert item.code in page
            assert item.text in page
    assert page.count('<span class="badge text-bg-danger">否决项</span>') == 3
    assert "发生生产安全死亡事故" in page
    assert "不能修改" in page
    assert reverse("checklists:copy", args=[gs_2026.pk]) in page
    assert reverse("checklists:activate", args=[gs_2026.pk]) not in page
    assert "/items/" not in page  # no edit or remove links on an active template


def test_a_draft_shows_its_edit_links_and_what_blocks_activation(cast, admin_user, draft):
    item = item_of(draft, "GS-1-01")
    services.update_item(by=admin_user, item=item, **item_fields(item, max_score=item.max_score + 2))
    page = _page(cast.client_for("city_admin").get(reverse("checklists:detail", args=[draft.pk])))
    assert reverse("checklists:item_edit", args=[item.pk]) in page
    assert reverse("checklists:item_remove", args=[item.pk]) in page
    assert reverse("checklists:item_add", args=[item.category_id]) in page
    assert reverse("checklists:activate", args=[draft.pk]) in page
    assert "启用前还需解决：" in page
    assert "评分项的分值合计为102分，须为100分。" in page


def test_a_ready_draft_says_so(cast, draft):
    page = _page(cast.client_for("city_admin").get(reverse("checklists:detail", args=[draft.pk])))
    assert "这份草稿已可以启用。" in page


# --- copying ----------------------------------------------------------------------------


def test_the_copy_form_proposes_the_next_year_and_makes_a_draft(cast, gs_2026):
    client = cast.client_for("city_admin")
    url = reverse("checklists:copy", args=[gs_2026.pk])
    assert 'value="2027"' in client.get(url).content.decode()
    response = client.post(url, {"year": "2027", "name": "规上企业评估标准（2027）", "reason": "新年度"})
    copy = ChecklistTemplate.objects.get(year=2027)
    assert response.status_code == 302
    assert response["Location"] == reverse("checklists:detail", args=[copy.pk])
    assert (copy.name, copy.status, copy.based_on) == ("规上企业评估标准（2027）", "draft", gs_2026)
    assert AuditEvent.objects.get(action="checklist_template.copy").reason == "新年度"


def test_a_bad_year_is_explained_and_nothing_is_copied(cast, gs_2026):
    response = cast.client_for("city_admin").post(
        reverse("checklists:copy", args=[gs_2026.pk]), {"year": "", "name": "", "reason": ""}
    )
    assert response.status_code == 200
    assert "请填写年度。" in _page(response)
    assert ChecklistTemplate.objects.count() == 2


# --- editing a draft's items ------------------------------------------------------------


def _item_post(item: ChecklistItem, **changes: object) -> dict[str, object]:
    data = {**item_fields(item), "reason": ""} | changes
    data["version"] = data.pop("expected_version")
    data["is_veto"] = "on" if data["is_veto"] else ""
    return {k: v for k, v in data.items() if v != "" or k != "is_veto"}


def test_an_item_of_a_draft_is_edited_through_the_form(cast, draft):
    item = item_of(draft, "GS-1-01")
    client = cast.client_for("city_admin")
    url = reverse("checklists:item_edit", args=[item.pk])
    assert item.text in _page(client.get(url))
    response = client.post(url, _item_post(item, text="改过的评价内容。", max_score="3.5", reason="措辞"))
    assert response.status_code == 302
    item.refresh_from_db()
    assert (item.text, item.max_score) == ("改过的评价内容。", Decimal("3.5"))
    assert AuditEvent.objects.get(action="checklist_item.update").reason == "措辞"


def test_a_bad_item_is_explained_on_the_form_and_not_saved(cast, draft):
    item = item_of(draft, "GS-1-01")
    response = cast.client_for("city_admin").post(
        reverse("checklists:item_edit", args=[item.pk]), _item_post(item, code="GS-1-02")
    )
    assert response.status_code == 200
    assert "代码“GS-1-02”在本模板中已被使用。" in _page(response)
    item.refresh_from_db()
    assert item.code == "GS-1-01"


def test_a_veto_item_with_points_is_explained(cast, draft):
    item = item_of(draft, "GS-5-07")
    response = cast.client_for("city_admin").post(
        reverse("checklists:item_edit", args=[item.pk]), _item_post(item, max_score="5")
    )
    assert "否决项不计分，分值须为0。" in _page(response)


def test_unticking_veto_clears_the_veto_choice(cast, draft):
    item = item_of(draft, "GS-5-07")
    response = cast.client_for("city_admin").post(
        reverse("checklists:item_edit", args=[item.pk]), _item_post(item, is_veto=False, max_score="0")
    )
    assert response.status_code == 302
    item.refresh_from_db()
    assert (item.is_veto, item.veto_key) == (False, "")


def test_an_item_is_added_and_removed_through_the_forms(cast, draft):
    client = cast.client_for("city_admin")
    category = draft.categories.get(code="GS-3")
    response = client.post(
        reverse("checklists:item_add", args=[category.pk]),
        {
            "code": "GS-3-09",
            "text": "新增的培训项目。",
            "max_score": "1",
            "guidance": "未开展的扣1分，扣完为止。",
            "evidence": "查阅培训记录。",
            "veto_key": "",
            "order": "",
            "reason": "",
        },
    )
    assert response.status_code == 302
    added = item_of(draft, "GS-3-09")
    assert added.category == category

    remove_url = reverse("checklists:item_remove", args=[added.pk])
    assert "删除评价项目 GS-3-09？" in _page(client.get(remove_url))
    assert client.post(remove_url, {"reason": "重复"}).status_code == 302
    assert not ChecklistItem.objects.filter(pk=added.pk).exists()


@pytest.mark.parametrize("name", ["item_add", "item_edit", "item_remove"])
def test_the_item_pages_of_an_active_template_send_back_with_the_reason(cast, gs_2026, name):
    item = item_of(gs_2026, "GS-1-01")
    client = cast.client_for("city_admin")
    url = reverse(f"checklists:{name}", args=[item.category_id if name == "item_add" else item.pk])
    before = list(ChecklistItem.objects.filter(category__template=gs_2026).values())
    for response in (client.get(url, follow=True), client.post(url, _item_post(item, text="改"), follow=True)):
        assert response.redirect_chain == [(reverse("checklists:detail", args=[gs_2026.pk]), 302)]
        assert "不能再修改" in _page(response)
    assert list(ChecklistItem.objects.filter(category__template=gs_2026).values()) == before


# --- activation -------------------------------------------------------------------------


def test_activation_asks_for_confirmation_and_names_the_template_it_replaces(cast, admin_user, gs_2026):
    revision = services.copy_template(by=admin_user, template=gs_2026, year=2026)
    client = cast.client_for("city_admin")
    url = reverse("checklists:activate", args=[revision.pk])
    page = _page(client.get(url))
    assert "确认启用" in page
    assert f"目前启用的“{gs_2026}”将同时停用" in page
    assert ChecklistTemplate.objects.get(pk=revision.pk).status == "draft"  # opening the page changes nothing

    response = client.post(url, {"reason": "年中修订"}, follow=True)
    assert f"已启用“{revision}”。" in _page(response)
    assert ChecklistTemplate.objects.get(pk=revision.pk).status == "active"
    assert ChecklistTemplate.objects.get(pk=gs_2026.pk).status == "retired"


def test_a_draft_that_is_not_ready_shows_why_and_no_button(cast):
    template = small_template(scores=("50",))
    client = cast.client_for("city_admin")
    url = reverse("checklists:activate", args=[template.pk])
    page = _page(client.get(url))
    assert "评分项的分值合计为50分，须为100分。" in page
    assert "确认启用" not in page
    response = client.post(url, {"reason": ""}, follow=True)
    assert "评分项的分值合计为50分，须为100分。" in _page(response)
    assert ChecklistTemplate.objects.get(pk=template.pk).status == "draft"


def test_an_active_template_cannot_be_activated_from_the_page(cast, gs_2026):
    client = cast.client_for("city_admin")
    url = reverse("checklists:activate", args=[gs_2026.pk])
    for response in (client.get(url, follow=True), client.post(url, {"reason": ""}, follow=True)):
        assert response.redirect_chain == [(reverse("checklists:detail", args=[gs_2026.pk]), 302)]
        assert "不能改为“已启用”" in _page(response)


# --- query budget -----------------------------------------------------------------------


def test_the_list_costs_the_same_queries_for_two_templates_and_for_twelve(cast, admin_user, gs_2026):
    client = cast.client_for("city_admin")
    url = reverse("checklists:list")
    few = page_queries(client, url)
    for year in range(2027, 2037):
        services.copy_template(by=admin_user, template=gs_2026, year=year)
    many = page_queries(client, url)
    assert ChecklistTemplate.objects.count() == 12
    assert few == many


@pytest.mark.parametrize("status", ["draft", "active"])
def test_the_detail_costs_the_same_queries_for_a_small_and_a_large_template(cast, admin_user, gs_2026, status):
    small = small_template(scores=("60", "40"))
    large = services.copy_template(by=admin_user, template=gs_2026, year=2027)
    if status == "active":
        for template in (small, large):
            services.activate_template(by=admin_user, template=template)
    client = cast.client_for("city_admin")
    small_count = page_queries(client, reverse("checklists:detail", args=[small.pk]))
    large_count = page_queries(client, reverse("checklists:detail", args=[large.pk]))
    assert small_count == large_count


# --- English ----------------------------------------------------------------------------

CJK = re.compile(r"[\u3000-\u303f\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff00-\uffef]+")


def _user_data() -> list[str]:
    """The texts users wrote (template, category and item texts, names): Chinese in any language."""
    texts = {"简体中文"}
    for template in ChecklistTemplate.objects.all():
        texts.add(template.name)
    for category in ChecklistCategory.objects.all():
        texts.add(category.name)
    for item in ChecklistItem.objects.all():
        texts.update([item.text, item.guidance, item.evidence])
    return sorted(texts, key=len, reverse=True)


@pytest.mark.parametrize("name", ["list", "detail", "copy", "activate", "item_add", "item_edit", "item_remove"])
def test_the_pages_in_english_show_no_chinese_besides_user_data(cast, admin_user, draft, name):
    item = item_of(draft, "GS-1-01")
    services.update_item(by=admin_user, item=item, **item_fields(item, max_score=item.max_score + 1))
    client = cast.client_for("city_admin")
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    response = client.get(_urls(draft)[name])
    assert response.status_code == 200
    text = _page(response)
    assert '<html lang="en">' in text
    for value in _user_data():
        text = text.replace(value, "")
    assert [text[max(0, m.start() - 60) : m.end() + 20] for m in CJK.finditer(text)] == []


def test_the_detail_of_an_active_template_in_english(cast, gs_2026):
    client = cast.client_for("city_admin")
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    text = _page(client.get(reverse("checklists:detail", args=[gs_2026.pk])))
    for value in _user_data():
        text = text.replace(value, "")
    assert CJK.findall(text) == []
