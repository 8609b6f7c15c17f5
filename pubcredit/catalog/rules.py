"""Rules of the regulation about what the catalogue may contain.

The forbidden and consent-only kinds of personal information are kept as data with their
articles, so that a new jurisdiction's list is a table edit, and a refusal can name the article.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from pubcredit.catalog.fields import FieldSpec
from pubcredit.core.errors import ValidationFailed

INFO_CLASSES: dict[str, str] = {
    "registration": "登记类",
    "qualification": "资质类",
    "commendation": "表彰类",
    "supervision": "监管类",
    "judgment": "判决类",
}
KINDS: dict[str, str] = {"basic": "基本信息", "good": "良好信息", "bad": "不良信息"}
OPENNESS: dict[str, str] = {
    "public": "公开",
    "restricted": "非公开（依申请/授权）",
    "sharing_only": "仅政务共享",
}
PERIOD_MODES: dict[str, str] = {
    "pack": "按政策包及国家分级规定",
    "months": "按目录约定的月数",
    "long_term": "长期",
}
CODE_RE = re.compile(r"^[A-Z][A-Z0-9_]{0,19}$")


@dataclass(frozen=True)
class PersonalInfoRule:
    """A kind of personal information the regulation restricts, and how to recognise a field for it."""

    topic: str
    labels: tuple[str, ...]
    names: tuple[str, ...]
    article: str


_PERSONAL_INFO_ARTICLES = "西安 第十四条；元宝山 第十二条"

# 禁止归集/采集自然人的宗教信仰、基因、指纹、血型、疾病、病史信息 (西安 第十四条, 元宝山 第十二条).
FORBIDDEN_PERSONAL_INFO: tuple[PersonalInfoRule, ...] = (
    PersonalInfoRule(
        "宗教信仰",
        ("宗教", "信仰"),
        ("religion", "religious", "faith", "zongjiao", "zongjiao_xinyang"),
        _PERSONAL_INFO_ARTICLES,
    ),
    PersonalInfoRule(
        "基因", ("基因", "DNA"), ("gene", "genes", "genetic", "genome", "dna", "jiyin"), _PERSONAL_INFO_ARTICLES
    ),
    PersonalInfoRule("指纹", ("指纹",), ("fingerprint", "fingerprints", "zhiwen"), _PERSONAL_INFO_ARTICLES),
    PersonalInfoRule("血型", ("血型",), ("blood_type", "blood_group", "bloodtype", "xuexing"), _PERSONAL_INFO_ARTICLES),
    PersonalInfoRule(
        "疾病",
        ("疾病", "患病", "病情"),
        ("disease", "diseases", "illness", "diagnosis", "jibing"),
        _PERSONAL_INFO_ARTICLES,
    ),
    PersonalInfoRule(
        "病史",
        ("病史", "既往病", "病历"),
        ("medical_history", "medical_record", "medical_records", "bingshi"),
        _PERSONAL_INFO_ARTICLES,
    ),
)

# 未经本人书面同意，不得归集收入、存款、有价证券、商业保险、不动产和纳税数额 (西安 第十四条, 元宝山 第十二条).
CONSENT_PERSONAL_INFO: tuple[PersonalInfoRule, ...] = (
    PersonalInfoRule("收入", ("收入", "工资", "薪酬"), ("income", "salary", "shouru"), _PERSONAL_INFO_ARTICLES),
    PersonalInfoRule("存款", ("存款",), ("deposit", "deposits", "savings"), _PERSONAL_INFO_ARTICLES),
    PersonalInfoRule("有价证券", ("有价证券", "证券", "股票"), ("securities", "stocks"), _PERSONAL_INFO_ARTICLES),
    PersonalInfoRule("商业保险", ("商业保险",), ("commercial_insurance",), _PERSONAL_INFO_ARTICLES),
    PersonalInfoRule("不动产", ("不动产", "房产"), ("real_estate", "realty"), _PERSONAL_INFO_ARTICLES),
    PersonalInfoRule(
        "纳税数额", ("纳税数额", "纳税额", "纳税金额"), ("tax_amount", "tax_paid"), _PERSONAL_INFO_ARTICLES
    ),
)

# Field names are matched as whole tokens: "gene" must not catch "general", nor "xx" catch "xxdz".
_SPLIT_RE = re.compile(r"[_\W]+|(?<=[a-z])(?=[A-Z])")


def _tokens(name: str) -> list[str]:
    return [t.lower() for t in _SPLIT_RE.split(name) if t]


def _name_matches(name: str, candidates: Sequence[str]) -> bool:
    tokens = _tokens(name)
    joined = "_".join(tokens)
    for candidate in candidates:
        cand_tokens = candidate.split("_")
        n = len(cand_tokens)
        if any(tokens[i : i + n] == cand_tokens for i in range(len(tokens) - n + 1)):
            return True
        if joined == candidate:
            return True
    return False


def match_personal_info(spec: FieldSpec, table: Sequence[PersonalInfoRule]) -> PersonalInfoRule | None:
    """The first rule of `table` that the field's label, aliases or name points at, if any."""
    texts = (spec.label, *spec.aliases)
    for rule in table:
        if any(word.upper() in text.upper() for text in texts for word in rule.labels):
            return rule
        ascii_names = [spec.name, *(a for a in spec.aliases if a.isascii())]
        if any(_name_matches(n, rule.names) for n in ascii_names):
            return rule
    return None


def check_personal_fields(specs: Sequence[FieldSpec], subject_kinds: Sequence[str]) -> None:
    """Refuse fields about forbidden personal information; require consent marking where due.

    Forbidden topics are refused on every item, because organisation items carry persons too
    (legal representatives, directors). Consent-only topics must be marked `sensitivity="consent"`
    on items about natural persons.
    """
    for spec in specs:
        rule = match_personal_info(spec, FORBIDDEN_PERSONAL_INFO)
        if rule is not None:
            raise ValidationFailed(
                f"字段“{spec.label}”（{spec.name}）涉及自然人的{rule.topic}信息，依{rule.article}禁止归集",
                field=spec.name,
            )
    if "person" not in subject_kinds:
        return
    for spec in specs:
        rule = match_personal_info(spec, CONSENT_PERSONAL_INFO)
        if rule is not None and spec.sensitivity != "consent":
            raise ValidationFailed(
                f"字段“{spec.label}”（{spec.name}）涉及自然人的{rule.topic}信息，依{rule.article}须经本人书面同意方可归集，"
                "请将敏感级别设为“须本人书面同意”（consent）",
                field=spec.name,
            )


def check_period_rule(rule: Any) -> dict[str, Any]:
    """The catalogue's disclosure-period rule (西安 第二十一条: 披露期限由目录约定).

    `{"mode": "pack"}` follows the pack and the national tiers, optionally with
    `"catalogue_months"`: the catalogue's own period used only when neither the pack nor a
    national tier sets one; `{"mode": "months", "months": N}` is the catalogue's period;
    `{"mode": "long_term"}` is long-term disclosure.
    """
    if not isinstance(rule, dict) or rule.get("mode") not in PERIOD_MODES:
        raise ValidationFailed(
            f"披露期限规则“{rule!r}”无效：mode 须为 {'、'.join(PERIOD_MODES)} 之一", field="period_rule"
        )
    mode = rule["mode"]
    allowed = {"pack": {"mode", "catalogue_months"}, "months": {"mode", "months"}, "long_term": {"mode"}}[mode]
    extra = sorted(set(rule) - allowed)
    if extra:
        raise ValidationFailed(f"披露期限规则（{mode}）含有未知项：{'、'.join(extra)}", field="period_rule")
    for key in ("months", "catalogue_months"):
        if key in rule or (mode == "months" and key == "months"):
            months = rule.get(key)
            if not isinstance(months, int) or isinstance(months, bool) or not 0 < months <= 1200:
                raise ValidationFailed(f"披露期限月数“{months!r}”无效：须为 1 至 1200 的整数", field="period_rule")
    return dict(rule)


def check_item_header(
    *,
    code: str,
    name: str,
    info_class: str,
    kind: str,
    subject_kinds: Sequence[str],
    openness: str,
    reporting_wd: int | None,
) -> None:
    """The plain attributes of an item; fields and period are checked by their own functions."""
    if not CODE_RE.match(code or ""):
        raise ValidationFailed(
            f"目录项编码“{code}”无效：须为大写英文字母开头，只含大写字母、数字和下划线，最长 20 位", field="code"
        )
    if not name or not name.strip():
        raise ValidationFailed("目录项名称不能为空", field="name")
    if info_class not in INFO_CLASSES:
        raise ValidationFailed(f"信息类别“{info_class}”无效，可选：{'、'.join(INFO_CLASSES)}", field="info_class")
    if kind not in KINDS:
        raise ValidationFailed(f"信息性质“{kind}”无效，可选：{'、'.join(KINDS)}", field="kind")
    if not subject_kinds or any(k not in ("org", "person") for k in subject_kinds):
        raise ValidationFailed(
            f"适用主体“{list(subject_kinds)}”无效：须为 org、person 的非空列表", field="subject_kinds"
        )
    if len(set(subject_kinds)) != len(subject_kinds):
        raise ValidationFailed(f"适用主体“{list(subject_kinds)}”有重复", field="subject_kinds")
    if openness not in OPENNESS:
        raise ValidationFailed(f"公开属性“{openness}”无效，可选：{'、'.join(OPENNESS)}", field="openness")
    if reporting_wd is not None and (isinstance(reporting_wd, bool) or not 0 <= reporting_wd <= 365):
        raise ValidationFailed(f"报送时限“{reporting_wd}”个工作日无效：须为 0 至 365", field="reporting_wd")
