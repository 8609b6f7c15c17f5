"""Quality on a generated labelled set: a few thousand organisations named like a real city's
(region prefixes, trade names, lines of business, legal forms), 400 pairs of realistic variants
and true non-matches (pubcredit.screening.labelled). The floors are below what was measured on
this set and on the 1,000,000-subject database by bench/screen.py."""

from __future__ import annotations

import datetime as dt
import random

import pytest

from pubcredit.screening.index import NameIndex
from pubcredit.screening.labelled import labelled_pairs, measure
from pubcredit.screening.matching import InputRow, screen_rows
from pubcredit.screening.models import Outcome
from pubcredit.subjects.models import Subject, SubjectKind
from pubcredit.subjects.normalise import normalise_name
from pubcredit.subjects.tests.factories import make_uscc

pytestmark = pytest.mark.django_db

PRECISION_FLOOR = 0.98
RECALL_FLOOR = 0.88
TRADE = "华信秦川丝路大唐恒通瑞丰鼎盛汇源博远金泰宏达中天成永兴业和海纳凯旋新锐世祥云众诚明德润泽佳禾远航晨光"
FIELDS = ("科技", "建设工程", "商贸", "餐饮管理", "物流", "环保科技", "医药", "文化传媒", "教育咨询", "农业开发")
FORMS = ("有限公司", "有限公司", "有限公司", "有限责任公司", "股份有限公司")
PREFIXES = ("西安", "西安", "陕西", "")


def _city(count: int, seed: int) -> list[Subject]:
    rng = random.Random(seed)
    names: set[str] = set()
    while len(names) < count:
        trade = "".join(rng.sample(TRADE, 2))
        names.add(f"{rng.choice(PREFIXES)}{trade}{rng.choice(FIELDS)}{rng.choice(FORMS)}")
    subjects = [
        Subject(kind=SubjectKind.ORG, name=name, name_normalized=normalise_name(name), uscc=make_uscc(n))
        for n, name in enumerate(sorted(names))
    ]
    return Subject.objects.bulk_create(subjects)


def test_precision_and_recall_on_the_labelled_set() -> None:
    subjects = _city(3000, seed=3)
    pairs_source = [(s.pk, s.name) for s in subjects]
    index = NameIndex.from_names(pairs_source)

    pairs = labelled_pairs(pairs_source, count=400, seed=5, index=index)
    assert len(pairs) == 400
    assert {p.kind for p in pairs} >= {"brackets", "region_moved", "suffix", "typo", "traditional", "fullwidth"}
    results = screen_rows(
        [InputRow(number=n, name=p.query) for n, p in enumerate(pairs, start=2)],
        index=index,
        organisation_id=None,
        on=dt.date(2026, 11, 20),
    )
    answers = [r.candidates[0].subject_id if r.outcome == Outcome.MATCHED else None for r in results]
    quality = measure(pairs, answers)
    assert quality.precision >= PRECISION_FLOOR, quality
    assert quality.recall >= RECALL_FLOOR, quality
    # Every kind of variant is found most of the time, and true non-matches are left alone. A
    # wrong character in a short name is often left to a person (疑似), so typos count less.
    for kind, (right, total) in quality.by_kind.items():
        assert right / total >= (0.4 if kind == "typo" else 0.9), (kind, right, total)
