"""Reads of subjects. Public search returns organisations only: whether natural persons may be
found publicly is a disclosure decision (e.g. 西安 第十七条 makes their information non-public)."""

from __future__ import annotations

from django.db.models import Case, IntegerField, QuerySet, Value, When
from django.db.models.functions import Length

from pubcredit.core.crypto import blind_index
from pubcredit.core.errors import NotFound
from pubcredit.subjects.identifiers import USCC_LENGTH, normalise_code
from pubcredit.subjects.models import Subject, SubjectKind
from pubcredit.subjects.normalise import name_core, normalise_name

SEARCH_MAX_LIMIT = 100


def _looks_like_code(text: str) -> bool:
    return len(text) == USCC_LENGTH and text.isascii() and text.isalnum()


def subjects_public() -> QuerySet[Subject]:
    """Subjects anyone may find and see basic information about."""
    return Subject.objects.filter(kind=SubjectKind.ORG)


def subject_search(query: str, *, limit: int = 20) -> list[Subject]:
    """Public search: an exact USCC, or a fragment of an organisation's name.

    The fragment is matched without its legal-form suffix, so "某某科技有限责任公司" also finds
    "某某科技有限公司"; exact and leading matches come first, then shorter names.
    """
    limit = max(1, min(limit, SEARCH_MAX_LIMIT))
    code = normalise_code(query)
    if _looks_like_code(code):
        return list(subjects_public().filter(uscc=code)[:1])
    normalised = normalise_name(query)
    if not normalised:
        return []
    core = name_core(normalised)
    ranked = (
        subjects_public()
        .filter(name_normalized__icontains=core)
        .annotate(
            rank=Case(
                When(name_normalized=normalised, then=Value(0)),
                When(name_normalized__startswith=core, then=Value(1)),
                default=Value(2),
                output_field=IntegerField(),
            ),
            name_length=Length("name_normalized"),
        )
        .order_by("rank", "name_length", "id")
    )
    return list(ranked[:limit])


def subject_get(subject_id: int) -> Subject:
    try:
        return Subject.objects.get(pk=subject_id)
    except Subject.DoesNotExist:
        raise NotFound(f"信用主体“{subject_id}”不存在") from None


def subject_find_by_uscc(uscc: str) -> Subject | None:
    return Subject.objects.filter(uscc=normalise_code(uscc)).first()


def subject_find_by_id_number(id_number: str) -> Subject | None:
    """Look a person up by the keyed index; for services and staff, never for a URL parameter."""
    value = normalise_code(id_number)
    if not value:
        return None
    return Subject.objects.filter(id_number_index=blind_index(value)).first()
