import pytest

from pubcredit.catalog.fields import FieldSet, specs_from_json
from pubcredit.collection.parsers import CONSENT_REF_HEADERS, FileRejected, Row, map_headers

CF_REQUIRED = ["CF_XDR_MC", "CF_XDR_LB", "CF_WSH", "CF_WFXW", "CF_SY", "CF_YJ", "CF_CFLB", "CF_NR", "CF_JDRQ"]
CF_REQUIRED += ["CF_YXQ", "CF_CFJG", "CF_CFJGDM", "CF_SJLY", "CF_SJLYDM"]


def _kinds(mapped):
    return [(p.column, p.kind) for p in mapped.problems]


def test_all_required_new_names_map_cleanly(cf_set):
    mapped = map_headers(CF_REQUIRED, cf_set)
    assert mapped.ok
    assert [s.name for s in mapped.columns.values()] == CF_REQUIRED


def test_old_names_labels_and_full_width_aliases_map(cf_set, xk_set):
    mapped = map_headers(["CF_XDR_GSDJ", "CF_XDR_ZDM", "CF_FR", "CF_XDR_SFZ", "CF_CFLB1", "CF_JG", "CF_XZJG"], cf_set)
    names = [s.name for s in mapped.columns.values()]
    assert names == ["CF_XDR_GSZC", "CF_XDR_ZZJG", "CF_FRDB", "CF_XDR_ZJHM", "CF_CFLB", "CF_NR", "CF_CFJG"]
    assert [s.name for s in map_headers(["行政相对人代码_1(统一社会信用代码)"], cf_set).columns.values()] == [
        "CF_XDR_SHXYM"
    ]
    xk = map_headers(["XK_XDR_MC", "XK_XDR_GSDJ", "XK_FR", "XK_JZQ", "XK_XZJG", "xk_splb"], xk_set)
    expected = ["XK_XDR_MC", "XK_XDR_GSZC", "XK_FRDB", "XK_YXQJ", "XK_XKJG", "XK_XKLB"]
    assert [s.name for s in xk.columns.values()] == expected


def test_every_problem_reported_at_once(cf_set):
    headers = [*CF_REQUIRED, "血型", "religion", "联系电话", "CF_XDR_MC_OLD", "行政相对人名称"]
    mapped = map_headers(headers, cf_set)
    assert _kinds(mapped) == [
        ("血型", "forbidden"),
        ("religion", "forbidden"),
        ("联系电话", "unknown"),
        ("CF_XDR_MC_OLD", "unknown"),
        ("行政相对人名称", "duplicate"),
    ]
    messages = [p.message for p in mapped.problems]
    assert "列“血型”涉及自然人的血型信息，依西安 第十四条；元宝山 第十二条禁止归集" in messages[0]
    assert "宗教信仰" in messages[1]
    assert "列“联系电话”不属于本目录项" in messages[2]
    assert "都对应字段“行政相对人名称”（CF_XDR_MC）" in messages[4]
    assert "血型" not in mapped.columns


def test_each_forbidden_topic_refused(cf_set):
    headers = ["宗教信仰", "基因检测结果", "指纹", "血型", "疾病名称", "既往病史", "blood_type", "medicalHistory"]
    mapped = map_headers([*CF_REQUIRED, *headers], cf_set)
    assert _kinds(mapped) == [(h, "forbidden") for h in headers]


def test_missing_required_columns_listed(cf_set):
    mapped = map_headers(["CF_XDR_MC"], cf_set)
    missing = [p for p in mapped.problems if p.kind == "missing_required"]
    assert len(missing) == len(CF_REQUIRED) - 1
    assert any(p.message == "缺少必填列“行政处罚决定书文号”（CF_WSH）" for p in missing)


def _income_set():
    return FieldSet(
        specs_from_json(
            [
                {"name": "subject_name", "label": "姓名", "type": "string", "required": True},
                {"name": "monthly_income", "label": "月收入", "type": "decimal", "sensitivity": "consent"},
                {"name": "house", "label": "不动产登记", "type": "string", "sensitivity": "consent"},
            ]
        )
    )


def test_consent_column_requires_consent_reference_column():
    mapped = map_headers(["姓名", "月收入", "不动产登记"], _income_set())
    assert _kinds(mapped) == [("月收入", "consent_ref_missing"), ("不动产登记", "consent_ref_missing")]
    assert "须经本人书面同意" in mapped.problems[0].message
    assert "“授权书编号”（consent_ref）" in mapped.problems[0].message
    assert mapped.consent_columns == ["月收入", "不动产登记"]


def test_consent_reference_column_satisfies_the_file_and_is_checked_per_row():
    for ref in CONSENT_REF_HEADERS:
        mapped = map_headers(["姓名", "monthly_income", ref], _income_set())
        assert mapped.ok, ref
        assert mapped.consent_ref_column == ref
        assert ref not in mapped.columns
    mapped = map_headers(["姓名", "月收入", "授权书编号"], _income_set())
    with_ref = Row(2, {"姓名": "张三", "月收入": "8000", "授权书编号": "SQ-2024-1"})
    without_ref = Row(3, {"姓名": "李四", "月收入": "9000", "授权书编号": ""})
    nothing_sensitive = Row(4, {"姓名": "王五", "月收入": "", "授权书编号": ""})
    assert mapped.consent_missing(with_ref) == []
    assert mapped.consent_missing(without_ref) == ["月收入"]
    assert mapped.consent_missing(nothing_sensitive) == []
    assert mapped.values_for(with_ref) == {"subject_name": "张三", "monthly_income": "8000"}


def test_raise_for_problems_joins_every_message(cf_set):
    mapped = map_headers([*CF_REQUIRED, "血型", "未知列"], cf_set)
    with pytest.raises(FileRejected) as exc:
        mapped.raise_for_problems()
    assert "血型" in exc.value.message and "未知列" in exc.value.message
    assert exc.value.column == "血型"
