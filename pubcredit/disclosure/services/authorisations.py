"""Authorisations (授权) and authorised queries (授权查询).

Non-public information is open to a requester only with the subject's authorisation and for the
agreed purpose (西安 第十九条, 元宝山 第十八条, 南通 第十一条, 大连 第十二条). The subject grants one in
its account, or the requester uploads the subject's signed written authorisation, which counts
only once a credit-centre operator has accepted it. Every write is atomic, permission-checked and
audited; every query, granted or refused, is written to the query log.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import PurePath
from typing import Protocol

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import timezone

from pubcredit.accounts.actors import Actor
from pubcredit.accounts.models import ApiScope, Organisation, User
from pubcredit.core.audit import audit_digest, audit_record, audit_text
from pubcredit.core.crypto import sm3_hex
from pubcredit.core.errors import PermissionDenied, ValidationFailed
from pubcredit.disclosure import access_rules
from pubcredit.disclosure.access_rules import GrantFacts, Refusal, Use
from pubcredit.disclosure.models.access import Authorisation, AuthorisationMethod, AuthorisationState
from pubcredit.disclosure.models.query_log import QueryLogEntry
from pubcredit.disclosure.selectors.records import Disclosed, records_disclosed
from pubcredit.disclosure.services.access_parties import (
    actor_label,
    asking_party,
    clean_dates,
    clean_item_codes,
    clean_purpose,
    refuse,
    require_operator,
    require_subject_account,
    viewer_for,
)
from pubcredit.disclosure.services.charges import query_charge_assess
from pubcredit.disclosure.services.query_log import query_log_write
from pubcredit.disclosure.viewers import ViewerKind
from pubcredit.subjects.models import Subject

# Platform limits, not regulation: a signed scan is a few hundred KB.
MAX_DOCUMENT_BYTES = 10 * 1024 * 1024
STORAGE_DIR = "authorisations"
DOCUMENT_TYPES: tuple[tuple[str, tuple[str, ...], bytes], ...] = (
    ("PDF 文件", (".pdf",), b"%PDF-"),
    ("JPEG 图片", (".jpg", ".jpeg"), b"\xff\xd8\xff"),
    ("PNG 图片", (".png",), b"\x89PNG\r\n\x1a\n"),
)


class UploadedDocument(Protocol):
    name: str | None

    def read(self, size: int = ..., /) -> bytes: ...


@dataclass(frozen=True)
class AuthorisedAnswer:
    authorisation: Authorisation
    subject: Subject
    items: frozenset[str]
    disclosed: list[Disclosed]
    log_entry: QueryLogEntry


def _audit(actor: Actor, action: str, authorisation: Authorisation, **data: object) -> None:
    user = actor if isinstance(actor, User) else None
    audit_record(
        actor=user,
        action=action,
        target=authorisation,
        data={
            "subject_id": authorisation.subject_id,
            "requester": audit_text(authorisation.requester_label),
            "items": list(authorisation.item_codes),
            "purpose": audit_text(authorisation.purpose),
            "valid_from": authorisation.valid_from.isoformat(),
            "valid_until": authorisation.valid_until.isoformat(),
            "by": audit_text(actor_label(actor)),
            **data,
        },
    )


# --- the subject grants and revokes -----------------------------------------------------------


@transaction.atomic
def authorisation_grant(
    *,
    actor: Actor,
    requester_organisation: Organisation | None,
    requester_user: User | None = None,
    item_codes: Iterable[str],
    purpose: str,
    valid_from: dt.date,
    valid_until: dt.date,
) -> Authorisation:
    """The subject's account authorises one requester; active at once (the subject itself signs)."""
    user, subject = require_subject_account(actor, doing="出具查询授权")
    today = timezone.localdate()
    if requester_organisation is None and requester_user is None:
        raise ValidationFailed("请选择被授权的单位或个人", field="requester_organisation")
    if requester_organisation is not None and not requester_organisation.active:
        raise ValidationFailed(f"单位“{requester_organisation.name}”已停用，不能被授权", field="requester_organisation")
    codes = clean_item_codes(item_codes, on=today)
    clean_dates(valid_from, valid_until, today=today)
    label = requester_organisation.name if requester_organisation is not None else str(requester_user)
    authorisation = Authorisation.objects.create(
        subject=subject,
        requester_organisation=requester_organisation,
        requester_user=requester_user,
        requester_label=label[:200],
        item_codes=codes,
        purpose=clean_purpose(purpose),
        valid_from=valid_from,
        valid_until=valid_until,
        method=AuthorisationMethod.ACCOUNT,
        state=AuthorisationState.ACTIVE,
        created_by=user,
        created_by_label=actor_label(user)[:150],
    )
    _audit(user, "disclosure.authorisation.grant", authorisation, method=AuthorisationMethod.ACCOUNT)
    return authorisation


@transaction.atomic
def authorisation_revoke(*, actor: Actor, authorisation: Authorisation) -> Authorisation:
    """The subject withdraws its consent; the row stays so earlier queries keep their basis."""
    user, subject = require_subject_account(actor, doing="撤销查询授权")
    locked = Authorisation.objects.select_for_update().get(pk=authorisation.pk)
    if locked.subject_id != subject.pk:
        raise PermissionDenied(f"授权 {locked.pk} 不是本主体出具的，不能撤销")
    if locked.state not in (AuthorisationState.ACTIVE, AuthorisationState.PENDING):
        raise ValidationFailed(f"授权 {locked.pk} 当前状态为“{locked.get_state_display()}”，不能撤销", field="state")
    locked.state = AuthorisationState.REVOKED
    locked.revoked_at = timezone.now()
    locked.revoked_by_label = actor_label(user)[:150]
    locked.save(update_fields=["state", "revoked_at", "revoked_by_label"])
    _audit(user, "disclosure.authorisation.revoke", locked)
    return locked


# --- the requester uploads a written authorisation; the centre checks it ----------------------


def _read_document(document: UploadedDocument) -> tuple[str, bytes]:
    name = PurePath((document.name or "").replace("\\", "/")).name.strip()
    name = "".join(ch for ch in name if ch.isprintable() and ch not in '"<>|:*?')[-255:]
    shown = name or "书面授权文件"
    if hasattr(document, "seek"):
        document.seek(0)
    content = document.read(MAX_DOCUMENT_BYTES + 1)
    if not content:
        raise ValidationFailed(f"书面授权文件“{shown}”是空文件", field="document")
    if len(content) > MAX_DOCUMENT_BYTES:
        raise ValidationFailed(
            f"书面授权文件“{shown}”超过 {MAX_DOCUMENT_BYTES // (1024 * 1024)} MB，请压缩后再上传", field="document"
        )
    suffix = PurePath(name).suffix.lower()
    allowed = "、".join(label for label, _, _ in DOCUMENT_TYPES)
    for label, suffixes, magic in DOCUMENT_TYPES:
        if suffix in suffixes:
            if not content.startswith(magic):
                raise ValidationFailed(
                    f"书面授权文件“{shown}”的内容不是 {label}（文件头与扩展名 {suffix} 不符）", field="document"
                )
            return name, content
    raise ValidationFailed(
        f"书面授权文件“{shown}”的类型“{suffix or '无扩展名'}”不被接受，只接受 {allowed}", field="document"
    )


def _store(content: bytes) -> tuple[str, str]:
    """Store by SM3 digest, outside any public URL; the same file twice is stored once."""
    digest = sm3_hex(content)
    path = f"{STORAGE_DIR}/{digest[:2]}/{digest}"
    if not default_storage.exists(path):
        saved = default_storage.save(path, ContentFile(content))
        if saved != path:  # a concurrent upload of the same file won the name
            default_storage.delete(saved)
    return digest, path


@transaction.atomic
def authorisation_upload(
    *,
    actor: Actor,
    subject: Subject,
    item_codes: Iterable[str],
    purpose: str,
    valid_from: dt.date,
    valid_until: dt.date,
    document: UploadedDocument,
) -> Authorisation:
    """A requester registers the subject's signed written authorisation; pending the centre's check."""
    organisation_id, user_id, _ = asking_party(actor, scope=ApiScope.QUERY, doing="上传书面授权")
    today = timezone.localdate()
    codes = clean_item_codes(item_codes, on=today)
    cleaned_purpose = clean_purpose(purpose)
    clean_dates(valid_from, valid_until, today=today)
    name, content = _read_document(document)
    digest, path = _store(content)
    user = actor if isinstance(actor, User) else None
    organisation = Organisation.objects.get(pk=organisation_id) if organisation_id is not None else None
    authorisation = Authorisation.objects.create(
        subject=subject,
        requester_organisation=organisation,
        requester_user_id=user_id if organisation is None else None,
        requester_label=(organisation.name if organisation is not None else actor_label(actor))[:200],
        item_codes=codes,
        purpose=cleaned_purpose,
        valid_from=valid_from,
        valid_until=valid_until,
        method=AuthorisationMethod.WRITTEN,
        state=AuthorisationState.PENDING,
        document_sm3=digest,
        document_path=path,
        document_name=name,
        document_size=len(content),
        created_by=user,
        created_by_label=actor_label(actor)[:150],
    )
    _audit(
        actor,
        "disclosure.authorisation.upload",
        authorisation,
        method=AuthorisationMethod.WRITTEN,
        document_sm3=audit_digest(digest),
        document_name=audit_text(name),
    )
    return authorisation


def _check(actor: Actor, authorisation: Authorisation, *, accept: bool, reason: str) -> Authorisation:
    doing = "核验书面授权"
    operator = require_operator(actor, doing=doing)
    cleaned = " ".join((reason or "").split())
    if not accept and not cleaned:
        raise ValidationFailed("核验不通过须说明理由", field="reason")
    locked = Authorisation.objects.select_for_update().get(pk=authorisation.pk)
    if locked.method != AuthorisationMethod.WRITTEN or locked.state != AuthorisationState.PENDING:
        raise ValidationFailed(
            f"授权 {locked.pk} 当前状态为“{locked.get_state_display()}”，不是待核验的书面授权", field="state"
        )
    locked.state = AuthorisationState.ACTIVE if accept else AuthorisationState.REFUSED
    locked.checked_by = operator
    locked.checked_at = timezone.now()
    locked.check_reason = cleaned[:2000]
    locked.save(update_fields=["state", "checked_by", "checked_at", "check_reason"])
    action = "disclosure.authorisation.accept" if accept else "disclosure.authorisation.refuse"
    _audit(operator, action, locked, reason=audit_text(cleaned))
    return locked


@transaction.atomic
def authorisation_accept(*, actor: Actor, authorisation: Authorisation, reason: str = "") -> Authorisation:
    """The credit centre found the written authorisation genuine (signature, identity, content)."""
    return _check(actor, authorisation, accept=True, reason=reason)


@transaction.atomic
def authorisation_refuse(*, actor: Actor, authorisation: Authorisation, reason: str) -> Authorisation:
    """The credit centre refuses the written authorisation, saying why; it can never be used."""
    return _check(actor, authorisation, accept=False, reason=reason)


# --- the requester queries ---------------------------------------------------------------------


def grant_facts(authorisation: Authorisation) -> GrantFacts:
    return GrantFacts(
        id=authorisation.pk,
        kind="authorisation",
        subject_id=authorisation.subject_id,
        requester_organisation_id=authorisation.requester_organisation_id,
        requester_user_id=authorisation.requester_user_id,
        item_codes=frozenset(authorisation.item_codes),
        purpose=authorisation.purpose,
        valid_from=authorisation.valid_from,
        valid_until=authorisation.valid_until,
        state=authorisation.state,
    )


def _parse_id(value: object) -> int | None:
    text = str(value).strip()
    return int(text) if text.isdigit() and len(text) <= 18 else None


def authorised_query(
    *,
    actor: Actor,
    subject: Subject,
    authorisation_id: object,
    purpose: str,
    items: Iterable[str] | None = None,
    provide_to: str = "",
    confirm_charge: bool = False,
    on: dt.date | None = None,
) -> AuthorisedAnswer:
    """The authorised items of `subject` for the stated purpose, through the disclosure decision.

    Not one transaction: a refusal is written to the query log and must stay there. Where the
    pack makes queries paid (`query.paid`), a charged query needs `confirm_charge`.
    """
    party = asking_party(actor, scope=ApiScope.QUERY, doing="授权查询")
    day = on or timezone.localdate()
    stated = " ".join((purpose or "").split())[:200]
    requested = frozenset(str(code).strip().upper() for code in items) if items is not None else None
    pk = _parse_id(authorisation_id)
    authorisation = Authorisation.objects.filter(pk=pk).first() if pk is not None else None
    granted = frozenset(authorisation.item_codes) if authorisation is not None else frozenset()
    viewer = viewer_for(
        kind=ViewerKind.AUTHORISED,
        actor=actor,
        party=party,
        items=granted if requested is None else granted & requested,
        purpose=stated,
        basis=f"authorisation:{pk if pk is not None else str(authorisation_id)[:20]}",
    )
    asked = sorted(requested if requested is not None else granted)
    if not stated:
        raise refuse(
            viewer, subject, Refusal(access_rules.BEYOND_PURPOSE, "未说明查询用途", access_rules.ART_PURPOSE), asked
        )
    if authorisation is None:
        refusal = Refusal(
            access_rules.FORGED,
            f"授权编号“{str(authorisation_id)[:20]}”不存在，视为伪造授权",
            access_rules.ART_WRITTEN,
        )
        raise refuse(viewer, subject, refusal, asked)
    use = Use(
        subject_id=subject.pk,
        organisation_id=party[0],
        user_id=party[1],
        purpose=stated,
        items=requested,
        provide_to=provide_to,
    )
    refusal_or_none = access_rules.check_authorisation(grant_facts(authorisation), use, day)
    if refusal_or_none is not None:
        raise refuse(viewer, subject, refusal_or_none, asked)
    query_charge_assess(actor=actor, viewer=viewer, subject=subject, confirmed=confirm_charge, on=day)
    disclosed = records_disclosed(viewer=viewer, subject=subject, on=day)
    entry = query_log_write(viewer=viewer, subject=subject, item_codes=sorted(viewer.items or ()))
    return AuthorisedAnswer(authorisation, subject, viewer.items or frozenset(), disclosed, entry)
