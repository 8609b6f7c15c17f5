"""Reads of subjects. Public search finds organisations by USCC or name fragment; natural persons
only where the pack makes their information public (not 西安 第十七条), and only by whole name.
Name fragments go through the bigram index of migrations 0002-0003 (see docs/architecture.md)."""

from __future__ import annotations

from datetime import date

from django.db import connection
from django.db.models import QuerySet
from django.db.models.functions import Length
from django.utils import timezone

from pubcredit.core.crypto import blind_index
from pubcredit.core.errors import NotFound
from pubcredit.policy import get_policy
from pubcredit.subjects.identifiers import USCC_LENGTH, normalise_code
from pubcredit.subjects.models import Subject, SubjectKind
from pubcredit.subjects.normalise import name_core, normalise_name

SEARCH_MAX_LIMIT = 100
# PostgreSQL: how many of the shortest names a fragment search walks in rank order, through the
# (kind, length, id) index that carries the name, before asking the bigram index: an index-only
# scan of this many names costs about as much as the bigram index answering a few thousand.
WALK_BUDGET = 50_000
# PostgreSQL: names starting with a fragment are sorted whole up to this many (an index-only range
# scan of the prefix index); beyond it they are walked in rank order instead.
PREFIX_SORT_LIMIT = 20_000


def _looks_like_code(text: str) -> bool:
    return len(text) == USCC_LENGTH and text.isascii() and text.isalnum()


def subjects_public() -> QuerySet[Subject]:
    """Subjects anyone may find and see basic information about."""
    return Subject.objects.filter(kind=SubjectKind.ORG)


def _indexed_bigrams(core: str) -> list[str] | None:
    """The bigrams the name index holds for `core`, or None when the index cannot answer.

    The index keeps bigrams of the lower-cased name, lower-cased for ASCII letters on both
    databases; a query with other cased letters (Greek, Cyrillic…) or shorter than two
    characters is answered by the full scan instead, so no match is ever lost.
    """
    if len(core) < 2 or any(not ch.isascii() and ch.lower() != ch.upper() for ch in core):
        return None
    text = core.lower()
    return sorted({text[i : i + 2] for i in range(len(text) - 1)})


def _name_matches(queryset: QuerySet[Subject], core: str) -> QuerySet[Subject]:
    """`queryset` narrowed to names containing `core`, through the bigram index (migration 0002).

    The full scan's comparison always decides; the bigram condition lets PostgreSQL's planner
    choose between the GIN index (a rare fragment) and walking the (kind, length, id, name)
    index in rank order until enough names match (a common one). A fragment without cased
    letters (Chinese, digits) is compared case-sensitively, which is the same answer and is a
    plain LIKE the planner can estimate from its statistics.
    """
    if _caseless(core):
        matching = queryset.filter(name_normalized__contains=core)
    else:
        matching = queryset.filter(name_normalized__icontains=core)
    bigrams = _indexed_bigrams(core)
    vendor = connection.vendor
    if bigrams is None or vendor not in ("postgresql", "sqlite"):
        return matching
    table = connection.ops.quote_name(Subject._meta.db_table)
    if vendor == "postgresql":
        return matching.extra(  # constant SQL; the bigrams are a parameter
            where=[f"subject_name_bigrams({table}.name_normalized) @> %s::text[]"], params=[bigrams]
        )
    phrase = " AND ".join(f'"{bigram.encode().hex().upper()}"' for bigram in bigrams)
    return matching.extra(  # constant SQL; the MATCH text is a parameter
        where=[f"{table}.id IN (SELECT rowid FROM subjects_subject_bigrams WHERE subjects_subject_bigrams MATCH %s)"],
        params=[phrase],
    )


def _caseless(text: str) -> bool:
    return all(ch.lower() == ch.upper() for ch in text)


def _walk_shortest(core: str, wanted: int) -> list[Subject] | None:
    """PostgreSQL: the first `wanted` organisations, in rank order, whose name contains `core`
    but does not start with it, if there are that many among the WALK_BUDGET shortest names.

    A common fragment ("科技", "装饰工程") is answered here without reading its thousands of
    matches; None sends a rarer one to the bigram index. The comparison is the full scan's.
    """
    qn = connection.ops.quote_name
    escaped = connection.ops.prep_for_like_query(core)
    contains = "w.name_normalized LIKE %s" if _caseless(core) else "UPPER(w.name_normalized) LIKE UPPER(%s)"
    sql = (
        f"SELECT w.id FROM (SELECT id, name_normalized, length(name_normalized) AS n FROM {qn(Subject._meta.db_table)}"
        " WHERE kind = %s ORDER BY length(name_normalized), id LIMIT %s) AS w"
        f" WHERE {contains} AND NOT w.name_normalized LIKE %s ORDER BY w.n, w.id LIMIT %s"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [SubjectKind.ORG.value, WALK_BUDGET, f"%{escaped}%", f"{escaped}%", wanted])
        ids = [row[0] for row in cursor.fetchall()]
    if len(ids) < wanted:
        return None
    by_id = Subject.objects.in_bulk(ids)
    return [by_id[pk] for pk in ids]


def _leading_postgres(core: str, normalised: str, wanted: int) -> list[Subject]:
    """PostgreSQL: organisations whose name starts with `core` (not the exact name), in rank order.

    A prefix shared by up to PREFIX_SORT_LIMIT names is read whole from the prefix index (an
    index-only range scan) and sorted; a more common one ("西安") is answered by walking the names
    in rank order, where matches come at once.
    """
    qn = connection.ops.quote_name
    table = qn(Subject._meta.db_table)
    prefix = connection.ops.prep_for_like_query(core) + "%"
    params = [SubjectKind.ORG.value, prefix, normalised]
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT p.id, count(*) OVER () FROM (SELECT id, name_normalized FROM "
            f"{table} WHERE kind = %s AND name_normalized LIKE %s AND name_normalized <> %s LIMIT %s) AS p"
            " ORDER BY length(p.name_normalized), p.id LIMIT %s",
            [*params, PREFIX_SORT_LIMIT + 1, wanted],
        )
        rows = cursor.fetchall()
        if rows and rows[0][1] > PREFIX_SORT_LIMIT:
            cursor.execute(
                f"SELECT id FROM {table} WHERE kind = %s AND name_normalized LIKE %s AND name_normalized <> %s"
                " ORDER BY length(name_normalized), id LIMIT %s",
                [*params, wanted],
            )
            rows = cursor.fetchall()
    ids = [row[0] for row in rows]
    by_id = Subject.objects.in_bulk(ids)
    return [by_id[pk] for pk in ids]


def _persons_searchable(on: date) -> bool:
    """Whether the pack lets natural persons be found publicly (e.g. not 西安 第十七条)."""
    return get_policy(on=on).flag("disclosure.person_info_public")


def subject_search(query: str, *, limit: int = 20) -> list[Subject]:
    """Public search: an exact USCC, or a fragment of an organisation's name.

    The fragment is matched without its legal-form suffix, so "某某科技有限责任公司" also finds
    "某某科技有限公司"; exact and leading matches come first, then shorter names. Each rank is
    read by its own query ordered by (length, id), so a common fragment stops after `limit`
    rows instead of ranking every match. Natural persons are found only where the pack makes
    their information public, and only by their whole name (never by a fragment, which would
    list people, nor by an ID number); callers show them masked (`Subject.public_name`).
    """
    limit = max(1, min(limit, SEARCH_MAX_LIMIT))
    code = normalise_code(query)
    if _looks_like_code(code):
        return list(subjects_public().filter(uscc=code)[:1])
    normalised = normalise_name(query)
    if not normalised:
        return []
    core = name_core(normalised)
    kinds = [SubjectKind.ORG.value]
    if _persons_searchable(timezone.localdate()):
        kinds.append(SubjectKind.PERSON.value)
    found: list[Subject] = []
    by_length = ("name_length", "id")
    for kind in kinds:
        exact = Subject.objects.filter(kind=kind, name_normalized=normalised).order_by("id")
        found += list(exact[: limit - len(found)])
    orgs = Subject.objects.filter(kind=SubjectKind.ORG).annotate(name_length=Length("name_normalized"))
    postgres = connection.vendor == "postgresql"
    if postgres:
        found += _leading_postgres(core, normalised, limit - len(found))
    else:
        leading = orgs.filter(name_normalized__startswith=core).exclude(name_normalized=normalised)
        if _caseless(core):
            # SQLite's LIKE ignores ASCII case and so cannot use the name index; a range can.
            leading = leading.filter(name_normalized__gte=core, name_normalized__lt=core + "\U0010ffff")
        found += _by_ids(leading.order_by(*by_length), limit - len(found))
    if len(found) >= limit:
        return found
    walked = _walk_shortest(core, limit - len(found)) if postgres else None
    if walked is not None:
        return found + walked
    if postgres:
        # Ordered by an expression no index has, so that the planner reads the bigram index.
        orgs = Subject.objects.filter(kind=SubjectKind.ORG).annotate(name_length=Length("name_normalized") + 0)
    others = _name_matches(orgs, core).exclude(name_normalized__startswith=core).order_by(*by_length)
    return found + _by_ids(others, limit - len(found))


def _by_ids(ranked: QuerySet[Subject], count: int) -> list[Subject]:
    """The first `count` subjects of `ranked`, read as ids first: walking an index in rank order
    then needs no table row for the names it passes over (an index-only scan on PostgreSQL)."""
    ids = list(ranked.values_list("id", flat=True)[:count])
    by_id = Subject.objects.in_bulk(ids)
    return [by_id[pk] for pk in ids]


def subject_get(subject_id: int) -> Subject:
    try:
        return Subject.objects.get(pk=subject_id)
    except Subject.DoesNotExist:
        raise NotFound(f"信用主体“{subject_id}”不存在") from None


def subject_find_by_uscc(uscc: str) -> Subject | None:
    code = normalise_code(uscc)
    if "\x00" in code:  # no code holds one, and PostgreSQL refuses it in a text parameter
        return None
    return Subject.objects.filter(uscc=code).first()


def subject_find_by_id_number(id_number: str) -> Subject | None:
    """Look a person up by the keyed index; for services and staff, never for a URL parameter."""
    value = normalise_code(id_number)
    if not value:
        return None
    return Subject.objects.filter(id_number_index=blind_index(value)).first()
