"""Deterministic fake identities for the demo city: organisation names with valid USCCs,
persons with valid ID numbers. Nothing here is a real subject."""

from __future__ import annotations

import random
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta

from pubcredit.demo import city
from pubcredit.subjects.identifiers import USCC_ALPHABET, id_number_check_character, uscc_check_character

# GB 11714-1997 organisation code: 8 body characters and a check character.
_ORG_CODE_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)
_ORG_CODE_BODY = "0123456789ABCDEFGHJKLMNPQRTUWXY"


@dataclass(frozen=True)
class OrgIdentity:
    name: str
    uscc: str
    district: str


@dataclass(frozen=True)
class PersonIdentity:
    name: str
    id_number: str
    district: str
    birth_date: date


def organisation_code(rng: random.Random) -> str:
    body = "".join(rng.choice(_ORG_CODE_BODY[:10]) if i < 2 else rng.choice(_ORG_CODE_BODY) for i in range(8))
    total = sum(_ORG_CODE_BODY.index(c) * w for c, w in zip(body, _ORG_CODE_WEIGHTS, strict=True))
    check = 11 - total % 11
    return body + ("X" if check == 10 else "0" if check == 11 else str(check))


def uscc_for(prefix: str, region: str, rng: random.Random) -> str:
    first17 = prefix + region + organisation_code(rng)
    assert all(c in USCC_ALPHABET for c in first17)
    return first17 + uscc_check_character(first17)


def organisations(rng: random.Random, count: int) -> Iterator[OrgIdentity]:
    forms = [form for form in city.ORG_FORMS for _ in range(form[2])]
    seen_names: set[str] = set()
    seen_codes: set[str] = set()
    while len(seen_names) < count:
        region, district = rng.choice(city.DISTRICTS)
        suffix, prefix, _weight = rng.choice(forms)
        trade = "".join(rng.sample(city.TRADE_WORDS, rng.choice((1, 2))))
        area = district.removesuffix("区").removesuffix("县") if rng.random() < 0.4 else ""
        name = f"西安{area}{trade}{rng.choice(city.FIELD_WORDS)}{suffix}"
        if name in seen_names:
            continue
        code = uscc_for(prefix, region, rng)
        if code in seen_codes:
            continue
        seen_names.add(name)
        seen_codes.add(code)
        yield OrgIdentity(name=name, uscc=code, district=district)


def persons(rng: random.Random, count: int, *, adults_on: date) -> Iterator[PersonIdentity]:
    seen: set[str] = set()
    oldest = date(1950, 1, 1)
    youngest = adults_on.replace(year=adults_on.year - 19)
    span = (youngest - oldest).days
    while len(seen) < count:
        region, district = rng.choice(city.DISTRICTS)
        birth = oldest + timedelta(days=rng.randrange(span))
        first17 = f"{region}{birth:%Y%m%d}{rng.randrange(1000):03d}"
        id_number = first17 + id_number_check_character(first17)
        if id_number in seen:
            continue
        seen.add(id_number)
        given = "".join(rng.choice(city.GIVEN_CHARS) for _ in range(rng.choice((1, 2, 2))))
        yield PersonIdentity(
            name=rng.choice(city.SURNAMES) + given, id_number=id_number, district=district, birth_date=birth
        )
