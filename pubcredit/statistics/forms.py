"""The dashboard's filter: a period in whole months, and optionally one organisation or one district.

The same GET parameters (`from`, `to`, `provider`, `district`) drive the page and every chart's
workbook, so a download always matches what is on screen. Every refusal names the value and the
reason in Chinese, and no figure is shown for a filter that was refused.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from typing import Any

from django import forms

from pubcredit.records.rules import add_months
from pubcredit.statistics.selectors import TallyFilter

#: The longest period one page may sum: ten years of months keeps every chart readable.
MAX_MONTHS = 120
#: The default period: the last twelve months up to the current one.
DEFAULT_MONTHS = 12

_MONTH_RE = re.compile(r"(\d{4})-(\d{1,2})")


def months_between(first: dt.date, last: dt.date) -> int:
    """How many months a period from `first` to `last` (both first days, inclusive) spans."""
    return (last.year - first.year) * 12 + last.month - first.month + 1


def month_label(month: dt.date) -> str:
    return f"{month.year:04d}-{month.month:02d}"


def _parse_month(text: str, label: str) -> dt.date:
    match = _MONTH_RE.fullmatch(text)
    if match is None:
        raise forms.ValidationError(f"{label}“{text}”不是有效的年月，请按 YYYY-MM 填写（例如 2026-01）。")
    year, month = int(match.group(1)), int(match.group(2))
    if not 1 <= month <= 12 or year < 1900:
        raise forms.ValidationError(f"{label}“{text}”不是有效的年月：月份应为 01 至 12，年份不早于 1900 年。")
    return dt.date(year, month, 1)


class DashboardFilterForm(forms.Form):
    """`organisations` (id to name) and `districts` are the choices the page offers; anything else
    is refused rather than silently ignored, so a mistyped link never shows the wrong figures."""

    def __init__(
        self,
        data: Mapping[str, Any] | None,
        *,
        today: dt.date,
        organisations: Mapping[int, str],
        districts: list[str],
    ) -> None:
        super().__init__(data)
        self.current_month = today.replace(day=1)
        self.organisations = dict(organisations)
        self.district_choices = list(districts)
        self.fields["from"] = forms.CharField(label="起始月份", required=False, max_length=20, strip=True)
        self.fields["to"] = forms.CharField(label="截止月份", required=False, max_length=20, strip=True)
        self.fields["provider"] = forms.CharField(label="单位", required=False, max_length=20, strip=True)
        self.fields["district"] = forms.CharField(label="地区", required=False, max_length=60, strip=True)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        errors: list[str] = []
        month_to = self.current_month
        month_from: dt.date | None = None
        try:
            if data.get("to"):
                month_to = _parse_month(data["to"], "截止月份")
        except forms.ValidationError as exc:
            errors.extend(exc.messages)
        try:
            if data.get("from"):
                month_from = _parse_month(data["from"], "起始月份")
        except forms.ValidationError as exc:
            errors.extend(exc.messages)
        if month_from is None:
            month_from = add_months(month_to, 1 - DEFAULT_MONTHS)
        if not errors:
            if month_from > month_to:
                errors.append(
                    f"起始月份 {month_label(month_from)} 晚于截止月份 {month_label(month_to)}，请调换或重新选择。"
                )
            elif (span := months_between(month_from, month_to)) > MAX_MONTHS:
                errors.append(
                    f"统计期间 {month_label(month_from)} 至 {month_label(month_to)} 共 {span} 个月，"
                    f"超过 {MAX_MONTHS} 个月的上限，请缩短期间。"
                )
        organisation_id: int | None = None
        provider = data.get("provider") or ""
        if provider:
            if not provider.isdigit() or int(provider) not in self.organisations:
                errors.append(f"单位编号“{provider}”不存在或没有统计数据，请从列表中选择。")
            else:
                organisation_id = int(provider)
        district = data.get("district") or ""
        if district and district not in self.district_choices:
            errors.append(f"地区“{district}”不在可选范围内（没有该地区单位的统计数据），请从列表中选择。")
        if errors:
            raise forms.ValidationError(errors)
        data["where"] = TallyFilter(
            month_from=month_from, month_to=month_to, organisation_id=organisation_id, district=district
        )
        return data

    @property
    def where(self) -> TallyFilter:
        """The valid filter (call after `is_valid()` returned True)."""
        return self.cleaned_data["where"]

    def describe(self) -> list[tuple[str, str]]:
        """The filter in words, for the page heading and the workbook's header rows."""
        where = self.where
        organisation = self.organisations.get(where.organisation_id or 0, "全部") if where.organisation_id else "全部"
        return [
            ("统计期间", f"{month_label(where.month_from)} 至 {month_label(where.month_to)}"),
            ("单位", organisation),
            ("地区", where.district or "全部"),
        ]
