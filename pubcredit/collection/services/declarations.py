"""Self-declaration (自主申报): a subject submits good information with proof, the centre reviews it.

南通 第十条 lets subjects declare their own qualifications, honours, certifications and ratings,
with the original proof; the credit centre checks them before they become credit records, in its
own name and marked self-declared. A declaration later found false is withdrawn, and where the
pack in force says so (南通 第二十三条) the subject gets a warning record (警示记录).

Every transition is atomic, permission-checked, allowed only by `collection.workflow` and audited.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from typing import Any

from django.db import transaction
from django.utils import timezone

from pubcredit.accounts.actors import Actor, actor_label, actor_may, require_subject_account
from pubcredit.accounts.models import OrganisationKind, User
from pubcredit.catalog.fields import FieldProblem, FieldSet, FieldSpec, parse_value
from pubcredit.catalog.models import CatalogItem
from pubcredit.catalog.selectors import catalog_items_published
from pubcredit.collection.models import Declaration, DeclarationAttachment, DeclarationStatus
from pubcredit.collection.workflow import require_declaration_transition
from pubcredit.core.audit import audit_digest, audit_record
from pubcredit.core.crypto import decrypt_identifier
from pubcredit.core.errors import PermissionDenied, ValidationFailed
from pubcredit.core.proof_files import (
    UploadedProof,
    proof_file_store,
    proof_files_read,
)
from pubcredit.core.roles import Role
from pubcredit.policy import get_policy
from pubcredit.records.models import Record
from pubcredit.records.rules import tiers_in_force
from pubcredit.records.services import record_create, record_withdraw
from pubcredit.subjects.models import Subject, SubjectKind

# Platform limits, not regulation: a certificate scan is a few hundred KB; five cover a
# certificate, its annex and the awarding document.
MAX_ATTACHMENTS = 5
MAX_ATTACHMENT_BYTES = 10 * 1024 * 1024
STORAGE_DIR = "declarations"
WARNING_ITEM_CODE = "XJSB"
WARNING_POLICY_KEY = "self_declaration.false_declaration_warning"
# The roles whose values come from the subject's own identity, never from the form.
IDENTITY_ROLES = ("subject_name", "uscc", "id_number", "subject_kind")


class DeclarationRejected(ValidationFailed):
    """A declaration refused; `problems` lists every reason (field name, value, Chinese message)."""

    def __init__(self, problems: list[FieldProblem]) -> None:
        super().__init__("；".join(p.message for p in problems), field=problems[0].field)
        self.problems = problems


# --- who may act ------------------------------------------------------------------------------


_label = actor_label


def _require_subject_account(actor: Actor) -> tuple[User, Subject]:
    user, subject_id = require_subject_account(actor, refused="不能提交自主申报（南通 第十条：信息主体注册后登录申报）")
    return user, Subject.objects.get(pk=subject_id)


def _require_operator(actor: Actor, *, doing: str) -> User:
    """A signed-in member of the credit centre holding the operator role: reviews are personal acts."""
    if (
        isinstance(actor, User)
        and actor.is_active
        and actor_may(actor, Role.OPERATOR)
        and actor.organisation is not None
        and actor.organisation.kind == OrganisationKind.CREDIT_CENTRE
    ):
        return actor
    raise PermissionDenied(f"“{_label(actor)}”不是信用中心的工作人员，不能{doing}自主申报")


def _require_reason(reason: str, *, doing: str) -> str:
    cleaned = (reason or "").strip()
    if not cleaned:
        raise ValidationFailed(f"{doing}自主申报须说明理由", field="reason")
    return cleaned


# --- data -------------------------------------------------------------------------------------


def _identity_value(spec: FieldSpec, subject: Subject) -> str | None:
    if spec.role == "subject_name":
        return subject.name
    if spec.role == "uscc":
        return subject.uscc if subject.kind == SubjectKind.ORG else None
    if spec.role == "id_number":
        if subject.kind != SubjectKind.PERSON or not subject.id_number_cipher:
            return None
        return decrypt_identifier(subject.id_number_cipher)
    if spec.role == "subject_kind":
        wanted = "自然人" if subject.kind == SubjectKind.PERSON else "法人"
        return next((choice for choice in spec.choices if wanted in choice), None)
    return None


def with_identity(item: CatalogItem, subject: Subject, data: Mapping[str, Any]) -> dict[str, Any]:
    """The data with every identity field taken from the subject, whatever the form said.

    Keys naming an identity field by its label or an alias are dropped too, so that a forged
    “统一社会信用代码” cannot ride along under another header.
    """
    fieldset = FieldSet(item.field_specs())
    out: dict[str, Any] = {}
    for key, value in data.items():
        spec = fieldset.spec_for(str(key))
        if spec is not None and spec.role in IDENTITY_ROLES:
            continue
        out[spec.name if spec is not None else str(key)] = value
    for spec in fieldset.specs:
        if spec.role in IDENTITY_ROLES:
            value = _identity_value(spec, subject)
            if value is not None:
                out[spec.name] = value
    return out


def _decided_on_spec(item: CatalogItem) -> FieldSpec | None:
    return next((spec for spec in item.field_specs() if spec.role == "decided_on"), None)


def _as_iso(spec: FieldSpec, value: Any) -> str | None:
    try:
        return str(parse_value(spec, value))
    except ValueError:
        return None


def _check_item(item: CatalogItem, subject: Subject, today: dt.date) -> CatalogItem:
    current = catalog_items_published(on=today).filter(pk=item.pk).first()
    if current is None or current.status != CatalogItem.Status.published:
        raise ValidationFailed(
            f"目录项“{item.name}”（{item.code}）第{item.version}版在 {today.isoformat()} 未生效，不能申报", field="item"
        )
    if current.kind != "good":
        raise ValidationFailed(
            f"目录项“{current.name}”（{current.code}）是{current.get_kind_display()}，自主申报只接受良好信息"
            "（南通 第十条：资质等级、所获荣誉、认证、银行资信等级等）",
            field="item",
        )
    if subject.kind not in current.subject_kinds:
        raise ValidationFailed(
            f"目录项“{current.name}”（{current.code}）不适用于{subject.get_kind_display()}", field="item"
        )
    return current


# --- attachments ------------------------------------------------------------------------------


# --- writes -----------------------------------------------------------------------------------


def _audit(actor: User, action: str, declaration: Declaration, data: dict[str, Any]) -> None:
    audit_record(
        actor=actor,
        action=action,
        target=declaration,
        data={"item": declaration.item.code, "item_version": declaration.item.version, **data},
    )


@transaction.atomic
def declaration_submit(
    *,
    actor: Actor,
    item: CatalogItem,
    data: Mapping[str, Any],
    decided_on: dt.date,
    statement: str = "",
    attachments: Sequence[UploadedProof],
) -> Declaration:
    """A subject's account declares good information about its own subject, with proof."""
    user, subject = _require_subject_account(actor)
    today = timezone.localdate()
    item = _check_item(item, subject, today)
    problems: list[FieldProblem] = []
    if not isinstance(decided_on, dt.date) or isinstance(decided_on, dt.datetime):
        problems.append(FieldProblem("decided_on", decided_on, f"取得日期“{decided_on}”不是有效日期"))
    elif decided_on > today:
        problems.append(
            FieldProblem(
                "decided_on",
                decided_on,
                f"取得日期 {decided_on.isoformat()} 晚于今天 {today.isoformat()}，不能申报将来取得的信息",
            )
        )
    values = with_identity(item, subject, data)
    date_spec = _decided_on_spec(item)
    if date_spec is not None and isinstance(decided_on, dt.date):
        given = values.get(date_spec.name)
        if given not in (None, "") and _as_iso(date_spec, given) != decided_on.isoformat():
            problems.append(
                FieldProblem(
                    date_spec.name,
                    given,
                    f"字段“{date_spec.label}”（{date_spec.name}）的值“{given}”"
                    f"与取得日期 {decided_on.isoformat()} 不一致",
                )
            )
        else:
            values[date_spec.name] = decided_on.isoformat()
    parsed = FieldSet(item.field_specs()).parse(values, subject_kind=subject.kind)
    problems.extend(parsed.problems)
    if len(statement or "") > 2000:
        problems.append(FieldProblem("statement", None, f"申报说明长度 {len(statement)} 超过上限 2000 个字符"))
    if problems:
        raise DeclarationRejected(problems)
    if not attachments:
        raise ValidationFailed("自主申报须附原始证明材料（南通 第十条），至少上传 1 个文件", field="attachments")
    proofs = proof_files_read(
        attachments, field="attachments", max_files=MAX_ATTACHMENTS, max_bytes=MAX_ATTACHMENT_BYTES
    )
    declaration = Declaration.objects.create(
        subject=subject,
        item=item,
        data=parsed.values,
        decided_on=decided_on,
        statement=(statement or "").strip(),
        status=DeclarationStatus.SUBMITTED,
        submitted_by=user,
    )
    for proof in proofs:
        DeclarationAttachment.objects.create(
            declaration=declaration,
            file_name=proof.file_name,
            content_type=proof.file_type.content_type,
            size=len(proof.content),
            sm3=proof.sm3,
            path=proof_file_store(proof, STORAGE_DIR),
        )
    _audit(
        user,
        "collection.declaration.submit",
        declaration,
        {"subject": subject.pk, "attachments": [audit_digest(p.sm3) for p in proofs]},
    )
    return declaration


def _locked(declaration: Declaration) -> Declaration:
    # Only the declaration row is locked: the item and the subject are read, not changed.
    return Declaration.objects.select_for_update(of=("self",)).select_related("item", "subject").get(pk=declaration.pk)


def _mark_reviewed(declaration: Declaration, user: User, status: str) -> None:
    declaration.status = status
    declaration.reviewed_by = user
    declaration.reviewed_at = timezone.now()


@transaction.atomic
def declaration_approve(*, actor: Actor, declaration: Declaration, reason: str = "") -> Declaration:
    """The centre accepts the declaration: it becomes a self-declared record in the centre's name."""
    user = _require_operator(actor, doing="审核")
    declaration = _locked(declaration)
    require_declaration_transition(pk=declaration.pk, current=declaration.status, target=DeclarationStatus.APPROVED)
    record = record_create(
        actor=user,
        provider=user.organisation,
        subject=declaration.subject,
        item=declaration.item,
        source_ref=f"自主申报-{declaration.pk}",
        decided_on=declaration.decided_on,
        data=with_identity(declaration.item, declaration.subject, declaration.data),
        self_declared=True,
    )
    _mark_reviewed(declaration, user, DeclarationStatus.APPROVED)
    declaration.review_reason = (reason or "").strip()
    declaration.record = record
    declaration.save(update_fields=["status", "reviewed_by", "reviewed_at", "review_reason", "record"])
    _audit(user, "collection.declaration.approve", declaration, {"record": record.pk})
    return declaration


@transaction.atomic
def declaration_reject(*, actor: Actor, declaration: Declaration, reason: str) -> Declaration:
    """The centre refuses the declaration, saying why; nothing is recorded about the subject."""
    user = _require_operator(actor, doing="审核")
    cleaned = _require_reason(reason, doing="退回")
    declaration = _locked(declaration)
    require_declaration_transition(pk=declaration.pk, current=declaration.status, target=DeclarationStatus.REJECTED)
    _mark_reviewed(declaration, user, DeclarationStatus.REJECTED)
    declaration.review_reason = cleaned
    declaration.save(update_fields=["status", "reviewed_by", "reviewed_at", "review_reason"])
    # The reason is kept on the declaration, not in the audit data: free text may hold an ID number.
    _audit(user, "collection.declaration.reject", declaration, {"reason_length": len(cleaned)})
    return declaration


def _warning_data(declaration: Declaration, user: User, *, found_on: dt.date, reason: str) -> dict[str, Any]:
    centre = user.organisation
    data: dict[str, Any] = {
        "warning_no": f"虚假申报-{declaration.pk}",
        "declared_item": f"{declaration.item.name}（{declaration.item.code}）",
        "declared_on": timezone.localdate(declaration.submitted_at).isoformat(),
        "found_on": found_on.isoformat(),
        "finding": reason,
        "decision_org": centre.name if centre is not None else "",
    }
    if centre is not None and centre.uscc:
        data["decision_org_uscc"] = centre.uscc
    return data


def _record_warning(declaration: Declaration, user: User, *, reason: str, today: dt.date, article: str) -> Record:
    """The warning record of 南通 第二十三条, in the centre's name.

    The tier is 轻微 (minor) once the national tiers apply (decided on or after 2026-04-01): a
    false self-declaration is found by the centre's own review, carries no administrative
    penalty, and 第二十三条 asks only that it be recorded as a warning — the lowest tier fits
    that, and the item is kept for authorised queries rather than published.
    """
    item = catalog_items_published(on=today).filter(code=WARNING_ITEM_CODE).first()
    if item is None or item.status != CatalogItem.Status.published:
        raise ValidationFailed(
            f"{article}要求记入警示记录，但目录中没有生效的“虚假申报警示信息”（{WARNING_ITEM_CODE}），请先导入目录",
            field="item",
        )
    tier = "minor" if tiers_in_force(get_policy(on=today)) else None
    try:
        return record_create(
            actor=user,
            provider=user.organisation,
            subject=declaration.subject,
            item=item,
            source_ref=f"虚假申报-{declaration.pk}",
            decided_on=today,
            tier=tier,
            data=with_identity(
                item, declaration.subject, _warning_data(declaration, user, found_on=today, reason=reason)
            ),
        )
    except PermissionDenied as exc:
        raise PermissionDenied(
            f"{article}要求记入警示记录，但信用中心“{user.organisation}”不能以自己名义报送信用记录：{exc.message}"
            "（须将信用中心登记为信息提供单位，并授予该工作人员报送权限）"
        ) from exc


@transaction.atomic
def declaration_mark_false(*, actor: Actor, declaration: Declaration, reason: str) -> Declaration:
    """An approved declaration found false: its record is withdrawn; a warning where the pack says so."""
    user = _require_operator(actor, doing="认定虚假")
    cleaned = _require_reason(reason, doing="认定虚假")
    declaration = _locked(declaration)
    require_declaration_transition(pk=declaration.pk, current=declaration.status, target=DeclarationStatus.FOUND_FALSE)
    if declaration.record is None:
        raise ValidationFailed(f"自主申报 {declaration.pk} 没有形成信用记录，无法撤回", field="record")
    record_withdraw(actor=user, record=declaration.record, reason=f"自主申报经查实虚假：{cleaned}")
    today = timezone.localdate()
    policy = get_policy(on=today)
    param = policy.param(WARNING_POLICY_KEY)
    warning: Record | None = None
    if param.value is True:
        warning = _record_warning(declaration, user, reason=cleaned, today=today, article=param.article)
    _mark_reviewed(declaration, user, DeclarationStatus.FOUND_FALSE)
    previous = declaration.review_reason
    declaration.review_reason = f"{previous}\n查实虚假：{cleaned}".strip() if previous else f"查实虚假：{cleaned}"
    declaration.warning_record = warning
    declaration.save(update_fields=["status", "reviewed_by", "reviewed_at", "review_reason", "warning_record"])
    _audit(
        user,
        "collection.declaration.mark_false",
        declaration,
        {
            "record": declaration.record.pk,
            "warning_record": warning.pk if warning is not None else None,
            "policy": policy.code,
            "warning_basis": {"key": WARNING_POLICY_KEY, "value": param.value, "article": param.article},
        },
    )
    return declaration
