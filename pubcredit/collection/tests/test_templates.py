import io

import pytest
from openpyxl import load_workbook

from pubcredit.catalog.fields import FieldSet, specs_from_json
from pubcredit.catalog.seeding import load_seed_items
from pubcredit.collection.parsers import map_headers, read_xlsx
from pubcredit.collection.templates_xlsx import build_template


def test_cf_template_headers_comments_widths_and_guide(cf_fields):
    data = build_template(cf_fields, "行政处罚信息")
    wb = load_workbook(io.BytesIO(data))
    sheet, guide = wb.worksheets
    labels = [c.value for c in sheet[1]]
    assert labels == [f["label"] for f in cf_fields]
    assert sheet.max_row == 1  # nothing to skip when the filled template comes back
    wsh = sheet.cell(row=1, column=labels.index("行政处罚决定书文号") + 1)
    assert "字段名：CF_WSH" in wsh.comment.text
    assert "要求：必填" in wsh.comment.text
    assert "类型：文本" in wsh.comment.text
    uscc = sheet.cell(row=1, column=labels.index("统一社会信用代码") + 1)
    assert "要求：法人和非法人组织必填" in uscc.comment.text
    kind = sheet.cell(row=1, column=labels.index("行政相对人类别") + 1)
    assert "可选值：法人及非法人组织、自然人、个体工商户" in kind.comment.text
    assert sheet.column_dimensions["A"].width >= 10
    assert guide.title == "填写说明"
    assert guide["A1"].value == "行政处罚信息 数据上传模板"
    assert [c.value for c in guide[4]] == ["列名", "字段名", "类型", "要求", "可选值", "示例"]
    example = {row[1]: row[5] for row in guide.iter_rows(min_row=5, values_only=True)}
    assert example["CF_JDRQ"] == "2024-05-01"
    assert example["CF_XDR_LB"] == "法人及非法人组织"
    assert example["CF_XDR_SHXYM"] == "91350100M000100Y43"


@pytest.mark.parametrize("code", [item["code"] for item in load_seed_items()])
def test_every_seed_template_round_trips(code):
    item = next(i for i in load_seed_items() if i["code"] == code)
    reader = read_xlsx(io.BytesIO(build_template(item["fields"], item["name"])))
    field_set = FieldSet(specs_from_json(item["fields"]))
    mapped = map_headers(reader.headers, field_set)
    assert mapped.ok, mapped.problems
    assert sorted(s.name for s in mapped.columns.values()) == sorted(f["name"] for f in item["fields"])
    assert list(reader) == []


def test_consent_item_template_carries_consent_reference_column():
    fields = [
        {"name": "subject_name", "label": "姓名", "type": "string", "required": True},
        {"name": "monthly_income", "label": "月收入", "type": "decimal", "sensitivity": "consent"},
    ]
    data = build_template(fields, "收入证明")
    reader = read_xlsx(io.BytesIO(data))
    assert reader.headers == ["姓名", "月收入", "授权书编号"]
    mapped = map_headers(reader.headers, FieldSet(specs_from_json(fields)))
    assert mapped.ok
    assert mapped.consent_ref_column == "授权书编号"
    assert mapped.consent_columns == ["月收入"]


def test_filled_template_reads_back_values(cf_fields):
    wb = load_workbook(io.BytesIO(build_template(cf_fields, "行政处罚信息")))
    sheet = wb.worksheets[0]
    labels = [c.value for c in sheet[1]]
    sheet.cell(row=2, column=labels.index("行政处罚决定书文号") + 1, value="西市监罚〔2024〕1号")
    sheet.cell(row=2, column=labels.index("统一社会信用代码") + 1, value="91350100M000100Y43")
    out = io.BytesIO()
    wb.save(out)
    out.seek(0)
    reader = read_xlsx(out)
    mapped = map_headers(reader.headers, FieldSet(specs_from_json(cf_fields)))
    (row,) = list(reader)
    assert mapped.values_for(row) == {"CF_WSH": "西市监罚〔2024〕1号", "CF_XDR_SHXYM": "91350100M000100Y43"}
