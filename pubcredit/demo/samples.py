"""Two 行政处罚 files in the national 双公示 layout for trying the provider's upload page.

One lands whole; the other has three bad rows, so the clerk sees a refused batch and its report
(row, field, reason) before fixing it. The subjects are demo organisations already on the
platform; the decisions are a few days before today, so they are never in the future.
"""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path

from django.utils import timezone

from pubcredit.subjects.identifiers import uscc_check_character
from pubcredit.subjects.models import Subject, SubjectKind

HEADERS = [
    "CF_XDR_MC",
    "CF_XDR_LB",
    "CF_XDR_SHXYM",
    "CF_FRDB",
    "CF_WSH",
    "CF_WFXW",
    "CF_SY",
    "CF_YJ",
    "CF_CFLB",
    "CF_NR",
    "CF_NR_FK",
    "CF_JDRQ",
    "CF_YXQ",
    "CF_CFJG",
    "CF_CFJGDM",
    "CF_SJLY",
    "CF_SJLYDM",
    "失信等级",
]
GOOD_NAME = "行政处罚-可入库.csv"
BAD_NAME = "行政处罚-有问题.csv"
DEPARTMENT = "西安市市场监督管理局"
_DEPARTMENT_CODE = "11610100MB1930338"
DEPARTMENT_USCC = _DEPARTMENT_CODE + uscc_check_character(_DEPARTMENT_CODE)


def _row(subject: Subject, number: int, decided: dt.date) -> list[str]:
    return [
        subject.name,
        "法人及非法人组织",
        subject.uscc or "",
        "王某",
        f"西市监罚〔{decided.year}〕示例{number:03d}号",
        "未按规定公示年度报告",
        "当事人未按规定报送年度报告，经责令限期改正仍未改正。",
        "《中华人民共和国行政处罚法》第二十八条",
        "罚款",
        "罚款人民币五千元整",
        "0.5",
        decided.isoformat(),
        (decided + dt.timedelta(days=365)).isoformat(),
        DEPARTMENT,
        DEPARTMENT_USCC,
        DEPARTMENT,
        DEPARTMENT_USCC,
        "一般",
    ]


def write_sample_files(directory: Path, *, rows: int = 20) -> list[Path]:
    """Write both files (UTF-8 with BOM, as Excel saves them) and return their paths."""
    today = timezone.localdate()
    subjects = list(Subject.objects.filter(kind=SubjectKind.ORG).order_by("pk")[:rows])
    if not subjects:
        return []
    directory.mkdir(parents=True, exist_ok=True)
    good = [_row(s, i, today - dt.timedelta(days=2 + i % 5)) for i, s in enumerate(subjects, start=1)]
    bad = [list(r) for r in good[:6]]
    bad = [[*r[:4], r[4].replace("示例", "待改"), *r[5:]] for r in bad]
    bad[1][2] = bad[1][2][:-1] + ("0" if bad[1][2][-1] != "0" else "1")  # wrong check character
    bad[3][11] = (today + dt.timedelta(days=30)).isoformat()  # a decision in the future
    bad[4][9] = '=HYPERLINK("http://example.com")'  # a formula
    paths = []
    for name, data in ((GOOD_NAME, good), (BAD_NAME, bad)):
        path = directory / name
        with path.open("w", newline="", encoding="utf-8-sig") as fh:
            writer = csv.writer(fh)
            writer.writerow(HEADERS)
            writer.writerows(data)
        paths.append(path)
    return paths
