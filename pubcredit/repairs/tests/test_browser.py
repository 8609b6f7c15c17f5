"""The main path in a real browser under 西安: the subject applies, the provider accepts, and the
public subject page no longer shows the record (西安 第三十二条).

Uses the headless-Chromium fixtures of tests/browser (Debian's Chromium, console errors fail).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.test import override_settings
from playwright.sync_api import Page, expect

from pubcredit.accounts.models import User
from pubcredit.accounts.tests.factories import ProviderClerkFactory, SubjectAccountFactory
from pubcredit.disclosure.tests.factories import make_record
from pubcredit.repairs.models import RepairApplication, RepairState
from pubcredit.repairs.tests.conftest import PDF
from tests.browser.support import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def under_xian_on_a_fixed_day() -> Iterator[None]:
    with (
        override_settings(PUBCREDIT_POLICY="xian"),
        time_machine.travel(dt.datetime(2026, 11, 20, 10, tzinfo=ZoneInfo("Asia/Shanghai")), tick=True),
    ):
        yield


def test_a_subject_applies_the_provider_accepts_and_the_public_no_longer_sees_it(
    under_xian_on_a_fixed_day: None, page: Page, screenshot: Callable[[str], Path], tmp_path: Path
) -> None:
    receipt = tmp_path / "罚款缴纳凭证.pdf"
    receipt.write_bytes(PDF)
    company: User = SubjectAccountFactory.create()
    clerk: User = ProviderClerkFactory.create()
    assert company.subject is not None
    record = make_record(company.subject, tier="general", decided_on=dt.date(2026, 6, 15), by=clerk.organisation)
    shown = f'article[data-record="{record.pk}"]'

    page.goto(f"/subjects/{company.subject.pk}/")
    expect(page.locator(shown)).to_have_count(1)

    sign_in(page, company)
    page.goto("/repairs/")
    page.get_by_role("link", name=f"申请修复记录 {record.pk}").click()
    expect(page.get_by_test_id("eligibility")).to_contain_text("符合申请信用修复的条件")
    page.get_by_label("申请理由").fill("已于2026年7月足额缴纳罚款，并完成整改。")
    page.get_by_label("履行义务的证明材料").set_input_files(receipt)
    expect(page.get_by_test_id("commitment-text")).to_contain_text("本主体郑重承诺")
    page.get_by_label("本主体已阅读并签署上述信用承诺书").check()
    screenshot("filled")
    page.get_by_role("button", name="提交修复申请").click()

    expect(page.get_by_role("status").first).to_contain_text("信用修复申请已提交")
    expect(page.get_by_test_id("repair-state")).to_have_text("待决定")
    expect(page.get_by_test_id("decision-due")).to_contain_text("2026-12-11")
    application = RepairApplication.objects.get()
    page.get_by_role("button", name="退出").click()

    sign_in(page, clerk)
    page.goto("/repairs/queue/")
    page.get_by_role("link", name=f"办理申请 {application.number}").click()
    with page.expect_download() as download:
        page.get_by_role("link", name="罚款缴纳凭证.pdf").click()
    assert Path(download.value.path()).read_bytes() == PDF
    page.get_by_label("决定说明（可选）").fill("罚款已缴清，整改到位")
    page.get_by_role("button", name="同意修复").click()

    expect(page.get_by_test_id("repair-state")).to_have_text("已修复")
    expect(page.get_by_test_id("repair-effect")).to_contain_text("原失信信息不再公开披露")
    screenshot("accepted")
    page.get_by_role("button", name="退出").click()

    page.goto(f"/subjects/{company.subject.pk}/")
    expect(page.get_by_role("heading", level=1)).to_have_text(company.subject.name)
    expect(page.locator(shown)).to_have_count(0)
    application.refresh_from_db()
    assert application.state == RepairState.ACCEPTED
