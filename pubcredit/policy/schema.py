"""The declared policy keys: the one list every pack is checked against.

Other apps read these keys by name, so the names, types and allowed values are part of the
platform's interface; adding a key here means giving it a value in `packs/national.toml`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Kind = Literal["int", "bool", "enum", "enum_list"]

#: Article text of a value the regulation texts do not give: the platform chose it (a note says why).
PLATFORM_DEFAULT = "平台默认"

CLASS_CODES = ("registration", "qualification", "commendation", "supervision", "judgment")
TIER_CODES = ("minor", "general", "severe")


@dataclass(frozen=True, slots=True)
class KeySpec:
    """One policy key: its type, whether it may be unset (None), and the allowed values."""

    key: str
    kind: Kind
    nullable: bool = False
    choices: tuple[str, ...] = ()
    meaning: str = ""

    def describe_type(self) -> str:
        if self.kind == "int":
            base = "a non-negative integer"
        elif self.kind == "bool":
            base = "true or false"
        elif self.kind == "enum":
            base = "one of " + ", ".join(repr(c) for c in self.choices)
        else:
            base = "a list of distinct values from " + ", ".join(repr(c) for c in self.choices)
        return base + (" (or unset = true)" if self.nullable else "")


def _int(key: str, meaning: str, *, nullable: bool = True) -> KeySpec:
    return KeySpec(key, "int", nullable=nullable, meaning=meaning)


def _bool(key: str, meaning: str) -> KeySpec:
    return KeySpec(key, "bool", meaning=meaning)


def _enum(key: str, choices: tuple[str, ...], meaning: str) -> KeySpec:
    return KeySpec(key, "enum", choices=choices, meaning=meaning)


def _enum_list(key: str, choices: tuple[str, ...], meaning: str) -> KeySpec:
    return KeySpec(key, "enum_list", choices=choices, meaning=meaning)


_SPECS: tuple[KeySpec, ...] = (
    # Who can be a subject.
    _int("subjects.person_age_floor", "minimum age in years on the decision date for a natural person"),
    _int("subjects.person_residency_min_years", "minimum years of residence for a natural person"),
    _bool("subjects.sole_trader_is_person", "sole traders (个体工商户) are counted as natural persons"),
    # Disclosure.
    _bool("disclosure.person_info_public", "natural persons' records may be shown on the public portal"),
    _enum("disclosure.period_start", ("end_date", "decided_on"), "the day the disclosure period counts from"),
    _int("disclosure.bad_period_months", "one disclosure period for bad information set by the jurisdiction"),
    _enum_list("disclosure.bad_period_classes", CLASS_CODES, "classes disclosure.bad_period_months applies to"),
    *(
        _int(f"disclosure.tier_{bound}_months.{tier}", f"{bound}imum publicity period of {tier} bad information")
        for bound in ("min", "max")
        for tier in TIER_CODES
    ),
    _enum_list("disclosure.long_term_classes", CLASS_CODES, "classes disclosed without a time limit"),
    _enum("disclosure.after_period_org", ("archive", "keep"), "organisations' records after the period"),
    _enum("disclosure.after_period_person", ("purge", "archive", "keep"), "natural persons' records after the period"),
    _int("disclosure.person_purge_after_years", "natural persons' records are purged after this many years"),
    _enum("disclosure.subject_may_hide_good", ("no", "withhold", "delete"), "a subject may hide its own good info"),
    _int("disclosure.hide_good_wd", "working days to act on a request to hide good information"),
    # Query log.
    _int("query_log.retention_years", "years the query log is kept", nullable=False),
    _bool("query.paid", "queries of non-public information are charged, apart from the exemptions"),
    _int("query.free_self_queries_per_year", "free self-queries a subject has each year when queries are paid"),
    _enum_list(
        "query.fee_exempt_kinds",
        ("department", "credit_centre", "authority", "court", "utility", "financial", "industry"),
        "kinds of requesting organisation that never pay for a query",
    ),
    # Objections (working days; 0 = at once).
    _int("objection.first_check_wd", "working days for the credit centre's first check"),
    _int("objection.platform_error_notice_wd", "working days to tell the applicant of a platform-side error"),
    _int("objection.forward_wd", "working days to forward the objection to the provider"),
    _int("objection.provider_answer_wd", "working days for the provider to answer"),
    _int("objection.applicant_notice_wd", "working days to tell the applicant after the provider's answer"),
    _int("objection.total_wd", "working days for the whole objection, all steps included"),
    _int("objection.review_wd", "working days for the authority's review (复核)"),
    _enum("objection.effect_while_open", ("suspend", "annotate"), "what an open objection does to disclosure"),
    _bool("objection.sanctions_suspended_while_open", "joint sanctions are suspended while verifying"),
    _enum("objection.unverifiable_outcome", ("delete", "annotate"), "what happens to unverifiable information"),
    _enum(
        "objection.confirmed_disagree",
        ("none", "disclose_with_statement", "review"),
        "the provider confirms the record and the applicant still disagrees",
    ),
    _enum("objection.provider_overdue", ("escalate", "stop_query"), "the provider misses its deadline"),
    _bool("objection.evidence_required", "an objection must come with evidence (a statement alone is not enough)"),
    # Credit repair.
    _enum("repair.decided_by", ("provider",), "who decides a repair application"),
    _int("repair.decision_wd", "working days for the repair decision"),
    _enum("repair.after_repair", ("withhold", "annotate", "note"), "what a granted repair does to the bad record"),
    _enum_list("repair.excluded", ("intentional", "severe_list"), "cases repair does not apply to"),
    _bool("repair.after_tier_min_period", "repair only after the tier's minimum publicity period"),
    _bool("repair.stops_sharing", "a granted repair also ends government sharing of the bad record"),
    # Red and black lists, joint rewards and sanctions.
    _enum_list("lists.published_kinds", ("red", "black", "watch"), "list kinds whose entries in force are published"),
    _int("measures.feedback_wd", "working days for an implementing department to feed back on a measure task"),
    _int("measures.green_channel_clean_years", "straight years without bad records that earn the green channel"),
    # Publication, collection, self-declaration.
    _bool("publication.double_review", "provider and platform both review before publication"),
    _int("collection.dual_publicity_wd", "working days to publish licensing and penalty decisions", nullable=False),
    _enum(
        "collection.late_provider",
        ("reminder_then_criticism", "accountability", "order_then_criticism", "none"),
        "what happens to a provider that does not send its records in time",
    ),
    _int(
        "collection.criticism_after_wd", "working days after a written reminder before public criticism", nullable=False
    ),
    _int("collection.upload_retention_months", "months a provider's raw upload is kept", nullable=False),
    _bool("self_declaration.false_declaration_warning", "a false self-declaration gives a warning record"),
    # Farmer credit rating (西安市农户信用等级评价办法).
    _int("farmer_rating.publicity_wd", "working days a reviewed farmer credit rating is publicised in the village"),
    # Statistics and early warning (西安 第六条).
    _int("warnings.bad_rise_days", "days over which a subject's new bad records are counted", nullable=False),
    _int("warnings.bad_rise_count", "new bad records within that window that raise a warning", nullable=False),
    _int("warnings.loop_near_wd", "working days before a due date that a loop counts as near it", nullable=False),
    _int("warnings.volume_baseline_months", "full months a provider's usual volume is averaged over", nullable=False),
    _int("warnings.volume_drop_percent", "a month below this share of the usual volume is a drop", nullable=False),
)

KEYS: dict[str, KeySpec] = {spec.key: spec for spec in _SPECS}

#: Every table prefix of a key ("objection", "disclosure.tier_min_months", ...), to walk nested TOML tables.
PREFIXES: frozenset[str] = frozenset(
    ".".join(key.split(".")[:n]) for key in KEYS for n in range(1, len(key.split(".")))
)

#: Fields allowed inside one parameter table.
PARAM_FIELDS = ("value", "article", "note", "unset")

#: Fields allowed in the [pack] header; HEADER_REQUIRED must be in every pack.
HEADER_REQUIRED = ("code", "name", "title")
HEADER_OPTIONAL = ("extends", "effective_from", "effective_to", "effective_article", "effective_note", "source")

#: Fields of one [[changes]] entry besides the parameter tables.
CHANGE_FIELDS = ("from", "note")

BASELINE = "national"
