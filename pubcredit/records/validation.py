"""Checking one incoming record and computing what is stored with it.

Shared by the single write and the bulk load so that both refuse the same rows with the same
Chinese message naming the row, the field and the reason (core invariant: a batch lands whole or
not at all). Policies, field sets, and deadlines are cached on a `RecordContext` so that a load of
100,000 rows reads each of them once.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from pubcredit.catalog.fields import SUBJECT_KINDS, FieldSet
from pubcredit.catalog.models import CatalogItem
from pubcredit.core.crypto import sm3_hex
from pubcredit.core.errors import ValidationFailed
from pubcredit.core.workdays import CalendarOutOfRange, LayeredCalendar, database_calendar, deadline_after
from pubcredit.policy import Policy, get_policy
from pubcredit.records.rules import TIERS, PeriodDecision, disclosure_period, tiers_in_force

MAX_LISTED_PROBLEMS = 20


@dataclass(frozen=True)
class RowProblem:
    """One reason a row was refused; `row` is None for a single write."""

    row: int | None
    field: str
    value: Any
    message: str

    def text(self) -> str:
        return f"第 {self.row} 行：{self.message}" if self.row is not None else self.message


class RecordRejected(ValidationFailed):
    """A record or a batch refused; `problems` lists every reason, `message` the first ones."""

    def __init__(self, problems: list[RowProblem]) -> None:
        shown = "；".join(p.text() for p in problems[:MAX_LISTED_PROBLEMS])
        if len(problems) > MAX_LISTED_PROBLEMS:
            shown += f"；……共 {len(problems)} 处问题"
        first = problems[0]
        super().__init__(shown, field=first.field)
        self.problems = problems


@dataclass(frozen=True)
class Prepared:
    """Everything computed for one acceptable row, ready to be stored."""

    values: dict[str, Any]
    period: PeriodDecision
    report_due_on: dt.date | None
    report_due_provisional: bool
    report_wd: int | None
    basis: dict[str, Any]


class RecordContext:
    """Caches for one write or one batch: today, the working-day calendar, policies, field sets."""

    def __init__(self, today: dt.date, *, pack: str | None = None) -> None:
        self.today = today
        self.pack = pack
        self._calendar: LayeredCalendar | None = None
        self._policies: dict[dt.date, Policy] = {}
        self._fieldsets: dict[int, FieldSet] = {}
        self._deadlines: dict[tuple[dt.date, int], tuple[dt.date | None, bool]] = {}
        self._tiers: dict[dt.date, str | None] = {}
        self._bases: dict[str, int] = {}
        self._digests: dict[int, tuple[Mapping[str, Any], str]] = {}
        self._pending: dict[str, tuple[int, dict[str, Any]]] = {}
        self._placeholders: dict[int, int] = {}
        self.derived: dict[tuple[Any, ...], Derived] = {}

    def policy(self, on: dt.date) -> Policy:
        found = self._policies.get(on)
        if found is None:
            found = self._policies[on] = get_policy(on=on, pack=self.pack)
        return found

    def basis_id(self, content: Mapping[str, Any], *, later: bool = False) -> int:
        """The stored basis with this content, created on first use; one query per distinct basis.

        With `later=True` nothing is read now: a negative placeholder comes back, and
        `store_pending_bases` then stores every new basis of a batch with two queries.
        """
        # Rows share the basis objects `derive` caches: hash each object once, not once per row
        # (the object is kept here, so its id cannot be reused for another).
        known = self._digests.get(id(content))
        if known is None or known[0] is not content:
            known = self._digests[id(content)] = (content, basis_digest(content))
        digest = known[1]
        found = self._bases.get(digest)
        if found is not None:
            return found
        if later:
            placeholder = self._pending.setdefault(digest, (-(len(self._pending) + 1), dict(content)))[0]
            return placeholder
        from pubcredit.records.models import DisclosureBasis

        basis, _created = DisclosureBasis.objects.get_or_create(digest=digest, defaults={"content": content})
        self._bases[digest] = basis.pk
        return basis.pk

    def store_pending_bases(self) -> None:
        if not self._pending:
            return
        from pubcredit.records.models import DisclosureBasis

        pending, self._pending = self._pending, {}
        DisclosureBasis.objects.bulk_create(
            [DisclosureBasis(digest=d, content=c) for d, (_p, c) in pending.items()], ignore_conflicts=True
        )
        found = dict(DisclosureBasis.objects.filter(digest__in=list(pending)).values_list("digest", "pk"))
        for digest, (placeholder, _content) in pending.items():
            self._bases[digest] = found[digest]
            self._placeholders[placeholder] = found[digest]

    def resolved_basis(self, basis_id: int) -> int:
        return self._placeholders.get(basis_id, basis_id)

    def tiers_article(self, decided_on: dt.date) -> str | None:
        """The article requiring a tier for bad information decided on that day, or None before it."""
        if decided_on not in self._tiers:
            policy = self.policy(decided_on)
            self._tiers[decided_on] = (
                policy.param("disclosure.tier_max_months.severe").article if tiers_in_force(policy) else None
            )
        return self._tiers[decided_on]

    def fieldset(self, item: CatalogItem) -> FieldSet:
        found = self._fieldsets.get(item.pk)
        if found is None:
            found = self._fieldsets[item.pk] = FieldSet(item.field_specs())
        return found

    def deadline(self, received_on: dt.date, wd: int) -> tuple[dt.date | None, bool]:
        """The reporting deadline; None when the day lies outside every known calendar."""
        key = (received_on, wd)
        if key not in self._deadlines:
            if self._calendar is None:
                self._calendar = database_calendar()
            try:
                found = deadline_after(received_on, wd, source=self._calendar)
                self._deadlines[key] = (found.date, found.provisional)
            except CalendarOutOfRange:
                self._deadlines[key] = (None, False)
        return self._deadlines[key]


def reporting_wd(item: CatalogItem, policy: Policy) -> int | None:
    """Working days allowed to report: the item's own, else 双公示 from the pack (元宝山方案 五（三）)."""
    if item.reporting_wd is not None:
        return item.reporting_wd
    if item.dual_publicity:
        return policy.integer("collection.dual_publicity_wd")
    return None


def subject_kind_problem(
    item: CatalogItem, subject_kind: str, *, row: int | None, field: str = "subject"
) -> RowProblem | None:
    """The refusal of a subject kind the item does not apply to, or None."""
    if subject_kind in item.subject_kinds:
        return None
    allowed = "、".join(SUBJECT_KINDS[k] for k in item.subject_kinds)
    kind_label = SUBJECT_KINDS.get(subject_kind, subject_kind)
    return RowProblem(
        row, field, subject_kind, f"目录项“{item.name}”（{item.code}）只适用于{allowed}，不适用于{kind_label}"
    )


def check_envelope(
    ctx: RecordContext,
    *,
    row: int | None,
    item: CatalogItem,
    subject_kind: str,
    source_ref: Any,
    decided_on: Any,
    end_date: Any,
    tier: Any,
) -> list[RowProblem]:
    """Check what a record is besides its field values: subject kind, reference, dates and tier."""
    problems: list[RowProblem] = []

    def refuse(field: str, value: Any, message: str) -> None:
        problems.append(RowProblem(row, field, value, message))

    kind_problem = subject_kind_problem(item, subject_kind, row=row)
    if kind_problem is not None:
        problems.append(kind_problem)
    if not isinstance(source_ref, str) or len(source_ref) > 200:
        refuse("source_ref", source_ref, f"来源文号“{source_ref}”无效：须为不超过 200 个字符的文本")
    if not isinstance(decided_on, dt.date) or isinstance(decided_on, dt.datetime):
        refuse("decided_on", decided_on, f"决定日期“{decided_on}”不是有效日期")
        decided_on = None
    elif decided_on > ctx.today:
        refuse(
            "decided_on",
            decided_on,
            f"决定日期 {decided_on.isoformat()} 晚于今天 {ctx.today.isoformat()}，不能是将来的日期",
        )
        decided_on = None
    if end_date is not None:
        if not isinstance(end_date, dt.date) or isinstance(end_date, dt.datetime):
            refuse("end_date", end_date, f"认定终止之日“{end_date}”不是有效日期")
        elif end_date > ctx.today:
            refuse(
                "end_date",
                end_date,
                f"认定终止之日 {end_date.isoformat()} 晚于今天 {ctx.today.isoformat()}，不能是将来的日期",
            )
        elif decided_on is not None and end_date < decided_on:
            refuse(
                "end_date",
                end_date,
                f"认定终止之日 {end_date.isoformat()} 早于决定日期 {decided_on.isoformat()}",
            )
    if tier is not None and tier not in TIERS:
        refuse("tier", tier, f"失信等级“{tier}”无效，可选：minor（轻微）、general（一般）、severe（严重）")
    elif tier is not None and item.kind != "bad":
        refuse("tier", tier, f"失信等级只适用于不良信息，目录项“{item.name}”（{item.code}）不是不良信息")
    elif tier is None and item.kind == "bad" and decided_on is not None:
        article = ctx.tiers_article(decided_on)
        if article is not None:
            refuse(
                "tier",
                None,
                f"决定日期 {decided_on.isoformat()} 起不良信息须注明失信等级（轻微/一般/严重，{article}）",
            )
    return problems


@dataclass(frozen=True)
class Derived:
    """What the rules compute for a record from its item, dates, tier and subject kind."""

    period: PeriodDecision
    report_due_on: dt.date | None
    report_due_provisional: bool
    report_wd: int | None
    basis: dict[str, Any]


def derive(
    ctx: RecordContext,
    *,
    item: CatalogItem,
    subject_kind: str,
    decided_on: dt.date,
    end_date: dt.date | None,
    tier: str | None,
) -> Derived:
    """The period, the reporting deadline and the `explain` basis; cached, as most rows share them."""
    key = (item.pk, subject_kind, decided_on, end_date, tier)
    found = ctx.derived.get(key)
    if found is not None:
        return found
    policy = ctx.policy(decided_on)
    period = disclosure_period(
        item=item,
        kind=item.kind,
        info_class=item.info_class,
        tier=tier,
        decided_on=decided_on,
        end_date=end_date,
        subject_kind=subject_kind,
        policy=policy,
    )
    wd = reporting_wd(item, policy)
    due, provisional = ctx.deadline(decided_on, wd) if wd is not None else (None, False)
    basis = {
        "policy": policy.code,
        "policy_on": decided_on.isoformat(),
        "rules": period.basis,
        "summary": period.summary,
        "retention_ends_on": period.retention_ends_on.isoformat() if period.retention_ends_on else None,
        "report_wd": wd,
    }
    found = ctx.derived[key] = Derived(period, due, provisional, wd, basis)
    return found


def check_and_prepare(
    ctx: RecordContext,
    *,
    row: int | None,
    item: CatalogItem,
    subject_kind: str,
    source_ref: str,
    decided_on: Any,
    end_date: Any,
    tier: Any,
    data: Any,
    data_checked: bool = False,
) -> tuple[Prepared | None, list[RowProblem]]:
    """Check one row against its catalogue item and the policy; compute its period and deadline.

    `data_checked` says the values already went through the item's field parsing (a re-sent batch
    row): they are taken as they are, since parsing twice would refuse the masked ID numbers.
    """
    problems = check_envelope(
        ctx,
        row=row,
        item=item,
        subject_kind=subject_kind,
        source_ref=source_ref,
        decided_on=decided_on,
        end_date=end_date,
        tier=tier,
    )
    values: dict[str, Any] = {}
    if not isinstance(data, Mapping):
        problems.append(RowProblem(row, "data", data, "记录内容须为“字段: 值”的对象"))
    elif data_checked:
        values = dict(data)
    else:
        parsed = ctx.fieldset(item).parse(data, subject_kind=subject_kind)
        values = parsed.values
        problems.extend(RowProblem(row, p.field, p.value, p.message) for p in parsed.problems)
    if problems:
        return None, problems
    derived = derive(ctx, item=item, subject_kind=subject_kind, decided_on=decided_on, end_date=end_date, tier=tier)
    return Prepared(
        values,
        derived.period,
        derived.report_due_on,
        derived.report_due_provisional,
        derived.report_wd,
        derived.basis,
    ), problems


def basis_digest(content: Mapping[str, Any]) -> str:
    """SM3 of the canonical JSON, the identity of a stored basis."""
    text = json.dumps(content, ensure_ascii=False, sort_keys=True, separators=(",", ":"), default=str)
    return sm3_hex(text.encode())
