"""A subject declares an honour in a real browser and the credit centre approves it.

Uses the headless-Chromium fixtures of tests/browser (Debian's Chromium, console errors fail).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterator
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import time_machine
from playwright.sync_api import Page, expect

from pubcredit.accounts.models import User
from pubcredit.accounts.tests.factories import OperatorFactory, SubjectAccountFactory
from pubcredit.catalog.services import catalog_seed
from pubcredit.collection.models import Declaration, DeclarationStatus
from pubcredit.collection.tests.test_declarations_fixtures import PDF, proof_storage  # noqa: F401 (fixture)
from tests.browser.support import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def on_a_fixed_day() -> Iterator[None]:
    with time_machine.travel(dt.datetime(2026, 6, 10, 10, tzinfo=ZoneInfo("Asia/Shanghai")), tick=True):
        yield


def test_a_subject_declares_and_the_centre_approves(
    on_a_fixed_day: None, page: Page, screenshot: Callable[[str], Path], tmp_path: Path
) -> None:
    proof = tmp_path / "守合同重信用证书.pdf"
    proof.write_bytes(PDF)
    catalog_seed()
    company: User = SubjectAccountFactory.create()
    operator: User = OperatorFactory.create()

    sign_in(page, company)
    page.goto("/collection/declarations/")
    page.get_by_role("link", name="新的自主申报").click()
    page.get_by_label("申报事项", exact=True).select_option(label="表彰奖励及诚信荣誉信息（BZ）")
    page.get_by_role("button", name="下一步").click()
    expect(page.get_by_role("heading", level=2, name=re.compile("表彰奖励及诚信荣誉信息"))).to_be_visible()
    expect(page.get_by_label(re.compile("^统一社会信用代码"))).to_have_count(0)  # taken from the subject itself

    page.get_by_label(re.compile("^荣誉类别")).select_option("重合同守信用")
    page.get_by_label(re.compile("^荣誉名称")).fill("2025年度西安市守合同重信用企业")
    page.get_by_label(re.compile("^授予机关层级")).select_option("市级")
    page.get_by_label(re.compile("^表彰文号")).fill("市监发〔2026〕12号")
    page.locator("#id_field_decision_org").fill("西安市市场监督管理局")
    page.get_by_label(re.compile("^授予日期")).fill("2026-03-15")
    page.get_by_label(re.compile("^证明材料")).set_input_files(proof)
    screenshot("filled")
    page.get_by_role("button", name="提交申报").click()

    expect(page.get_by_test_id("declaration-status")).to_have_text("待审核")
    expect(page.get_by_role("status").first).to_contain_text("自主申报已提交")
    expect(page.get_by_role("link", name="守合同重信用证书.pdf")).to_be_visible()
    declaration = Declaration.objects.get()
    page.get_by_role("button", name="退出").click()

    sign_in(page, operator)
    page.goto("/collection/declarations/review/")
    page.get_by_role("link", name=f"审核申报 {declaration.pk}").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("表彰奖励及诚信荣誉信息")
    with page.expect_download() as download:
        page.get_by_role("link", name="守合同重信用证书.pdf").click()
    assert Path(download.value.path()).read_bytes() == PDF
    page.get_by_label("审核意见（可选）", exact=True).fill("原件核验一致")
    page.get_by_role("button", name="审核通过").click()

    expect(page.get_by_test_id("declaration-status")).to_have_text("已通过")
    expect(page.get_by_test_id("review-reason")).to_have_text("原件核验一致")
    expect(page.get_by_role("status").first).to_contain_text("已形成自主申报信用记录")
    screenshot("approved")
    declaration.refresh_from_db()
    assert declaration.status == DeclarationStatus.APPROVED
    assert declaration.record is not None and declaration.record.self_declared
    assert company.subject is not None and declaration.record.data["uscc"] == company.subject.uscc
