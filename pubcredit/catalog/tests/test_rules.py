import pytest

from pubcredit.catalog.fields import parse_field_specs
from pubcredit.catalog.rules import FORBIDDEN_PERSONAL_INFO, check_period_rule, check_personal_fields
from pubcredit.core.errors import ValidationFailed


def spec(name, label, **extra):
    return parse_field_specs([{"name": name, "label": label, "type": "string", **extra}])


@pytest.mark.parametrize(
    ("name", "label", "topic"),
    [
        ("faith", "宗教信仰", "宗教信仰"),
        ("x1", "血型", "血型"),
        ("blood_type", "类型", "血型"),
        ("x2", "指纹特征", "指纹"),
        ("GeneSequence", "序列", "基因"),
        ("x3", "既往病史", "病史"),
        ("disease_name", "名称", "疾病"),
        ("x4", "所患疾病", "疾病"),
        ("medical_history", "记录", "病史"),
    ],
)
def test_forbidden_personal_information_is_refused_by_name_or_label(name, label, topic):
    with pytest.raises(ValidationFailed) as exc:
        check_personal_fields(spec(name, label), ["org"])
    assert topic in exc.value.message
    assert "第十四条" in exc.value.message and "元宝山 第十二条" in exc.value.message
    assert exc.value.field == name


@pytest.mark.parametrize(
    ("name", "label"),
    [("general_info", "一般情况"), ("xxdz", "详细地址"), ("generator", "发电机组"), ("jbxx", "基本信息")],
)
def test_innocent_fields_are_not_mistaken_for_forbidden_ones(name, label):
    check_personal_fields(spec(name, label), ["person"])


def test_forbidden_table_cites_both_articles():
    assert {rule.topic for rule in FORBIDDEN_PERSONAL_INFO} == {"宗教信仰", "基因", "指纹", "血型", "疾病", "病史"}
    assert all("西安 第十四条" in r.article and "元宝山 第十二条" in r.article for r in FORBIDDEN_PERSONAL_INFO)


def test_consent_information_on_person_items_must_be_marked():
    with pytest.raises(ValidationFailed) as exc:
        check_personal_fields(spec("monthly_income", "月收入"), ["person"])
    assert "书面同意" in exc.value.message
    check_personal_fields(spec("monthly_income", "月收入", sensitivity="consent"), ["person"])
    check_personal_fields(spec("monthly_income", "月收入"), ["org"])


@pytest.mark.parametrize(
    "rule",
    [
        {"mode": "pack"},
        {"mode": "pack", "catalogue_months": 36},
        {"mode": "months", "months": 60},
        {"mode": "long_term"},
    ],
)
def test_period_rules_accepted(rule):
    assert check_period_rule(rule) == rule


@pytest.mark.parametrize(
    "rule",
    [{}, {"mode": "forever"}, {"mode": "months"}, {"mode": "months", "months": 0}, {"mode": "long_term", "months": 3}],
)
def test_period_rules_refused(rule):
    with pytest.raises(ValidationFailed):
        check_period_rule(rule)
