import io

import openpyxl
import pytest
from playwright.sync_api import Page, expect

from liangpai.accounts.models import User

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

PASSWORD = "correct-horse-battery"


def test_town_staff_filters_opens_an_enterprise_and_exports_the_list(cast, live_server, page: Page):
    User.objects.filter(username="town_a_union").update(full_name="甲镇总工会 张敏")
    console_errors: list[str] = []
    page.on("console", lambda msg: console_errors.append(msg.text) if msg.type == "error" else None)

    page.goto(f"{live_server.url}/")
    expect(page.get_by_role("heading", name="登录亮牌系统")).to_be_visible()
    page.get_by_label("用户名").fill("town_a_union")
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    expect(page.get_by_text("您好，甲镇总工会 张敏")).to_be_visible()

    page.get_by_role("link", name="企业", exact=True).first.click()
    expect(page.get_by_text("共 2 家企业")).to_be_visible()
    page.get_by_label("片区").select_option(label="甲镇·甲二片")
    expect(page.get_by_text("共 1 家企业")).to_be_visible()
    expect(page.get_by_role("link", name="甲二纺织有限公司")).to_be_visible()
    expect(page.get_by_role("link", name="甲一机械有限公司")).to_have_count(0)
    assert "district=" in page.url  # the filtered list has its own address

    with page.expect_download() as download_info:
        page.get_by_role("link", name="导出 Excel").click()
    download = download_info.value
    assert download.suggested_filename.endswith(".xlsx")
    sheet = openpyxl.load_workbook(io.BytesIO(open(download.path(), "rb").read())).active  # noqa: SIM115
    rows = [[c.value for c in row] for row in sheet.iter_rows()]
    assert rows[0][0] == "企业名称"
    assert [r[0] for r in rows[1:]] == ["甲二纺织有限公司"]

    page.get_by_role("link", name="甲二纺织有限公司").click()
    expect(page.get_by_role("heading", name="甲二纺织有限公司")).to_be_visible()
    expect(page.get_by_text("13912345678")).to_be_visible()  # town union may see full numbers
    assert console_errors == []
