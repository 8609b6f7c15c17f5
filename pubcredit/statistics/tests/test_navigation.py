"""The navigation opens the statistics pages to those who may use them, and to nobody else."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import RequestFactory

from pubcredit.accounts.models import User
from pubcredit.accounts.tests.factories import (
    AuditorFactory,
    AuthorityFactory,
    ConsumerClerkFactory,
    OperatorFactory,
    ProviderClerkFactory,
    SubjectAccountFactory,
)
from pubcredit.portal.context import workspace

pytestmark = pytest.mark.django_db


def _labels(user: User) -> set[str]:
    request = RequestFactory().get("/")
    request.user = user
    return {label for label, _ in workspace(request)["workspace_links"]}


@pytest.mark.parametrize("factory", [OperatorFactory, AuthorityFactory])
def test_the_centre_and_the_authority_see_dashboard_assessment_and_warnings(factory: Any) -> None:
    assert {"统计监测", "提供单位考核", "预警"} <= _labels(factory.create())


@pytest.mark.parametrize("factory", [ProviderClerkFactory, ConsumerClerkFactory])
def test_a_department_clerk_sees_only_its_warnings_link(factory: Any) -> None:
    labels = _labels(factory.create())
    assert "预警" in labels and not {"统计监测", "提供单位考核"} & labels


@pytest.mark.parametrize("factory", [SubjectAccountFactory, AuditorFactory])
def test_subjects_and_auditors_see_no_statistics_or_warnings(factory: Any) -> None:
    assert not {"统计监测", "提供单位考核", "预警"} & _labels(factory.create())


def test_the_auditor_reaches_the_statistical_report_archive() -> None:
    assert "统计报告存档" in _labels(AuditorFactory.create())
    assert "统计报告存档" not in _labels(SubjectAccountFactory.create())
