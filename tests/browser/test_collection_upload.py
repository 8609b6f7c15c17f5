"""A provider clerk uploads a 双公示 file in a real browser, reads the refusal, fixes it, and lands it."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import time_machine
from playwright.sync_api import Page, expect

from pubcredit.accounts.tests.factories import PASSWORD, ProviderClerkFactory
from pubcredit.catalog.services import catalog_seed
from pubcredit.records.models import Record
from pubcredit.records.tests.conftest import cf_data
from pubcredit.subjects.tests.factories import OrgSubjectFactory

pytestmark = [pytest.mark.django_db(transaction=True)]


@pytest.fixture
def on_a_fixed_day(settings: object, tmp_path: Path) -> Iterator[None]:
    settings.UPLOAD_DIR = tmp_path / "uploads"  # type: ignore[attr-defined]
    with time_machine.travel(dt.datetime(2025, 6, 10, 10, tzinfo=ZoneInfo("Asia/Shanghai")), tick=True):
        yield


def _file(path: Path, rows: list[dict[str, str]]) -> Path:
    headers = list(rows[0])
    lines = [",".join(headers)] + [",".join(row.get(h, "") for h in headers) for row in rows]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_a_clerk_uploads_sees_the_report_fixes_and_lands_the_file(
    on_a_fixed_day: None, page: Page, screenshot: Callable[[str], Path], tmp_path: Path
) -> None:
    catalog_seed()
    clerk = ProviderClerkFactory.create()
    rows = [cf_data(OrgSubjectFactory.build(), wsh=f"西市监罚〔2025〕{i}号") for i in (1, 2)]
    for row in rows:
        row.setdefault("CF_XDR_ZJHM", "")
        row.setdefault("CF_XDR_ZJLX", "")
    bad = [dict(rows[0]), dict(rows[1], CF_NR_FK="两万")]

    page.goto("/login/")
    page.get_by_label("用户名").fill(clerk.username)
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.get_by_role("link", name="信息报送").click()
    page.get_by_label("目录项").select_option("CF")
    page.get_by_label("数据文件（CSV 或 XLSX）").set_input_files(str(_file(tmp_path / "处罚.csv", bad)))
    page.get_by_role("button", name="上传并校验").click()

    expect(page.get_by_test_id("batch-status")).to_contain_text("整批退回")
    expect(page.get_by_test_id("problems")).to_contain_text("罚款金额（万元）")
    expect(page.get_by_test_id("problems")).to_contain_text("不是有效数值")
    screenshot("rejected")
    assert Record.objects.count() == 0

    page.get_by_role("link", name="信用信息报送").click()
    page.get_by_label("目录项").select_option("CF")
    page.get_by_label("数据文件（CSV 或 XLSX）").set_input_files(str(_file(tmp_path / "处罚2.csv", rows)))
    page.get_by_role("button", name="上传并校验").click()
    expect(page.get_by_test_id("batch-status")).to_contain_text("已全部入库：2 条新增")
    screenshot("accepted")
    assert Record.objects.filter(provider=clerk.organisation).count() == 2
