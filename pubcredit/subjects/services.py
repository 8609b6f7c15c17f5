"""Registering subjects. Identifiers are validated before anything is written; ID numbers are
encrypted and indexed here and leave this module only in masked form."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from pubcredit.accounts.actors import Actor, actor_may, audit_identity
from pubcredit.core.audit import audit_record
from pubcredit.core.crypto import blind_index, encrypt_identifier
from pubcredit.core.errors import PermissionDenied, ValidationFailed
from pubcredit.core.roles import Role
from pubcredit.policy import get_policy
from pubcredit.subjects.identifiers import require_id_number, require_uscc
from pubcredit.subjects.models import Subject, SubjectKind
from pubcredit.subjects.normalise import normalise_name
from pubcredit.subjects.rules import PolicyReader, person_meets_age_floor

NAME_MAX_LENGTH = Subject._meta.get_field("name").max_length or 200


def subject_fields(
    *,
    kind: str,
    name: str,
    uscc: str | None = None,
    id_number: str | None = None,
    legacy: bool = False,
    district: str | None = None,
    on_date: date,
    policy: PolicyReader,
) -> dict[str, Any]:
    """Validate and encrypt without touching the database: the column values of a new subject.

    Raises `ValidationFailed` with the field and a Chinese reason; the caller reads the policy once
    for the whole batch and passes it in.
    """
    if kind not in SubjectKind.values:
        raise ValidationFailed(f"主体类型“{kind}”无效，应为 org（法人和非法人组织）或 person（自然人）", field="kind")
    name = " ".join(name.split())
    if not name:
        raise ValidationFailed("主体名称不能为空", field="name")
    if len(name) > NAME_MAX_LENGTH:
        raise ValidationFailed(f"主体名称“{name[:20]}…”超过{NAME_MAX_LENGTH}个字符", field="name")
    district = (district or "").strip() or None
    if kind == SubjectKind.ORG:
        if id_number:
            raise ValidationFailed("法人和非法人组织不应提供身份证号码", field="id_number")
        if not uscc or not uscc.strip():
            raise ValidationFailed(f"法人和非法人组织“{name}”必须提供统一社会信用代码", field="uscc")
        code = require_uscc(uscc, legacy=legacy)
        return {
            "kind": SubjectKind.ORG.value,
            "name": name,
            "name_normalized": normalise_name(name),
            "uscc": code.value,
            "uscc_legacy": code.legacy,
            "district": district,
        }
    if uscc:
        raise ValidationFailed("自然人不应提供统一社会信用代码", field="uscc")
    if not id_number or not id_number.strip():
        raise ValidationFailed("自然人必须提供身份证号码", field="id_number")
    checked = require_id_number(id_number, on_date=on_date)
    assert checked.birth_date is not None  # a valid result always carries it
    decision = person_meets_age_floor(checked.birth_date, on_date, policy)
    if not decision.allowed:
        raise ValidationFailed(decision.message, field="id_number")
    return {
        "kind": SubjectKind.PERSON.value,
        "name": name,
        "name_normalized": normalise_name(name),
        "id_number_cipher": encrypt_identifier(checked.value),
        "id_number_index": blind_index(checked.value),
        "id_number_masked": checked.masked,
        "district": district,
    }


def prepare_subject(
    *,
    kind: str,
    name: str,
    uscc: str | None = None,
    id_number: str | None = None,
    legacy: bool = False,
    district: str | None = None,
    on_date: date,
    policy: PolicyReader,
) -> Subject:
    """A validated, encrypted, unsaved subject, so loaders can `bulk_create` thousands.

    Raises `ValidationFailed` with the field and a Chinese reason; the caller reads the policy once
    for the whole batch and passes it in.
    """
    return Subject(
        **subject_fields(
            kind=kind,
            name=name,
            uscc=uscc,
            id_number=id_number,
            legacy=legacy,
            district=district,
            on_date=on_date,
            policy=policy,
        )
    )


def _existing(candidate: Subject) -> Subject | None:
    if candidate.kind == SubjectKind.ORG:
        return Subject.objects.filter(uscc=candidate.uscc).first()
    return Subject.objects.filter(id_number_index=candidate.id_number_index).first()


def check_may_register(actor: Actor) -> None:
    if not actor_may(actor, Role.OPERATOR, Role.PROVIDER, scope="collect"):
        raise PermissionDenied("只有信用中心或信息提供单位可以登记信用主体")


def subject_get_or_register(
    *,
    actor: Actor,
    kind: str,
    name: str,
    uscc: str | None = None,
    id_number: str | None = None,
    legacy: bool = False,
    district: str | None = None,
    on_date: date | None = None,
) -> tuple[Subject, bool]:
    """The subject with this identifier, registered first if new; `True` when it was created.

    The identifier decides identity: a known USCC or ID number returns the existing subject
    unchanged, whatever name came with it (renames are a separate, audited correction).
    """
    check_may_register(actor)
    on_date = on_date or timezone.localdate()
    candidate = prepare_subject(
        kind=kind,
        name=name,
        uscc=uscc,
        id_number=id_number,
        legacy=legacy,
        district=district,
        on_date=on_date,
        policy=get_policy(on=on_date),
    )
    found = _existing(candidate)
    if found is not None:
        return found, False
    user, extra = audit_identity(actor)
    try:
        with transaction.atomic():
            candidate.save()
            audit_record(
                actor=user,
                action="subjects.subject_register",
                target=candidate,
                data={
                    "kind": candidate.kind,
                    "identifier": candidate.display_identifier,
                    "uscc_legacy": candidate.uscc_legacy,
                    **extra,
                },
            )
    except IntegrityError:
        # Registered by a concurrent request between the look-up and the insert.
        found = _existing(candidate)
        if found is None:
            raise
        return found, False
    return candidate, True


def subject_register(
    *,
    actor: Actor,
    kind: str,
    name: str,
    uscc: str | None = None,
    id_number: str | None = None,
    legacy: bool = False,
    district: str | None = None,
    on_date: date | None = None,
) -> Subject:
    subject, _created = subject_get_or_register(
        actor=actor,
        kind=kind,
        name=name,
        uscc=uscc,
        id_number=id_number,
        legacy=legacy,
        district=district,
        on_date=on_date,
    )
    return subject


def subject_update(*, actor: Actor, subject: Subject, name: str | None = None, district: str | None = None) -> Subject:
    """Correct a subject's name or district; identifiers never change (they are the identity)."""
    if not actor_may(actor, Role.OPERATOR):
        raise PermissionDenied("只有信用中心可以更正信用主体信息")
    changes: dict[str, object] = {}
    if name is not None:
        name = " ".join(name.split())
        if not name:
            raise ValidationFailed("主体名称不能为空", field="name")
        if len(name) > NAME_MAX_LENGTH:
            raise ValidationFailed(f"主体名称“{name[:20]}…”超过{NAME_MAX_LENGTH}个字符", field="name")
        if name != subject.name:
            changes["name"] = name
    if district is not None and (district.strip() or None) != subject.district:
        changes["district"] = district.strip() or None
    if not changes:
        return subject
    user, extra = audit_identity(actor)
    before = {field: getattr(subject, field) for field in changes}
    with transaction.atomic():
        for field, value in changes.items():
            setattr(subject, field, value)
        subject.name_normalized = normalise_name(subject.name)
        subject.save(update_fields=[*changes, "name_normalized", "updated_at"])
        audit_record(
            actor=user,
            action="subjects.subject_update",
            target=subject,
            data={"before": before, "after": changes, **extra},
        )
    return subject
