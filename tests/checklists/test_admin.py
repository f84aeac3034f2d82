"""The admin shows every template; only a draft (its name, categories and items) can be changed there, audited."""

from decimal import Decimal

import pytest
from django.urls import reverse

from liangpai.accounts.models import Membership, Role
from liangpai.checklists import services
from liangpai.checklists.models import ChecklistItem, ChecklistTemplate
from liangpai.core.errors import Conflict
from liangpai.core.models import AuditEvent
from tests.checklists.conftest import item_fields, item_of
from tests.factories import UserFactory
from tests.otp import verify_otp

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client):
    # The services check the actor's role as on the app's pages: the admin user is also the city admin.
    root = UserFactory(username="root", is_staff=True, is_superuser=True)
    Membership.objects.create(user=root, role=Role.CITY_ADMIN)
    client.force_login(root)
    return verify_otp(client, root)


def _item_data(item: ChecklistItem, **changes: object) -> dict[str, object]:
    data: dict[str, object] = {
        "category": item.category_id,
        "code": item.code,
        "text": item.text,
        "max_score": str(item.max_score),
        "guidance": item.guidance,
        "evidence": item.evidence,
        "veto_key": item.veto_key,
        "order": item.order,
    }
    if item.is_veto:
        data["is_veto"] = "on"
    return data | changes


@pytest.mark.parametrize("model", ["checklisttemplate", "checklistitem"])
def test_the_changelists_open_and_search(admin_client, gs_2026, model):
    base = f"/admin/checklists/{model}/"
    assert admin_client.get(base).status_code == 200
    assert admin_client.get(base, {"q": "GS"}).status_code == 200


def test_templates_are_not_added_in_the_admin(admin_client, gs_2026):
    assert admin_client.get(reverse("admin:checklists_checklisttemplate_add")).status_code == 403


def test_an_active_or_retired_template_is_read_only_in_the_admin(admin_client, settled):
    template = settled
    url = reverse("admin:checklists_checklisttemplate_change", args=[template.pk])
    page = admin_client.get(url).content.decode()
    assert 'name="_save"' not in page
    assert 'name="name"' not in page
    assert admin_client.post(url, {"name": "改名"}).status_code == 403
    assert (
        admin_client.post(reverse("admin:checklists_checklisttemplate_delete", args=[template.pk])).status_code == 403
    )
    template.refresh_from_db()
    assert template.name != "改名"


def test_the_items_of_an_active_or_retired_template_are_read_only_in_the_admin(admin_client, settled):
    item = item_of(settled, "GS-1-01")
    url = reverse("admin:checklists_checklistitem_change", args=[item.pk])
    page = admin_client.get(url).content.decode()
    assert 'name="_save"' not in page
    response = admin_client.post(url, _item_data(item, text="改过的内容。"))
    assert response.status_code == 403
    assert admin_client.post(reverse("admin:checklists_checklistitem_delete", args=[item.pk])).status_code == 403
    item.refresh_from_db()
    assert item.text != "改过的内容。"
    assert not AuditEvent.objects.filter(action__startswith="checklist_item.").exists()


def test_the_bulk_delete_of_items_refuses_those_of_an_active_template(admin_client, gs_2026):
    item = item_of(gs_2026, "GS-1-01")
    response = admin_client.post(
        reverse("admin:checklists_checklistitem_changelist"),
        {"action": "delete_selected", "_selected_action": [item.pk], "post": "yes"},
    )
    assert response.status_code == 403
    assert ChecklistItem.objects.filter(pk=item.pk).exists()
    assert not AuditEvent.objects.exists()


def test_new_items_go_only_into_drafts(admin_client, gs_2026, draft):
    page = admin_client.get(reverse("admin:checklists_checklistitem_add")).content.decode()
    for category in draft.categories.all():
        assert f'<option value="{category.pk}"' in page
    for category in gs_2026.categories.all():
        assert f'<option value="{category.pk}"' not in page


def test_an_item_of_a_draft_is_changed_in_the_admin_and_audited(admin_client, draft):
    item = item_of(draft, "GS-1-01")
    url = reverse("admin:checklists_checklistitem_change", args=[item.pk])
    response = admin_client.post(url, _item_data(item, text="改过的内容。", max_score="2.5"))
    assert response.status_code == 302
    item.refresh_from_db()
    assert (item.text, item.max_score) == ("改过的内容。", Decimal("2.5"))
    event = AuditEvent.objects.get(action="checklist_item.update")
    assert event.after == {"text": "改过的内容。", "max_score": "2.5"}
    assert event.object_id == str(item.pk)


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"code": "GS-1-02"}, "代码“GS-1-02”在本模板中已被使用。"),
        ({"is_veto": "on", "veto_key": "fatal_accident"}, "否决项不计分，分值须为0。"),
    ],
)
def test_the_admin_checks_an_item_as_the_services_do(admin_client, draft, changes, message):
    item = item_of(draft, "GS-1-01")
    url = reverse("admin:checklists_checklistitem_change", args=[item.pk])
    response = admin_client.post(url, _item_data(item, **changes))
    assert response.status_code == 200
    assert message in response.content.decode()
    item.refresh_from_db()
    assert item.code == "GS-1-01"
    assert not item.is_veto


def test_a_drafts_name_is_changed_in_the_admin_and_audited(admin_client, draft):
    url = reverse("admin:checklists_checklisttemplate_change", args=[draft.pk])
    categories = list(draft.categories.all())
    data = {
        "name": "规上企业评估标准（2027年）",
        "categories-TOTAL_FORMS": str(len(categories)),
        "categories-INITIAL_FORMS": str(len(categories)),
        "categories-MIN_NUM_FORMS": "0",
        "categories-MAX_NUM_FORMS": "1000",
    }
    for n, category in enumerate(categories):
        data |= {
            f"categories-{n}-id": category.pk,
            f"categories-{n}-template": draft.pk,
            f"categories-{n}-code": category.code,
            f"categories-{n}-name": category.name,
            f"categories-{n}-order": category.order,
        }
    response = admin_client.post(url, data)
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.name == "规上企业评估标准（2027年）"
    assert draft.status == ChecklistTemplate.Status.DRAFT
    event = AuditEvent.objects.get(action="checklist_template.rename")
    assert event.after == {"name": "规上企业评估标准（2027年）"}


def test_a_draft_can_be_deleted_in_the_admin(admin_client, draft):
    response = admin_client.post(reverse("admin:checklists_checklisttemplate_delete", args=[draft.pk]), {"post": "yes"})
    assert response.status_code == 302
    assert not ChecklistTemplate.objects.filter(pk=draft.pk).exists()
    assert AuditEvent.objects.filter(action="checklist_template.delete", object_id=str(draft.pk)).exists()


def test_an_item_changed_in_the_admin_makes_a_form_opened_before_it_stale(admin_client, admin_user, draft):
    """The admin raises the item's version as the app does: a form opened before the admin change is refused."""
    item = item_of(draft, "GS-1-01")
    opened_at = item.version
    url = reverse("admin:checklists_checklistitem_change", args=[item.pk])
    assert admin_client.post(url, _item_data(item, text="管理员改过的内容。")).status_code == 302
    item.refresh_from_db()
    assert item.version == opened_at + 1
    with pytest.raises(Conflict):
        services.update_item(by=admin_user, item=item, **item_fields(item, expected_version=opened_at, text="我改的。"))
    item.refresh_from_db()
    assert (item.text, item.version) == ("管理员改过的内容。", opened_at + 1)


def test_an_item_saved_unchanged_in_the_admin_keeps_its_version(admin_client, draft):
    item = item_of(draft, "GS-1-01")
    url = reverse("admin:checklists_checklistitem_change", args=[item.pk])
    assert admin_client.post(url, _item_data(item)).status_code == 302
    assert ChecklistItem.objects.get(pk=item.pk).version == item.version
