"""Template context shared by every page: the platform's name and the jurisdiction in force."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django.utils import timezone

from pubcredit.policy import get_policy


def platform(request: HttpRequest) -> dict[str, Any]:
    policy = get_policy(on=timezone.localdate())
    return {
        "platform_name": "公共信用信息平台",
        "jurisdiction_name": policy.name,
        "policy_pack_code": settings.PUBCREDIT_POLICY,
    }


def workspace(request: HttpRequest) -> dict[str, Any]:
    """The working pages a signed-in user's roles open, for the navigation bar."""
    from django.urls import reverse

    from pubcredit.accounts.actors import actor_may
    from pubcredit.core.roles import Role
    from pubcredit.notices.selectors import notices_unread_count

    user = getattr(request, "user", None)
    links: list[tuple[str, str]] = []
    if user is not None and user.is_authenticated:
        if actor_may(user, Role.PROVIDER):
            links += [
                ("信息报送", reverse("collection:batch_upload")),
                ("报送及时性", reverse("collection:reporting_mine")),
            ]
        if actor_may(user, Role.OPERATOR):
            links += [
                ("自主申报审核", reverse("collection:declaration_queue")),
                ("报送及时性", reverse("collection:reporting_overview")),
            ]
        elif actor_may(user, Role.AUTHORITY):
            links.append(("报送及时性", reverse("collection:reporting_overview")))
        if getattr(user, "subject_id", None):
            links.append(("自主申报", reverse("collection:declaration_list")))
            links += [("我的信用记录", reverse("my_record:record")), ("查询记录", reverse("my_record:queries"))]
        if actor_may(user, Role.OPERATOR):
            links += [("书面授权核验", reverse("access:check_queue")), ("共享协议", reverse("access:agreement_list"))]
        elif actor_may(user, Role.AUTHORITY):
            links.append(("共享协议", reverse("access:agreement_list")))
        if getattr(user, "subject_id", None):
            links.append(("查询授权", reverse("access:authorisation_list")))
        if getattr(user, "organisation_id", None) and actor_may(user, Role.CONSUMER):
            links.append(("收到的授权", reverse("access:written_list")))
        if getattr(user, "subject_id", None):
            links.append(("我的异议", reverse("objections:mine")))
        if actor_may(user, Role.OPERATOR):
            links.append(("异议受理台", reverse("objections:desk")))
        if actor_may(user, Role.PROVIDER):
            links.append(("待核查异议", reverse("objections:provider_queue")))
        if actor_may(user, Role.AUTHORITY):
            links.append(("异议复核", reverse("objections:review_queue")))
        if getattr(user, "subject_id", None):
            links.append(("信用修复", reverse("repairs:mine")))
        if actor_may(user, Role.PROVIDER):
            links.append(("信用修复待办", reverse("repairs:queue")))
        if actor_may(user, Role.OPERATOR, Role.AUTHORITY, Role.AUDITOR):
            links.append(("信用修复总览", reverse("repairs:overview")))
        links += _lists_and_measures(user)
        if getattr(user, "subject_id", None) or actor_may(
            user, Role.CONSUMER, Role.OPERATOR, Role.AUTHORITY, Role.AUDITOR
        ):
            links.append(("信用报告", reverse("reports:index")))
        links += _statistics(user)
        if actor_may(user, Role.OPERATOR, Role.AUTHORITY, Role.AUDITOR):
            links.append(("信用记录导出", reverse("staff:export_list")))
        if actor_may(user, Role.OPERATOR, Role.AUTHORITY, Role.AUDITOR):
            links.append(("动态口令", reverse("portal:login_enrol")))
        unread = notices_unread_count(user)
        links.append((f"站内消息（{unread}）" if unread else "站内消息", reverse("notices:inbox")))
    return {"workspace_links": list(dict.fromkeys(links))}


def _statistics(user: Any) -> list[tuple[str, str]]:
    """The dashboard and assessment for the centre and the authority; early warnings also for the
    clerks of a provider or consumer department, who see their own organisation's."""
    from django.urls import reverse

    from pubcredit.accounts.actors import actor_may
    from pubcredit.core.roles import Role
    from pubcredit.statistics.archive import statistical_archive_visible_to
    from pubcredit.statistics.selectors import statistics_visible_to

    links: list[tuple[str, str]] = []
    sees_statistics = statistics_visible_to(user)
    if sees_statistics:
        links += [("统计监测", reverse("statistics:dashboard")), ("提供单位考核", reverse("statistics:assessment"))]
    if sees_statistics or (getattr(user, "organisation_id", None) and actor_may(user, Role.PROVIDER, Role.CONSUMER)):
        links.append(("预警", reverse("statistics:warnings")))
    if not sees_statistics and statistical_archive_visible_to(user):  # the auditor
        links.append(("统计报告存档", reverse("statistics:assessment_archive")))
    return links


def _lists_and_measures(user: Any) -> list[tuple[str, str]]:
    """Lists for the departments that decide them and the centre; measure tasks, credit checks
    and batch screening for departments; the feedback loops for initiators and oversight."""
    from django.urls import reverse

    from pubcredit.accounts.actors import actor_may
    from pubcredit.core.roles import Role

    links: list[tuple[str, str]] = []
    department = bool(getattr(user, "organisation_id", None)) and actor_may(user, Role.PROVIDER, Role.CONSUMER)
    oversight = actor_may(user, Role.OPERATOR, Role.AUTHORITY, Role.AUDITOR)
    if actor_may(user, Role.PROVIDER) or oversight:
        links.append(("红黑名单", reverse("lists:index")))
    if department:
        links += [("联合奖惩任务", reverse("measures:queue")), ("信用核查", reverse("measures:checks"))]
    if department or oversight:
        links.append(("奖惩反馈情况", reverse("measures:loops")))
    if (department and actor_may(user, Role.CONSUMER)) or actor_may(user, Role.OPERATOR):
        links.append(("批量筛查", reverse("screening:index")))
    return links
