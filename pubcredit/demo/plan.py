"""Which department provides which catalogue item in the demo city, and how often.

Every seeded catalogue item has at least one provider, so the demo covers all five classes and
three kinds. The weights shape the ~90,000 records drawn after one registration record per
organisation and one identity record per person.
"""

from __future__ import annotations

# item code -> (relative weight, providers by short name)
ITEM_PLAN: dict[str, tuple[int, tuple[str, ...]]] = {
    "XK": (300, ("市场监管局", "生态环境局", "住建局", "交通局", "卫健委", "教育局", "文旅局", "商务局", "水务局")),
    "CF": (160, ("市场监管局", "税务局", "生态环境局", "住建局", "交通局", "应急局", "城管局", "医保局", "卫健委")),
    "RZ": (40, ("市场监管局",)),
    "NJ": (60, ("市场监管局", "交通局")),
    "DJG": (40, ("市场监管局",)),
    "JYYC": (30, ("市场监管局",)),
    "QJ": (40, ("税务局",)),
    "XYPJ": (40, ("税务局", "住建局")),
    "LD": (20, ("人社局",)),
    "SBPQ": (8, ("人社局", "医保局")),
    "HXLD": (10, ("人社局",)),
    "SG": (8, ("应急局",)),
    "JT": (30, ("公安局",)),
    "KS": (6, ("教育局",)),
    "SX": (30, ("中院",)),
    "XSPJ": (6, ("中院",)),
    "GG": (6, ("中院",)),
    "BZ": (30, ("市发改委", "文旅局", "教育局", "民政局")),
    "ZY": (30, ("民政局",)),
    "QTLH": (10, ("财政局", "市发改委")),
    "QTBL": (8, ("财政局",)),
    "QZ": (15, ("城管局", "生态环境局")),
    "QP": (5, ("资源规划局",)),
    "CN": (10, ("商务局", "市发改委")),
    "JR": (4, ("市发改委",)),
    "QTJB": (10, ("市发改委",)),
    "ZRXL": (20, ("人社局",)),
}
# One per subject, by kind: registration for organisations, identity for persons.
PER_SUBJECT_ITEMS: dict[str, tuple[str, str]] = {"org": ("DJ", "市场监管局"), "person": ("ZRJB", "公安局")}
