"""Record API: the public view of an organisation's record and the subject's self-query.

Both answers go through the disclosure decision; the public one costs one query whatever the
number of records (the subject with its records, their catalogue versions and holds).

`?explain=1` is the credit centre's view: every record of the organisation, withheld ones
included, each with its state and the reasons. It needs a stated `reason` (with `reason_kind`),
written to the query log as the look's purpose (西安 第三十八条, 元宝山 第二十七条).
"""

from __future__ import annotations

from typing import Any

import orjson
from django.core.serializers.json import DjangoJSONEncoder
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from ninja import Router

from pubcredit.accounts.actors import Actor
from pubcredit.accounts.auth import ApiTokenAuth, SessionOrTokenAuth
from pubcredit.accounts.services import AuthenticationFailed
from pubcredit.core.errors import NotFound, PermissionDenied
from pubcredit.disclosure.api.schemas import SubjectRecordOut
from pubcredit.disclosure.selectors.records import Disclosed, ShownField, group_disclosed, public_record_by_uscc
from pubcredit.disclosure.services.record_views import is_staff_viewer, record_self_query, record_staff_view
from pubcredit.disclosure.staff_reasons import REASON_KINDS, staff_reason_clean
from pubcredit.policy import get_policy
from pubcredit.subjects.models import Subject, SubjectKind
from pubcredit.subjects.selectors import subject_find_by_uscc

router = Router(tags=["信用记录披露"])


def _body(subject: Subject, disclosed: list[Disclosed], *, public: bool, explain: bool) -> dict[str, Any]:
    on = timezone.localdate()
    groups = []
    for group in group_disclosed(disclosed, public=public):
        records = []
        for entry in group.entries:
            record, decision = entry.record, entry.decision
            records.append(
                {
                    "id": record.pk,
                    "item_code": record.item_code,
                    "item_name": record.item.name,
                    "tier": record.tier,
                    "decided_on": record.decided_on,
                    "end_date": record.end_date,
                    "disclosure_ends_on": record.disclosure_ends_on,
                    "source_ref": record.source_ref,
                    "version": record.version,
                    "state": decision.state,
                    "annotations": list(decision.annotations),
                    "fields": [_field(f) for f in entry.fields],
                    "explain": decision.explain if explain else None,
                }
            )
        groups.append(
            {
                "kind": group.kind,
                "kind_label": group.kind_label,
                "info_class": group.info_class,
                "class_label": group.class_label,
                "records": records,
            }
        )
    return {
        "subject": {
            "id": subject.pk,
            "kind": subject.kind,
            "kind_label": subject.get_kind_display(),
            "name": subject.name,
            "uscc": subject.uscc,
            "district": subject.district,
        },
        "on": on,
        "pack": get_policy(on=on).code,
        "groups": groups,
    }


def _json(body: dict[str, Any]) -> HttpResponse:
    """The answer written directly: it is built to the `SubjectRecordOut` shape (a test checks it),
    and skipping the per-request validation keeps the public look-up cheap at high rates. Dates,
    times and lazy labels are written by Django's encoder, as everywhere else in the API."""
    text = orjson.dumps(body, default=_encoder.default, option=orjson.OPT_PASSTHROUGH_DATETIME)
    return HttpResponse(text, content_type="application/json; charset=utf-8")


_encoder = DjangoJSONEncoder()


def _field(shown: ShownField) -> dict[str, Any]:
    return {"name": shown.name, "label": shown.label, "value": shown.value}


def _staff_actor(request: HttpRequest) -> Actor:
    """The operator asking for explain (session, or a credit-centre client's token with the query
    scope), or None for anyone else."""
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        return user if is_staff_viewer(user) else None
    if request.headers.get("Authorization"):
        try:
            client = ApiTokenAuth(scope="query")(request)
        except (AuthenticationFailed, PermissionDenied):
            return None
        return client if is_staff_viewer(client) else None
    return None


_REASON_KIND_HELP = "、".join(f"{code}（{label}）" for code, label in REASON_KINDS.items())


@router.get(
    "/subjects/{uscc}/record",
    response=SubjectRecordOut,
    summary="组织的公开信用记录（按性质和类别分组）",
    description=(
        "公众可见的信用记录。信用中心工作人员可加 explain=1 查看全部记录（含未公开记录）及判断依据，"
        "须同时说明查询事由：reason（至少 4 个字）和 reason_kind（"
        + _REASON_KIND_HELP
        + "，默认 other）；本次查看连同事由记入查询日志（西安 第三十八条，元宝山 第二十七条）。"
    ),
)
def public_record(
    request: HttpRequest,
    uscc: str,
    explain: bool = False,
    reason: str | None = None,
    reason_kind: str = "other",
) -> HttpResponse:
    if explain:
        return _staff_record(request, uscc, reason=reason, reason_kind=reason_kind)
    # No code holds a NUL, and PostgreSQL refuses one in a text parameter.
    subject, disclosed = public_record_by_uscc(uscc) if "\x00" not in uscc else (None, [])
    if subject is None or subject.kind != SubjectKind.ORG:
        raise NotFound(f"统一社会信用代码“{uscc[:18]}”没有对应的信用主体", field="uscc")
    return _json(_body(subject, disclosed, public=True, explain=False))


def _staff_record(request: HttpRequest, uscc: str, *, reason: str | None, reason_kind: str) -> HttpResponse:
    actor = _staff_actor(request)
    if actor is None:
        raise PermissionDenied("仅信用中心工作人员可查看判断依据（explain）", field="explain")
    stated = staff_reason_clean(reason_kind, reason)
    subject = subject_find_by_uscc(uscc)
    if subject is None or subject.kind != SubjectKind.ORG:
        raise NotFound(f"统一社会信用代码“{uscc[:18]}”没有对应的信用主体", field="uscc")
    disclosed = record_staff_view(actor=actor, subject=subject, reason=stated, include_withheld=True)
    return _json(_body(subject, disclosed, public=False, explain=True))


@router.get(
    "/me/record",
    response=SubjectRecordOut,
    auth=SessionOrTokenAuth(scope="query"),
    summary="本人信用记录查询（含非公开信息；信息主体账号或本单位令牌）",
)
def my_record(request: HttpRequest, confirm_charge: bool = False) -> dict[str, Any]:
    subject, disclosed = record_self_query(actor=request.auth, confirm_charge=confirm_charge)  # type: ignore[attr-defined]
    return _body(subject, disclosed, public=False, explain=False)
