"""The farmer rating in a real browser under 西安: the village group proposes, the town group
reviews and publicises, the village notice shows the masked name, and after the publicity period
(across National Day) the town group confirms the grade.

Uses the headless-Chromium fixtures of tests/browser (Debian's Chromium, console errors fail).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.test import override_settings
from playwright.sync_api import Page, expect

from pubcredit.evaluation.models import FarmerRating, RatingState
from pubcredit.evaluation.tests.conftest import Groups
from pubcredit.subjects.tests.factories import PersonSubjectFactory
from tests.browser.support import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SHANGHAI = ZoneInfo("Asia/Shanghai")


def test_propose_review_publicise_and_confirm(groups: Groups, page: Page, screenshot: Callable[[str], Path]) -> None:
    person = PersonSubjectFactory.create(name="张建国")
    with (
        override_settings(PUBCREDIT_POLICY="xian"),
        time_machine.travel(dt.datetime(2026, 9, 28, 10, tzinfo=SHANGHAI), tick=True) as traveller,
    ):
        sign_in(page, groups.villager)
        page.goto("/evaluation/farmers/")
        expect(page.get_by_role("heading", level=1)).to_have_text("农户信用等级初评")
        page.get_by_label("农户身份证号码").fill(person.plain_id_number)
        page.get_by_label("初评等级", exact=True).select_option("优秀信用户")
        page.get_by_label("初评意见", exact=True).fill("种植猕猴桃20亩，按期还款")
        for label in (
            "户籍在西安市辖区内",
            "具有完全民事行为能力",
            "个人品德良好，无不良行为",
            "从事符合国家产业政策的生产经营活动",
            "具有按期清偿贷款本息的能力和意愿",
        ):
            page.get_by_label(label).check()
        page.get_by_role("button", name="提交初评意见").click()
        expect(page.get_by_role("status").first).to_contain_text("初评意见已提交")
        expect(page.get_by_test_id("rating-state")).to_have_text("村组已初评")
        rating = FarmerRating.objects.get()
        screenshot("proposed")
        page.get_by_role("button", name="退出").click()

        sign_in(page, groups.townsman)
        page.goto("/evaluation/farmers/")
        page.get_by_role("link", name=f"办理评价 {rating.number}").click()
        page.get_by_label("复审等级", exact=True).select_option("较好信用户")
        page.get_by_label("复审意见", exact=True).fill("经营规模较小，复审为较好")
        page.get_by_role("button", name="提交复审结果").click()
        expect(page.get_by_test_id("rating-state")).to_have_text("镇（街）已复审")
        page.get_by_role("button", name="在本行政村公示复审结果").click()
        expect(page.get_by_test_id("rating-state")).to_have_text("村内公示中")
        expect(page.get_by_test_id("publicity")).to_contain_text("至 2026-10-10 止")
        expect(page.get_by_role("button", name="公示期满，确定信用等级")).to_have_count(0)

        page.goto(f"/evaluation/farmers/notice/{groups.village.pk}/")
        notice = page.get_by_test_id("notice")
        expect(notice).to_contain_text("张**")
        expect(notice).not_to_contain_text("张建国")
        expect(notice).to_contain_text("较好信用户")
        screenshot("notice")

        # After the period (the session has long expired by then: sign in again).
        traveller.move_to(dt.datetime(2026, 10, 11, 10, tzinfo=SHANGHAI))
        sign_in(page, groups.townsman)
        page.goto(f"/evaluation/farmers/{rating.pk}/")
        page.get_by_role("button", name="公示期满，确定信用等级").click()
        expect(page.get_by_role("status").first).to_contain_text("农户信用等级已确定：较好信用户")
        expect(page.get_by_test_id("final-grade")).to_contain_text("较好信用户（2026-10-11 确定）")
        screenshot("confirmed")
    rating.refresh_from_db()
    assert (rating.state, rating.final_grade) == (RatingState.CONFIRMED, "good")
