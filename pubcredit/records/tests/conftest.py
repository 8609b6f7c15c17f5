import datetime as dt

import pytest
import time_machine

from pubcredit.accounts.tests.factories import ProviderClerkFactory
from pubcredit.catalog.services import catalog_seed
from pubcredit.subjects.tests.factories import OrgSubjectFactory, PersonSubjectFactory, make_uscc

# Before the national tiers (2026-04-01) unless a test travels elsewhere.
TODAY = dt.datetime(2025, 6, 10, 10, 0, tzinfo=dt.timezone(dt.timedelta(hours=8)))
AUTHORITY_USCC = make_uscc(9_000_001, head="11")


@pytest.fixture
def today():
    with time_machine.travel(TODAY, tick=False):
        yield TODAY.date()


@pytest.fixture
def catalogue(db, today):
    catalog_seed()


@pytest.fixture
def clerk(db):
    return ProviderClerkFactory.create()


@pytest.fixture
def other_clerk(db):
    return ProviderClerkFactory.create()


@pytest.fixture
def company(db):
    return OrgSubjectFactory.create()


@pytest.fixture
def person(db):
    return PersonSubjectFactory.create()


def cf_data(subject, *, wsh="西市监罚〔2025〕1号", **overrides):
    """A complete 行政处罚 row in the national 双公示 columns."""
    data = {
        "CF_XDR_MC": subject.name,
        "CF_XDR_LB": "法人及非法人组织" if subject.kind == "org" else "自然人",
        "CF_WSH": wsh,
        "CF_WFXW": "虚假宣传",
        "CF_SY": "当事人在其网店发布虚假广告。",
        "CF_YJ": "《中华人民共和国广告法》第五十五条",
        "CF_CFLB": "罚款",
        "CF_NR": "罚款人民币2万元",
        "CF_NR_FK": "2",
        "CF_JDRQ": "2025-05-06",
        "CF_YXQ": "2028-05-06",
        "CF_CFJG": "西安市市场监督管理局",
        "CF_CFJGDM": AUTHORITY_USCC,
        "CF_SJLY": "西安市市场监督管理局",
        "CF_SJLYDM": AUTHORITY_USCC,
    }
    if subject.kind == "org":
        data["CF_XDR_SHXYM"] = subject.uscc
        data["CF_FRDB"] = "王五"
    else:
        data["CF_XDR_ZJLX"] = "身份证"
        data["CF_XDR_ZJHM"] = subject.plain_id_number
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}
