"""The demo city's reporting duties: deterministic, some overdue on the anchor day, loaded once."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine

from pubcredit.accounts.models import Organisation
from pubcredit.collection.models import NoticeStage, ReportingDuty, ReportingNotice
from pubcredit.core.models import AuditEvent
from pubcredit.demo.loader import ANCHOR, demo_admin, demo_load
from pubcredit.demo.reporting import LONG_OVERDUE, RECENTLY_OVERDUE, SWEEP_DAYS, _pairs, demo_reporting


def duty_state() -> list[tuple[str, str, str, dt.date, dt.date | None]]:
    return sorted(
        ReportingDuty.objects.values_list(
            "provider__short_name", "item_code", "frequency", "next_due_on", "last_reported_on"
        )
    )


@pytest.mark.django_db
@time_machine.travel("2026-11-22 10:00 +0800", tick=False)
def test_demo_duties_are_overdue_for_a_few_providers_and_loaded_once() -> None:
    demo_load(organisations=30, persons=10, records=100)
    assert ReportingDuty.objects.count() == len(_pairs())
    overdue = set(
        ReportingDuty.objects.filter(active=True, next_due_on__lt=ANCHOR).values_list(
            "provider__short_name", "item_code"
        )
    )
    assert overdue == LONG_OVERDUE | RECENTLY_OVERDUE
    open_notices = ReportingNotice.objects.filter(resolved_on__isnull=True)
    criticised = set(
        open_notices.filter(stage=NoticeStage.CRITICISM).values_list("provider__short_name", "duty__item_code")
    )
    assert criticised == LONG_OVERDUE
    reminded = set(
        open_notices.filter(stage=NoticeStage.REMINDER).values_list("provider__short_name", "duty__item_code")
    )
    assert reminded == LONG_OVERDUE | RECENTLY_OVERDUE
    assert AuditEvent.objects.filter(action="collection.reporting_sweep").count() == SWEEP_DAYS
    # The provider demo login (市场监管局) has something on its own page.
    assert open_notices.filter(provider__short_name="市场监管局").exists()

    before = duty_state()
    notices = ReportingNotice.objects.count()
    assert demo_load(organisations=30, persons=10, records=100).skipped
    assert duty_state() == before and ReportingNotice.objects.count() == notices


@pytest.mark.django_db
@time_machine.travel("2026-11-22 10:00 +0800", tick=False)
def test_demo_duties_depend_on_the_anchor_only() -> None:
    demo_load(seed=1, organisations=20, persons=0, records=60)
    first = duty_state()
    ReportingNotice.objects.all().delete()
    ReportingDuty.objects.all().delete()
    departments = {o.short_name: o for o in Organisation.objects.all()}
    demo_reporting(admin=demo_admin(), departments=departments, anchor=ANCHOR)
    assert duty_state() == first
