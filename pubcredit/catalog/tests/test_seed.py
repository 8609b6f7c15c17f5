import datetime as dt

import pytest
from django.core.management import call_command

from pubcredit.catalog.fields import parse_field_specs
from pubcredit.catalog.models import CatalogItem
from pubcredit.catalog.rules import INFO_CLASSES, KINDS
from pubcredit.catalog.selectors import catalog_item_get, catalog_items_published
from pubcredit.catalog.services import catalog_item_revise, catalog_seed
from pubcredit.core.models import AuditEvent

pytestmark = pytest.mark.django_db

# Every enumerated category of 元宝山 第六至十一条, as the seed cites it in `legal_basis`.
YUANBAOSHAN_CATEGORIES = {
    "第六条": ["一", "二", "三", "四", "五", "六"],
    "第七条": ["一", "二", "三", "四", "五", "六", "七", "八", "九", "十", "十一", "十二"],
    "第八条": ["一", "二", "三", "四", "五", "六", "七", "八", "九"],
    "第九条": ["一", "二", "三"],
    "第十条": ["一", "二", "三", "四", "五"],
    "第十一条": ["一", "二", "三"],
}
# What kind of information each article is about (元宝山 第五条), and for whom.
ARTICLE_KIND = {
    "第六条": ("basic", "org"),
    "第七条": ("bad", "org"),
    "第八条": ("good", "org"),
    "第九条": ("basic", "person"),
    "第十条": ("bad", "person"),
    "第十一条": ("good", "person"),
}


def _cites(item, article, point):
    """True when the 元宝山 part of the item's legal basis names this article and point."""
    segments = [seg for seg in item.legal_basis.split("；") if seg.startswith("元宝山 ")]
    return any(f"{article}（{point}）" in seg for seg in segments)


def test_seed_is_complete_for_every_yuanbaoshan_category(seeded):
    items = list(catalog_items_published(on=dt.date(2025, 1, 1)))
    assert 20 <= len(items) <= 35
    missing = []
    for article, points in YUANBAOSHAN_CATEGORIES.items():
        kind, subject_kind = ARTICLE_KIND[article]
        for point in points:
            covering = [i for i in items if _cites(i, article, point)]
            if not any(i.kind == kind and subject_kind in i.subject_kinds for i in covering):
                missing.append(f"{article}（{point}）")
    assert missing == []


def test_seed_covers_the_meaningful_class_kind_pairs(seeded):
    pairs = {(i.info_class, i.kind) for i in catalog_items_published(on=dt.date(2025, 1, 1))}
    assert {c for c, _ in pairs} == set(INFO_CLASSES)
    assert {k for _, k in pairs} == set(KINDS)
    for pair in [
        ("registration", "basic"),
        ("qualification", "basic"),
        ("qualification", "bad"),
        ("supervision", "basic"),
        ("supervision", "bad"),
        ("supervision", "good"),
        ("judgment", "bad"),
        ("commendation", "good"),
    ]:
        assert pair in pairs


def test_every_seed_item_cites_an_article_and_has_valid_fields(seeded):
    for item in CatalogItem.objects.all():
        assert "第" in item.legal_basis and "条" in item.legal_basis, item.code
        assert parse_field_specs(item.fields)


def test_dual_publicity_items_carry_the_national_columns(seeded):
    xk = catalog_item_get("XK", on=dt.date(2025, 1, 1))
    cf = catalog_item_get("CF", on=dt.date(2025, 1, 1))
    assert xk.dual_publicity and cf.dual_publicity
    xk_fields = {f["name"]: f for f in xk.fields}
    for name in [
        "XK_XDR_MC",
        "XK_XDR_SHXYM",
        "XK_FRDB",
        "XK_XKWS",
        "XK_WSH",
        "XK_XKLB",
        "XK_NR",
        "XK_JDRQ",
        "XK_YXQZ",
        "XK_YXQJ",
        "XK_XKJG",
        "XK_XKJGDM",
        "XK_LYDW",
    ]:
        assert name in xk_fields
    assert xk_fields["XK_WSH"]["required"] and xk_fields["XK_JDRQ"]["type"] == "date"
    assert "XK_FR" in xk_fields["XK_FRDB"]["aliases"]  # older standard column accepted
    cf_fields = {f["name"]: f for f in cf.fields}
    for name in [
        "CF_WSH",
        "CF_WFXW",
        "CF_SY",
        "CF_YJ",
        "CF_CFLB",
        "CF_NR",
        "CF_NR_FK",
        "CF_NR_WFFF",
        "CF_NR_ZKDX",
        "CF_JDRQ",
        "CF_YXQ",
        "CF_GSJZQ",
        "CF_CFJG",
        "CF_CFJGDM",
        "CF_SJLY",
    ]:
        assert name in cf_fields
    assert cf_fields["CF_NR_FK"]["label"] == "罚款金额（万元）" and cf_fields["CF_NR_FK"]["type"] == "decimal"
    assert cf_fields["CF_XDR_ZJHM"]["type"] == "id_number"
    assert cf_fields["CF_XDR_ZJHM"]["required_for"] == ["person"]


def test_seed_is_idempotent(db):
    first = catalog_seed()
    count = CatalogItem.objects.count()
    events = AuditEvent.objects.count()
    second = catalog_seed()
    assert len(first.created) == count and first.unchanged == []
    assert second.created == [] and sorted(second.unchanged) == sorted(first.created)
    assert CatalogItem.objects.count() == count
    assert AuditEvent.objects.count() == events


def test_seed_leaves_operator_revisions_alone_unless_asked(seeded, operator):
    catalog_item_revise(actor=operator, code="KS", changes={"name": "考试作弊信息"})
    result = catalog_seed()
    assert result.differs == ["KS"]
    assert catalog_item_get("KS").name == "考试作弊信息"
    result = catalog_seed(update=True)
    assert result.revised == ["KS"]
    assert catalog_item_get("KS").name == "统一考试作弊信息"
    assert catalog_item_get("KS").version == 3


def test_seed_command(db, capsys):
    call_command("catalog", "seed")
    call_command("catalog", "seed")
    out = capsys.readouterr().out
    assert "0 created" in out and "unchanged" in out
    assert CatalogItem.objects.filter(code="CF").count() == 1
