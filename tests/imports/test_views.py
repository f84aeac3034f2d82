"""The upload pages end to end: upload → preview → confirm → result; scope, 403, 404; template and error report."""

import io
from pathlib import Path

import openpyxl
import pytest
from django.test import Client
from django.urls import reverse

from liangpai.core.models import AuditEvent
from liangpai.enterprises.models import Enterprise
from liangpai.imports.columns import COLUMNS
from liangpai.imports.models import ImportBatch
from tests.conftest import Cast
from tests.factories import EnterpriseFactory, make_credit_code
from tests.imports.make_corpus import CODES, HEADERS, good_row, write_xlsx

UPLOAD = reverse("imports:upload")


def _upload(client: Client, path: Path, name: str | None = None) -> object:
    with path.open("rb") as handle:
        upload = io.BytesIO(handle.read())
        upload.name = name or path.name
        return client.post(UPLOAD, {"file": upload})


def _batch(response: object) -> ImportBatch:
    return ImportBatch.objects.get(pk=response.url.rstrip("/").split("/")[-1])  # type: ignore[attr-defined]


def test_upload_preview_confirm_result(world: Cast, corpus: dict[str, Path]) -> None:
    client = world.client_for("town_a_union")

    uploaded = _upload(client, corpus["clean.xlsx"])
    batch = _batch(uploaded)
    assert uploaded.url == reverse("imports:preview", args=[batch.pk])  # type: ignore[attr-defined]
    assert (batch.status, batch.create_count, batch.update_count, batch.error_count) == ("ready", 3, 0, 0)
    assert Enterprise.objects.filter(credit_code__in=CODES[:3]).count() == 0  # nothing written yet

    page = client.get(reverse("imports:preview", args=[batch.pk]))
    assert page.status_code == 200
    html = page.content.decode()
    assert "确认导入" in html
    assert "甲0精密机械有限公司" in html  # the first rows are shown
    assert 'style="' not in html  # strict CSP: no inline styles

    confirmed = client.post(reverse("imports:confirm", args=[batch.pk]))
    assert confirmed.url == reverse("imports:result", args=[batch.pk])  # type: ignore[attr-defined]
    result = client.get(confirmed.url)  # type: ignore[attr-defined]
    assert "新增 3 家企业，更新 0 家，0 家无变化。" in result.content.decode()
    assert reverse("enterprises:list") in result.content.decode()
    assert Enterprise.objects.filter(credit_code__in=CODES[:3], town=world.town_a).count() == 3
    reasons = set(AuditEvent.objects.filter(action="enterprise.create").values_list("actor_label", "reason"))
    assert reasons == {("town_a_union", f"批量导入：clean.xlsx（批次 #{batch.pk}）")}


def test_a_batch_is_applied_only_once(world: Cast, corpus: dict[str, Path]) -> None:
    client = world.client_for("city_admin")
    batch = _batch(_upload(client, corpus["clean.xlsx"]))
    client.post(reverse("imports:confirm", args=[batch.pk]))
    events = AuditEvent.objects.count()

    again = client.post(reverse("imports:confirm", args=[batch.pk]), follow=True)

    assert "这个文件已经导入过了。" in again.content.decode()
    assert AuditEvent.objects.count() == events
    assert Enterprise.objects.filter(credit_code__in=CODES[:3]).count() == 3


def test_confirm_checks_again_against_the_database(world: Cast, corpus: dict[str, Path]) -> None:
    client = world.client_for("town_a_union")
    batch = _batch(_upload(client, corpus["clean.xlsx"]))
    # Meanwhile someone registers one of the codes in town B, outside this user's scope.
    EnterpriseFactory(credit_code=CODES[1], district=world.district_b)
    before = (Enterprise.objects.count(), AuditEvent.objects.count())

    response = client.post(reverse("imports:confirm", args=[batch.pk]), follow=True)

    assert "重新核对时发现错误（数据可能已被修改），未导入任何数据。" in response.content.decode()
    batch.refresh_from_db()
    assert batch.status == ImportBatch.Status.INVALID
    assert batch.errors == [
        {
            "row": 4,
            "column": "统一社会信用代码",
            "message": "该统一社会信用代码的企业已在您的管辖范围以外登记，不能由您导入或修改。",
        }
    ]
    assert (Enterprise.objects.count(), AuditEvent.objects.count()) == before


def test_a_town_b_union_cannot_import_into_town_a(world: Cast, corpus: dict[str, Path]) -> None:
    client = world.client_for("town_b_union")
    batch = _batch(_upload(client, corpus["out_of_scope.xlsx"]))

    assert batch.status == ImportBatch.Status.INVALID
    assert batch.errors == [
        {"row": 3, "column": "镇(街道)", "message": "您无权导入“甲镇”的企业，只能导入您所辖镇/街道的企业。"}
    ]
    page = client.get(reverse("imports:preview", args=[batch.pk])).content.decode()
    assert "确认导入" not in page
    assert "您无权导入“甲镇”的企业" in page
    client.post(reverse("imports:confirm", args=[batch.pk]))
    assert not Enterprise.objects.filter(credit_code__in=CODES[:2]).exists()


@pytest.mark.parametrize(
    "role", ["group_member", "group_leader", "expert", "contact_a", "town_a_emergency", "outsider"]
)
def test_roles_without_the_import_right_get_403(world: Cast, role: str) -> None:
    client = world.client_for(role)
    assert client.get(UPLOAD).status_code == 403
    assert client.get(reverse("imports:template")).status_code == 403


def test_anonymous_users_are_sent_to_log_in(world: Cast) -> None:
    response = world.client_for("anonymous").get(UPLOAD)
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))  # type: ignore[attr-defined]


@pytest.mark.parametrize("name", ["preview", "result", "errors"])
def test_another_users_batch_does_not_exist(world: Cast, corpus: dict[str, Path], name: str) -> None:
    batch = _batch(_upload(world.client_for("town_a_union"), corpus["bad_scale.xlsx"]))
    assert world.client_for("city_admin").get(reverse(f"imports:{name}", args=[batch.pk])).status_code == 404


def test_another_user_cannot_confirm_a_batch(world: Cast, corpus: dict[str, Path]) -> None:
    batch = _batch(_upload(world.client_for("town_a_union"), corpus["clean.xlsx"]))
    assert world.client_for("city_admin").post(reverse("imports:confirm", args=[batch.pk])).status_code == 404
    batch.refresh_from_db()
    assert batch.status == ImportBatch.Status.READY


def test_every_error_is_listed_page_by_page(world: Cast, tmp_path: Path) -> None:
    path = tmp_path / "many_errors.xlsx"
    rows = [good_row(0, 规模=f"中型{i}", 统一社会信用代码=make_credit_code()) for i in range(60)]
    write_xlsx(path, HEADERS, [[row.get(h) for h in HEADERS] for row in rows])
    client = world.client_for("city_admin")
    batch = _batch(_upload(client, path))
    assert batch.error_count == 60

    first = client.get(reverse("imports:preview", args=[batch.pk])).content.decode()
    second = client.get(reverse("imports:preview", args=[batch.pk]), {"page": 2}).content.decode()

    assert first.count('class="error-cell"') == 50
    assert second.count('class="error-cell"') == 10
    assert "这里是“中型59”" in second
    assert "第 1 / 2 页" in first


def test_the_error_report_workbook(world: Cast, tmp_path: Path) -> None:
    path = tmp_path / "formula.xlsx"
    write_xlsx(path, HEADERS, [[good_row(0, 规模="+1+cmd|A0").get(h) for h in HEADERS]])
    client = world.client_for("city_admin")
    batch = _batch(_upload(client, path))

    response = client.get(reverse("imports:errors", args=[batch.pk]))

    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)))["错误"]  # type: ignore[attr-defined]
    rows = [[cell.value for cell in row] for row in sheet.iter_rows(min_row=2)]
    assert rows == [["行号", "列", "问题"], [3, "规模", "规模应填“规上”或“规下”，这里是“+1+cmd|A0”。"]]
    assert all(cell.data_type != "f" for row in sheet.iter_rows() for cell in row)  # no formula from user text


def test_the_template_has_the_header_and_an_example_that_is_refused(world: Cast) -> None:
    client = world.client_for("town_a_union")
    response = client.get(reverse("imports:template"))
    content = b"".join(response.streaming_content)  # type: ignore[attr-defined]
    sheet = openpyxl.load_workbook(io.BytesIO(content)).worksheets[0]

    assert [c.value for c in sheet[1]] == [column.label for column in COLUMNS]
    assert sheet["C2"].value == "甲镇"  # the example uses the user's own town

    batch = _batch(client.post(UPLOAD, {"file": _named(content, "模板.xlsx")}))
    assert batch.errors == [{"row": 2, "column": "企业名称", "message": "这是导入模板中的示例行，请删除后再导入。"}]


def _named(content: bytes, name: str) -> io.BytesIO:
    upload = io.BytesIO(content)
    upload.name = name
    return upload


def test_a_hostile_upload_is_refused_on_the_form_and_not_kept(world: Cast, corpus: dict[str, Path]) -> None:
    response = _upload(world.client_for("city_admin"), corpus["zip_bomb.xlsx"])

    assert response.status_code == 200  # type: ignore[attr-defined]
    assert "文件解压后体积异常（疑似“压缩炸弹”），已拒绝。" in response.content.decode()  # type: ignore[attr-defined]
    assert not ImportBatch.objects.exists()


def test_an_upload_over_the_limit_stops_being_read(world: Cast, corpus: dict[str, Path], settings: object) -> None:
    settings.IMPORT_MAX_BYTES = 2048  # type: ignore[attr-defined]
    response = _upload(world.client_for("city_admin"), corpus["clean.xlsx"])

    assert response.status_code == 200  # type: ignore[attr-defined]
    assert "文件太大，上限为 2 KB。请分成几个文件导入。" in response.content.decode()  # type: ignore[attr-defined]
    assert not ImportBatch.objects.exists()


def test_a_wrong_extension_is_refused_on_the_form(world: Cast, corpus: dict[str, Path]) -> None:
    response = _upload(world.client_for("city_admin"), corpus["notes.txt"])
    assert "只支持 .xlsx、.xls 和 .csv 文件。" in response.content.decode()  # type: ignore[attr-defined]


def test_the_upload_page_lists_only_my_batches(world: Cast, corpus: dict[str, Path]) -> None:
    _upload(world.client_for("town_b_union"), corpus["bad_scale.xlsx"], name="乙的文件.xlsx")
    mine = world.client_for("town_a_union")
    _upload(mine, corpus["clean.xlsx"], name="甲的文件.xlsx")

    page = mine.get(UPLOAD).content.decode()
    assert "甲的文件.xlsx" in page
    assert "乙的文件.xlsx" not in page
