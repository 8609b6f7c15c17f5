"""A subject asks not to disclose its own good information (西安 第二十一条, 元宝山 第二十八条).

`disclosure.subject_may_hide_good` says whether and how: `withhold` (西安: not disclosed, from the
request on), `delete` (元宝山: withheld at once, deleted within `disclosure.hide_good_wd` working
days and the provider told; the expiry sweep does it on the stored due day), `no` (refused).
"""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from pubcredit.accounts.actors import Actor, actor_user_and_label
from pubcredit.core.audit import audit_record
from pubcredit.core.errors import PermissionDenied, ValidationFailed
from pubcredit.core.workdays import deadline_after
from pubcredit.disclosure.models.outcomes import HideMode, HideRequest, HideState
from pubcredit.policy import get_policy
from pubcredit.records.models import Record, RecordStatus


def _require_own_subject(actor: Actor, record: Record) -> None:
    if getattr(actor, "subject_id", None) != record.subject_id or not getattr(actor, "is_active", False):
        raise PermissionDenied("只有信息主体本人可以申请不予公开其良好信息", field="record")


@transaction.atomic
def hide_request_create(*, actor: Actor, record: Record) -> HideRequest:
    _require_own_subject(actor, record)
    today = timezone.localdate()
    policy = get_policy(on=today)
    param = policy.param("disclosure.subject_may_hide_good")
    if param.value not in (HideMode.WITHHOLD, HideMode.DELETE):
        raise ValidationFailed(f"本地规定不支持信息主体要求不披露良好信息（{param.article}）", field="record")
    record = Record.objects.select_for_update().get(pk=record.pk)
    if record.kind != "good":
        raise ValidationFailed(f"记录 {record.pk} 不是良好信息，不能申请不予公开", field="record")
    if record.status != RecordStatus.ACTIVE:
        raise ValidationFailed(f"记录 {record.pk} 状态为“{record.get_status_display()}”，无需申请", field="record")
    if HideRequest.objects.filter(record=record).exclude(state=HideState.CANCELLED).exists():
        raise ValidationFailed(f"记录 {record.pk} 已有不予公开申请", field="record")
    user, label = actor_user_and_label(actor)
    mode = HideMode(str(param.value))
    request = HideRequest(
        record=record,
        subject_id=record.subject_id,
        requested_by=user,
        requested_by_label=label,
        requested_on=today,
        mode=mode,
        article=param.article,
        pack=param.pack,
    )
    days = policy.param("disclosure.hide_good_wd").value
    if mode is HideMode.DELETE:
        # 元宝山 第二十八条: deleted within N working days of receipt (民法典 第二百零一条 counting).
        deadline = deadline_after(today, days if isinstance(days, int) else 0)
        request.due_on, request.due_provisional = deadline.date, deadline.provisional
    else:
        request.state, request.applied_at = HideState.APPLIED, timezone.now()
    request.save()
    audit_record(
        actor=user,
        action="disclosure.hide_request.create",
        target=request,
        data={"record": record.pk, "mode": mode.value, "due_on": request.due_on, "article": param.article},
    )
    return request


@transaction.atomic
def hide_request_cancel(*, actor: Actor, hide_request: HideRequest) -> HideRequest:
    """The subject withdraws its request: possible until the record has been deleted."""
    request = HideRequest.objects.select_for_update().select_related("record").get(pk=hide_request.pk)
    _require_own_subject(actor, request.record)
    if request.state == HideState.CANCELLED:
        raise ValidationFailed(f"申请 {request.pk} 已撤销", field="hide_request")
    if request.mode == HideMode.DELETE and request.state == HideState.APPLIED:
        raise ValidationFailed(f"申请 {request.pk} 对应的记录已删除，不能撤销", field="hide_request")
    changed = HideRequest.objects.filter(pk=request.pk, state=request.state).update(state=HideState.CANCELLED)
    if not changed:
        raise ValidationFailed(f"申请 {request.pk} 状态已变化，请刷新后重试", field="hide_request")
    user, _ = actor_user_and_label(actor)
    audit_record(
        actor=user, action="disclosure.hide_request.cancel", target=request, data={"record": request.record_id}
    )
    request.state = HideState.CANCELLED
    return request
