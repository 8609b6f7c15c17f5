"""In a real browser, the main path: the subject files with evidence, the credit centre forwards,
the provider corrects, the centre tells the applicant, and the subject sees the outcome.

Uses the headless-Chromium fixtures of tests/browser (Debian's Chromium, console errors fail).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import time_machine
from playwright.sync_api import Page, expect

from pubcredit.accounts.models import User
from pubcredit.accounts.tests.factories import OperatorFactory, ProviderClerkFactory, SubjectAccountFactory
from pubcredit.disclosure.tests.factories import make_record
from pubcredit.objections.models import ItemResult, Objection, ObjectionState
from pubcredit.objections.tests.conftest import PDF, SHANGHAI
from tests.browser.support import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def before_national_day(settings: Any) -> Iterator[None]:
    settings.PUBCREDIT_POLICY = "xian"
    with time_machine.travel(dt.datetime(2026, 9, 28, 10, tzinfo=SHANGHAI), tick=True):
        yield


def sign_out(page: Page) -> None:
    page.get_by_role("button", name="退出").click()


def test_subject_files_operator_forwards_provider_corrects_subject_sees_outcome(
    before_national_day: None, page: Page, screenshot: Callable[[str], Path], tmp_path: Path
) -> None:
    proof = tmp_path / "撤销决定书.pdf"
    proof.write_bytes(PDF)
    company: User = SubjectAccountFactory.create()
    operator: User = OperatorFactory.create()
    clerk: User = ProviderClerkFactory.create()
    assert company.subject is not None
    record = make_record(
        company.subject,
        by=clerk.organisation,
        tier="general",
        decided_on=dt.date(2026, 6, 1),
        data={"CF_XDR_MC": company.subject.name, "CF_NR": "罚款人民币2万元"},
    )

    sign_in(page, company)
    page.goto("/objections/mine/")
    page.get_by_role("link", name="提出异议申请").click()
    page.get_by_label(re.compile(f"^记录 {record.pk}：")).check()
    page.get_by_label("异议事由").select_option(label="信息存在错误或遗漏")
    page.get_by_label("异议说明").fill("处罚金额有误，应为1万元")
    page.get_by_label("证明材料").set_input_files(proof)
    screenshot("filled")
    page.get_by_role("button", name="提交异议申请").click()

    expect(page.get_by_role("status").first).to_contain_text("异议申请已提交")
    expect(page.get_by_test_id("objection-state")).to_have_text("平台核查中")
    stages = page.get_by_test_id("stages")
    expect(stages.get_by_role("row", name=re.compile("平台核查"))).to_contain_text("2026-09-30")
    expect(stages.get_by_role("row", name=re.compile("转信息提供单位核查"))).to_contain_text("2026-10-10")
    expect(page.get_by_text("暂停披露（西安 第三十一条）")).to_be_visible()
    expect(page.get_by_test_id(f"public-{record.pk}")).to_have_text("不对社会公开")
    objection = Objection.objects.get()
    sign_out(page)

    sign_in(page, operator)
    page.goto("/objections/desk/")
    page.get_by_test_id("desk-to-check").get_by_role("link", name=objection.number).click()
    expect(page.get_by_role("link", name="撤销决定书.pdf")).to_be_visible()
    page.get_by_role("button", name="提交核查结论").click()
    expect(page.get_by_test_id("objection-state")).to_have_text("提供单位核查中")
    # 10 WD from the forward on 09-28, across National Day.
    expect(page.get_by_role("row", name=re.compile("提供单位答复"))).to_contain_text("2026-10-16")
    sign_out(page)

    sign_in(page, clerk)
    page.goto("/objections/provider/")
    page.get_by_role("link", name=f"答复异议 {objection.number}").click()
    page.get_by_label("核查结论").select_option(label="信息有误，已更正")
    page.get_by_label("核查说明").fill("经核对原决定书，金额应为1万元")
    page.get_by_label("更正后的内容").fill("CF_NR=罚款人民币1万元")
    page.get_by_role("button", name="提交答复").click()
    expect(page.get_by_test_id("objection-state")).to_have_text("待告知结果")
    sign_out(page)

    sign_in(page, operator)
    page.goto(f"/objections/{objection.pk}/")
    expect(page.get_by_role("heading", name=re.compile("告知申请人并办结（时限 2026-10-08）"))).to_be_visible()
    page.get_by_label("告知内容（可选）").fill("已书面告知申请人")
    page.get_by_role("button", name="告知并办结").click()
    expect(page.get_by_test_id("objection-state")).to_have_text("已办结")
    sign_out(page)

    sign_in(page, company)
    page.goto("/objections/mine/")
    page.get_by_role("link", name=objection.number).click()
    expect(page.get_by_test_id(f"item-result-{record.pk}")).to_contain_text("提供单位已更正")
    expect(page.get_by_test_id(f"public-{record.pk}")).to_have_text("公开")
    expect(page.get_by_text("已书面告知申请人")).to_be_visible()
    screenshot("outcome")

    objection.refresh_from_db()
    assert objection.state == ObjectionState.CLOSED
    assert objection.items.get().result == ItemResult.CORRECTED
    record.refresh_from_db()
    assert record.version == 2 and record.data["CF_NR"] == "罚款人民币1万元"
