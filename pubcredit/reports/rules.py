"""Pure rules of credit reports: numbers, spans, the 信用代证 fields, and the notes on what a
version does not disclose and why (GB/T 42337-2023 asks a report to say so).

Nothing here reads the database: the callers pass the policy and the facts.
"""

from __future__ import annotations

import datetime as dt
import secrets
from dataclasses import dataclass

from pubcredit.core.errors import ValidationFailed
from pubcredit.disclosure.viewers import ViewerKind
from pubcredit.policy import Policy

#: The line a 信用代证 report prints for a field with nothing in it.
NOT_FOUND = "未发现相关记录"

# Report numbers: "XY" + the generation day + 10 random characters, so that a number cannot be
# guessed from another one (verification tells the subject and the time to whoever holds it).
_NUMBER_ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"  # no 0/O, 1/I: read aloud and typed in
NUMBER_RANDOM_LENGTH = 10
NUMBER_LENGTH = 2 + 8 + NUMBER_RANDOM_LENGTH


def report_number(day: dt.date, token: str | None = None) -> str:
    random_part = token or "".join(secrets.choice(_NUMBER_ALPHABET) for _ in range(NUMBER_RANDOM_LENGTH))
    return f"XY{day:%Y%m%d}{random_part}"


def number_is_well_formed(number: str) -> bool:
    return (
        len(number) == NUMBER_LENGTH
        and number.startswith("XY")
        and number[2:10].isdigit()
        and all(ch in _NUMBER_ALPHABET for ch in number[10:])
    )


@dataclass(frozen=True)
class SpecialField:
    """One field a subject may put on a 信用代证 report: catalogue items, or a list kind."""

    code: str
    label: str
    item_codes: tuple[str, ...] = ()
    list_kind: str | None = None


# The catalogue item codes come from the seed catalogue (pubcredit/catalog/seed): CF 行政处罚信息,
# QZ 行政强制信息, XSPJ 刑事判决信息, SX 失信被执行人信息; the severe dishonesty list is the
# lists app's black list (严重失信主体名单).
SPECIAL_FIELDS: tuple[SpecialField, ...] = (
    SpecialField("penalty", "行政处罚", item_codes=("CF",)),
    SpecialField("compulsion", "行政强制", item_codes=("QZ",)),
    SpecialField("severe_list", "严重失信主体名单", list_kind="black"),
    SpecialField("criminal", "刑事判决", item_codes=("XSPJ",)),
    SpecialField("enforcement", "失信被执行人", item_codes=("SX",)),
)
SPECIAL_FIELD_CODES = tuple(f.code for f in SPECIAL_FIELDS)
_BY_CODE = {f.code: f for f in SPECIAL_FIELDS}


def clean_special_fields(codes: list[str] | tuple[str, ...]) -> tuple[SpecialField, ...]:
    """The chosen fields in the fixed order, each unknown code refused by name."""
    cleaned = [str(code).strip() for code in codes if str(code).strip()]
    if not cleaned:
        raise ValidationFailed("信用代证报告须至少选择一个证明事项", field="fields")
    for code in cleaned:
        if code not in _BY_CODE:
            allowed = "、".join(f"{f.code}（{f.label}）" for f in SPECIAL_FIELDS)
            raise ValidationFailed(f"证明事项“{code[:30]}”不存在，可选：{allowed}", field="fields")
    chosen = set(cleaned)
    return tuple(f for f in SPECIAL_FIELDS if f.code in chosen)


def clean_span(span_from: dt.date | None, span_to: dt.date | None, *, today: dt.date) -> tuple[dt.date, dt.date]:
    """The report's time span: both days given, in order, not in the future."""
    if span_from is None:
        raise ValidationFailed("须填写报告时间范围的起始日期", field="span_from")
    if span_to is None:
        raise ValidationFailed("须填写报告时间范围的截止日期", field="span_to")
    if span_to > today:
        raise ValidationFailed(
            f"截止日期 {span_to.isoformat()} 晚于今天 {today.isoformat()}，报告不能包含将来的日期", field="span_to"
        )
    if span_from > span_to:
        raise ValidationFailed(
            f"起始日期 {span_from.isoformat()} 晚于截止日期 {span_to.isoformat()}", field="span_from"
        )
    return span_from, span_to


def in_span(kind: str, decided_on: dt.date, span: tuple[dt.date, dt.date]) -> bool:
    """Basic information describes the subject as it is and is always included; good and bad
    information is included when it was decided inside the span."""
    return kind == "basic" or span[0] <= decided_on <= span[1]


@dataclass(frozen=True)
class Note:
    """One sentence of the report's "not disclosed and why" section, with what says so."""

    text: str
    basis: str


def _param_note(policy: Policy, key: str, text: str) -> Note:
    param = policy.param(key)
    return Note(text, f"{param.article}（{key}）")


def undisclosed_notes(
    *,
    viewer_kind: ViewerKind,
    policy: Policy,
    subject_kind: str,
    items_out_of_scope: list[tuple[str, str]] | None = None,
    special: bool = False,
) -> list[Note]:
    """What this version leaves out and why, from the pack in force and the viewer."""
    notes: list[Note] = []
    if special:
        notes.append(
            Note(
                "本报告为信用代证专用版，仅就信息主体选择的事项在报告时间范围内的记录出具证明，未选择的事项不载明；"
                "某一事项没有记录的，注明“未发现相关记录”",
                "信息主体的申请",
            )
        )
    if viewer_kind is ViewerKind.PUBLIC:
        if subject_kind == "person" and policy.param("disclosure.person_info_public").value is False:
            notes.append(
                _param_note(
                    policy,
                    "disclosure.person_info_public",
                    "自然人的信用信息属非公开信息，公开版不载明自然人的任何信用记录",
                )
            )
        notes.append(
            Note(
                "公共信用信息目录中开放属性为“非公开”或“仅政务共享”的事项不对社会公开，公开版不载明",
                "公共信用信息目录（开放属性）",
            )
        )
        key = "disclosure.after_period_person" if subject_kind == "person" else "disclosure.after_period_org"
        notes.append(_param_note(policy, key, "披露期限届满的信息不再公开披露"))
        effect = policy.param("objection.effect_while_open")
        if effect.value == "suspend":
            notes.append(_param_note(policy, "objection.effect_while_open", "处于异议处理期间的信息暂停披露"))
        else:
            notes.append(_param_note(policy, "objection.effect_while_open", "处于异议处理期间的信息注明“异议处理中”"))
        after = policy.param("repair.after_repair")
        if after.value == "withhold":
            notes.append(_param_note(policy, "repair.after_repair", "已信用修复的失信信息不再公开披露"))
        if policy.param("disclosure.subject_may_hide_good").value in ("withhold", "delete"):
            notes.append(
                _param_note(policy, "disclosure.subject_may_hide_good", "信息主体要求不予披露的良好信息不载明")
            )
        notes.append(Note("异议及信用修复办理情况属信息主体的非公开信息，公开版不载明", "平台规则"))
    elif viewer_kind is ViewerKind.SUBJECT:
        if not special:
            notes.append(
                Note(
                    "本报告为信息主体本人查询的完整版，载明全部保存中的信息（含非公开信息），每条记录注明其对社会公开的状态；"
                    "已删除、已撤销的信息不载明",
                    "西安 第十九条（信息主体查询本人非公开信息）",
                )
            )
        notes.append(
            Note("本报告可能载有非公开信息，仅供信息主体本人使用，是否向第三方提供由信息主体自行决定", "平台规则")
        )
    elif viewer_kind is ViewerKind.AUTHORISED:
        notes.append(
            Note(
                "本报告依信息主体的书面授权生成，仅载明授权范围内的事项，限于授权用途使用，未经信息主体同意不得提供给第三方",
                "大连 第十二条；西安 第十九条",
            )
        )
        if items_out_of_scope:
            names = "、".join(f"{name}（{code}）" for code, name in items_out_of_scope)
            notes.append(Note(f"以下事项不在授权范围内，不予载明：{names}", "授权书载明的查询事项"))
        notes.append(
            Note("仅用于政务共享的事项、超过查询期限或处于暂停披露状态的信息不载明", "公共信用信息目录；所在地规定")
        )
    return notes
