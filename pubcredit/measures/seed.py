"""The seed list types and measure list (措施清单) every deployment starts with.

From 元宝山 第二十四至二十六条 and 元宝山方案 三（二）-（六）、四（二）-（三）. Measures are seeded
without an implementing department ("各有关部门"): the credit centre assigns departments in the
admin, and only measures with a department open tasks. Operators add, change and retire both.
"""

from __future__ import annotations

from typing import Any

LIST_TYPES: tuple[dict[str, Any], ...] = (
    {
        "code": "red",
        "name": "诚信典型红名单",
        "kind": "red",
        "legal_basis": "元宝山方案 三（一）、五（五）；韶山 第十三条",
        "entry_criteria": "各行业领域依法依规推荐、认定的诚信典型",
        "term_months": 36,
        "exit_rules": "有效期届满自动移出；有效期内出现不良信用记录或不再符合认定标准的，由认定部门移出",
    },
    {
        "code": "severe",
        "name": "严重失信主体名单",
        "kind": "black",
        "legal_basis": "元宝山 第二十六条；元宝山方案 四（一）、五（五）；韶山 第十三条",
        "entry_criteria": "按国家、自治区制定的联合奖惩对象名单认定标准认定的严重失信行为",
        "term_months": 36,
        "exit_rules": (
            "有效期届满自动移出；信用修复、异议成立或认定部门撤销决定的，提前移出；错误列入的，撤销并恢复信誉"
        ),
    },
    {
        "code": "watch",
        "name": "重点关注名单",
        "kind": "watch",
        "legal_basis": "元宝山 第二十五条；元宝山方案 四（二）",
        "entry_criteria": "存在失信行为、尚未达到严重失信认定标准，需要重点监管的主体",
        "term_months": 12,
        "exit_rules": "有效期届满自动移出；纠正失信行为、消除不良影响的，由认定部门提前移出",
    },
)

ALL = ("procurement", "licensing", "funding", "honours", "tendering", "supervision")

# (code, name, nature, force, condition, list codes, business types, legal basis)
MEASURES: tuple[tuple[str, str, str, str, str, tuple[str, ...], tuple[str, ...], str], ...] = (
    ("R01", "给予优先办理、优惠等激励措施", "reward", "mandatory", "listed", ("red",), (), "元宝山 第二十四条"),
    (
        "R02",
        "开通行政审批“绿色通道”，实施“容缺受理”",
        "reward",
        "recommended",
        "good_credit",
        (),
        ("licensing",),
        "元宝山方案 三（二）",
    ),
    (
        "R03",
        "同等条件下优先办理、简化程序",
        "reward",
        "recommended",
        "listed",
        ("red",),
        ("licensing", "procurement"),
        "元宝山方案 三（二）",
    ),
    (
        "R04",
        "财政性资金项目安排、招商引资、优惠政策中优先考虑",
        "reward",
        "recommended",
        "good_credit",
        (),
        ("funding",),
        "元宝山方案 三（三）",
    ),
    (
        "R05",
        "招标投标、政府采购中依法给予信用加分",
        "reward",
        "recommended",
        "listed",
        ("red",),
        ("tendering", "procurement"),
        "元宝山方案 三（三）",
    ),
    (
        "R06",
        "日常检查、专项检查中优化检查频次",
        "reward",
        "recommended",
        "listed",
        ("red",),
        ("supervision",),
        "元宝山方案 三（四）",
    ),
    (
        "R07",
        "在政府网站和“信用”网站公示、推介优良信用信息",
        "reward",
        "recommended",
        "listed",
        ("red",),
        (),
        "元宝山方案 三（六）",
    ),
    (
        "R08",
        "金融服务中给予优惠和便利（“银税互动”等）",
        "reward",
        "recommended",
        "listed",
        ("red",),
        ("funding",),
        "元宝山方案 三（五）",
    ),
    (
        "S01",
        "列为重点监督管理对象，增加检查频次，加强现场核查",
        "sanction",
        "mandatory",
        "bad_credit",
        (),
        ("supervision", "licensing"),
        "元宝山 第二十五条（一）",
    ),
    (
        "S02",
        "不予列入各类免检、免审范围",
        "sanction",
        "mandatory",
        "bad_credit",
        (),
        ("supervision", "licensing"),
        "元宝山 第二十五条（二）",
    ),
    (
        "S03",
        "取消已经享受的行政便利化措施",
        "sanction",
        "mandatory",
        "bad_credit",
        (),
        ("licensing",),
        "元宝山 第二十五条（三）",
    ),
    (
        "B01",
        "实施市场和行业禁入措施",
        "sanction",
        "mandatory",
        "listed",
        ("severe",),
        ("licensing",),
        "元宝山 第二十六条（一）",
    ),
    (
        "B02",
        "限制新增项目审批、核准",
        "sanction",
        "mandatory",
        "listed",
        ("severe",),
        ("licensing",),
        "元宝山 第二十六条（二）",
    ),
    (
        "B03",
        "限制参与基础设施和公用事业特许经营",
        "sanction",
        "mandatory",
        "listed",
        ("severe",),
        ("procurement", "tendering"),
        "元宝山 第二十六条（三）",
    ),
    (
        "B04",
        "限制申请财政性资金项目",
        "sanction",
        "mandatory",
        "listed",
        ("severe",),
        ("funding",),
        "元宝山 第二十六条（四）",
    ),
    (
        "B05",
        "限制参与有关公共资源交易活动",
        "sanction",
        "mandatory",
        "listed",
        ("severe",),
        ("procurement", "tendering"),
        "元宝山 第二十六条（五）",
    ),
    ("B06", "限制任职资格", "sanction", "mandatory", "listed", ("severe",), ("licensing",), "元宝山 第二十六条（六）"),
    ("B07", "限制高消费活动", "sanction", "mandatory", "listed", ("severe",), (), "元宝山 第二十六条（七）"),
    (
        "B08",
        "撤销荣誉称号，取消参加评先评优资格",
        "sanction",
        "mandatory",
        "listed",
        ("severe",),
        ("honours",),
        "元宝山 第二十六条（八）",
    ),
    (
        "B09",
        "从严审核行政许可审批项目，从严控制生产许可证发放",
        "sanction",
        "mandatory",
        "listed",
        ("severe",),
        ("licensing",),
        "元宝山方案 四（二）",
    ),
    (
        "B10",
        "限制发起设立或参股金融机构及小额贷款、融资担保等机构",
        "sanction",
        "recommended",
        "listed",
        ("severe",),
        ("licensing",),
        "元宝山方案 四（二）",
    ),
    (
        "B11",
        "以统一社会信用代码为索引及时公开披露失信信息",
        "sanction",
        "recommended",
        "listed",
        ("severe",),
        (),
        "元宝山方案 四（三）",
    ),
    (
        "B12",
        "金融机构提高贷款利率和财产保险费率，或限制提供贷款、保险等服务",
        "sanction",
        "recommended",
        "listed",
        ("severe",),
        ("funding",),
        "元宝山方案 四（三）",
    ),
    (
        "W01",
        "列为重点监管对象，提高抽查比例和频次",
        "sanction",
        "mandatory",
        "listed",
        ("watch",),
        ("supervision",),
        "元宝山 第二十五条（一）",
    ),
)


def seed(apps: Any) -> None:
    """Create the seed rows that are missing (idempotent: codes already present are left alone)."""
    list_type_model = apps.get_model("lists", "ListType")
    measure_model = apps.get_model("measures", "Measure")
    types = {}
    for spec in LIST_TYPES:
        types[spec["code"]], _ = list_type_model.objects.get_or_create(code=spec["code"], defaults=spec)
    for position, (code, name, nature, force, condition, lists, business, basis) in enumerate(MEASURES):
        if measure_model.objects.filter(code=code).exists():
            continue
        measure = measure_model.objects.create(
            code=code,
            name=name,
            nature=nature,
            force=force,
            condition=condition,
            business_types=list(business),
            legal_basis=basis,
            position=position,
        )
        measure.list_types.set([types[c] for c in lists])
