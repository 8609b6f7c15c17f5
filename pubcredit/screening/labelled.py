"""A labelled set for measuring screening quality, generated (seeded) from subjects' names.

Each pair is an input name as a clerk might type it and the subject it means, or None for a
true non-match (a similar but different firm that is not on the platform). Variants:

- brackets: the region moved into full-width brackets after the core (华信科技（西安）有限公司);
- region_moved: the region moved inside the name with half-width brackets, or spelled out
  with its 市/省 suffix (华信(西安)科技有限公司, 西安市华信科技有限公司);
- suffix: the legal form changed among 有限公司 / 有限责任公司 / 股份有限公司;
- typo: one character of the core wrong, a homophone (pinyin input) or any other character;
- traditional: the name in traditional characters;
- fullwidth: full-width blanks and characters typed with a Chinese input method;
- non_match_field: the same trade name in another line of business (华信物流 for 华信科技);
- non_match_region: the same name in another city (宝鸡 for 西安).

The index tells the generator which names are taken, so that a variant never names another
subject (synthetic cities have "西安华信科技有限公司" and "西安华信科技有限责任公司" side by side, which
a registry would not allow) and a non-match is never a real subject. bench/screen.py prints
precision and recall on 2,000 pairs of the 1,000,000-subject database; the quality test asserts
floors on a smaller set.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass

from pubcredit.screening.index import NameIndex
from pubcredit.screening.names import REGION_WORDS, NameParts, parse_name, to_pinyin

POSITIVE_KINDS = ("brackets", "region_moved", "suffix", "typo", "traditional", "fullwidth")
NEGATIVE_KINDS = ("non_match_field", "non_match_region")
# Other lines of business, for firms that share a trade name but are not the same.
FIELDS: tuple[str, ...] = ("物流", "餐饮", "建材", "医药", "置业", "传媒", "农业")
FIELDS += ("矿业", "化工", "家政", "电子", "纺织", "印务", "园林")
OTHER_CITIES = ("宝鸡", "咸阳", "渭南", "汉中", "榆林", "延安", "兰州", "郑州", "成都", "太原")
COMMON_CHARACTERS = "华信恒通瑞丰鼎盛汇源博远金泰宏达中天成永兴业和海纳凯旋新锐世祥云众诚明德润泽"
COMMON_CHARACTERS += "佳禾远航晨光嘉安康宁乐福寿喜庆"
_FULL_WIDTH: dict[int, str] = {c: chr(c + 0xFEE0) for c in range(0x21, 0x7F)}
_FORMS = ("有限公司", "有限责任公司", "股份有限公司")


@dataclass(frozen=True)
class LabelledPair:
    query: str
    expected: int | None
    kind: str


def _homophones() -> dict[str, list[str]]:
    by_sound: dict[str, list[str]] = {}
    for ch in COMMON_CHARACTERS + "鑫新欣心馨星兴行形通同桐彤铜达大答源元园原缘远华化话画花":
        by_sound.setdefault(to_pinyin(ch), []).append(ch)
    return {ch: [o for o in by_sound[to_pinyin(ch)] if o != ch] for chars in by_sound.values() for ch in chars}


def _split(name: str) -> tuple[str, str, str] | None:
    """(leading region as written, middle, legal form) of a plain name, or None."""
    form = next((f for f in sorted(_FORMS, key=len, reverse=True) if name.endswith(f)), "")
    if not form:
        return None
    body = name[: -len(form)]
    region = next((r for r in sorted(REGION_WORDS, key=len, reverse=True) if body.startswith(r)), "")
    return region, body[len(region) :], form


def _variant(kind: str, name: str, rng: random.Random, homophones: dict[str, list[str]]) -> str | None:
    from zhconv import convert

    split = _split(name)
    if split is None:
        return None
    region, middle, form = split
    if kind == "brackets":
        return f"{middle}（{region}）{form}" if region else None
    if kind == "region_moved":
        if not region or len(middle) < 3:
            return None
        if rng.random() < 0.5:
            return f"{middle[:2]}({region}){middle[2:]}{form}"
        return f"{REGION_WORDS[region]}市{middle}{form}" if REGION_WORDS[region] == region else None
    if kind == "suffix":
        return f"{region}{middle}{rng.choice([f for f in _FORMS if f != form])}"
    if kind == "typo":
        core = parse_name(name).core
        if len(core) < 3 or core not in middle:
            return None
        position = rng.randrange(len(core))
        original = core[position]
        choices = homophones.get(original) if rng.random() < 0.6 else None
        replacement = rng.choice(choices) if choices else rng.choice([c for c in COMMON_CHARACTERS if c != original])
        return f"{region}{middle.replace(core, core[:position] + replacement + core[position + 1 :])}{form}"
    if kind == "traditional":
        traditional = str(convert(name, "zh-tw"))
        return traditional if traditional != name else None
    if kind == "fullwidth":
        return f"{region}\u3000{middle}{form}".translate(_FULL_WIDTH) + "\u3000"
    if kind == "non_match_field":
        core = parse_name(name).core
        if len(core) < 4 or core not in middle:
            return None
        return f"{region}{middle.replace(core, core[:2] + rng.choice(FIELDS))}{form}"
    if kind == "non_match_region":
        if not region:
            return None
        return f"{rng.choice(OTHER_CITIES)}{middle}{form}"
    raise ValueError(kind)


def labelled_pairs(
    subjects: Sequence[tuple[int, str]],
    *,
    count: int,
    index: NameIndex,
    seed: int = 7,
    negative_share: float = 0.2,
) -> list[LabelledPair]:
    """`count` pairs drawn from `subjects` (id, name), positives and negatives mixed.

    `index` (built over the same subjects) tells which names exist: a subject is only a source
    when no other subject has the same core, regions and legal form (a list could not tell them
    apart either), and a variant must not name another existing subject.
    """
    rng = random.Random(seed)
    homophones = _homophones()
    negatives = round(count * negative_share)
    plan = [POSITIVE_KINDS[i % len(POSITIVE_KINDS)] for i in range(count - negatives)]
    plan += [NEGATIVE_KINDS[i % len(NEGATIVE_KINDS)] for i in range(negatives)]
    pairs: list[LabelledPair] = []
    seen: set[str] = set()
    for kind in plan:
        for _attempt in range(200):
            subject_id, name = subjects[rng.randrange(len(subjects))]
            query = _variant(kind, name, rng, homophones)
            if query is None or query in seen:
                continue
            parts = parse_name(query)
            if kind in ("typo", "non_match_field"):
                if _same_core(index, parts.core):
                    continue  # another subject's name, not a typo or a non-match
            elif kind == "non_match_region":
                if _twins(index, parts):
                    continue
            else:
                twins = _twins(index, parts)
                if twins != [subject_id]:
                    continue  # the variant names another subject too (or only another one)
            seen.add(query)
            pairs.append(LabelledPair(query, None if kind in NEGATIVE_KINDS else subject_id, kind))
            break
    return pairs


def _same_core(index: NameIndex, core: str) -> list[int]:
    hits = index.lookup([[(0, "c" + core)]])[0]
    return [sid for sid in hits if (found := index.stored_parts(sid)) is not None and found.core == core]


def _twins(index: NameIndex, parts: NameParts) -> list[int]:
    """Subjects with the same core, regions and legal form as `parts`."""
    out = []
    for sid in _same_core(index, parts.core):
        found = index.stored_parts(sid)
        if found is not None and found.regions == parts.regions and found.form == parts.form:
            out.append(sid)
    return sorted(out)


@dataclass(frozen=True)
class Quality:
    pairs: int
    positives: int
    predicted: int
    correct: int
    by_kind: dict[str, tuple[int, int]]  # kind -> (right, total)

    @property
    def precision(self) -> float:
        return self.correct / self.predicted if self.predicted else 1.0

    @property
    def recall(self) -> float:
        return self.correct / self.positives if self.positives else 1.0


def measure(pairs: Sequence[LabelledPair], answers: Sequence[int | None]) -> Quality:
    """Precision and recall of `answers` (the matched subject per pair, None for no match)."""
    positives = sum(1 for p in pairs if p.expected is not None)
    predicted = sum(1 for a in answers if a is not None)
    correct = sum(1 for p, a in zip(pairs, answers, strict=True) if a is not None and a == p.expected)
    by_kind: dict[str, tuple[int, int]] = {}
    for pair, answer in zip(pairs, answers, strict=True):
        right, total = by_kind.get(pair.kind, (0, 0))
        by_kind[pair.kind] = (right + (answer == pair.expected), total + 1)
    return Quality(len(pairs), positives, predicted, correct, by_kind)
