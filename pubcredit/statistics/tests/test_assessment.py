"""The provider assessment (考核, 西安 第五条、第六条): the figures on the page, in the PDF and in
the workbook equal the counts of the source rows made here and rolled up; periods parse or are
refused in Chinese; only operators and the authority open it; each download is audited.

The scene, in 2026 (today 2026-10-15, so the default period is 2026-Q3):
- 甲局 (雁塔区): five records in Q3, four with a due date and three of those on time (75.0%), one
  more on 2026-09-30 on time, and one on 2026-10-01 (Q4, not counted in Q3); batches of 10 rows
  with 1 rejected received 2026-09-30 23:30 (Q3) and of 5 rows all rejected on 2026-10-01 00:10
  (Q4); objection items: corrected, confirmed, platform-corrected, one overdue and unanswered;
  a repair decided in September and an overdue one; as implementing department one measure task
  fed back and one overdue.
- 乙局 (雁塔区): three records, all on time (100.0%); a batch of 4 rows, none rejected.
- 丙局 (碑林区, its short name starts with "=" to test inert cells): two records with no due
  date, no batches: on-time and error rates "—", unranked.
"""

from __future__ import annotations

import datetime as dt
import io
import re
from dataclasses import dataclass
from typing import Any

import pypdfium2 as pdfium
import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from pubcredit.accounts.models import Organisation, User
from pubcredit.accounts.tests.factories import (
    PERSONAS,
    AuthorityFactory,
    OperatorFactory,
    ProviderClerkFactory,
    ProviderOrganisationFactory,
    SubjectAccountFactory,
)
from pubcredit.collection.models import Batch, BatchChannel, BatchStatus
from pubcredit.core.models import AuditEvent
from pubcredit.core.roles import Role
from pubcredit.disclosure.tests.factories import catalog_item, make_record
from pubcredit.lists.tests.conftest import (  # noqa: F401
    decision_storage,
    on,
    seeded_list_types_and_measures,
)
from pubcredit.lists.tests.factories import enter
from pubcredit.measures.models import Measure, MeasureTask, TaskState
from pubcredit.objections.models import Channel, Ground, ItemResult, ItemState, Objection, ObjectionItem
from pubcredit.records.models import Record
from pubcredit.repairs.models import RepairApplication, RepairState
from pubcredit.statistics.assessment import (
    Period,
    ProviderRow,
    Rate,
    assess,
    assessment_build,
    default_period,
    parse_period,
)
from pubcredit.statistics.assessment_render import assessment_pdf
from pubcredit.statistics.rollup import rollup_run
from pubcredit.subjects.models import Subject

pytestmark = pytest.mark.django_db
D = dt.date
TODAY = D(2026, 10, 15)


@dataclass
class Scene:
    first: Organisation  # 甲局
    second: Organisation  # 乙局
    third: Organisation  # 丙局, nothing due
    operator: User
    authority: User


def _record(subject: Subject, by: Organisation, reported: dt.date, due: dt.date | None) -> Record:
    record = make_record(subject, by=by, decided_on=reported)
    Record.objects.filter(pk=record.pk).update(report_due_on=due)
    record.report_due_on = due
    return record


def _batch(by: Organisation, ref: str, received: dt.datetime, rows: int, rejected: int) -> None:
    item = catalog_item()
    Batch.objects.create(
        provider=by,
        item=item,
        item_code=item.code,
        ref=ref,
        channel=BatchChannel.API,
        status=BatchStatus.PARTIAL if rejected else BatchStatus.ACCEPTED,
        content_sm3="0" * 64,
        rows_total=rows,
        rows_created=rows - rejected,
        rows_rejected=rejected,
        submitted_by_label="测试报送",
        received_at=received,
        finished_at=received,
    )


def _shanghai(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    from zoneinfo import ZoneInfo

    return dt.datetime(day.year, day.month, day.day, hour, minute, tzinfo=ZoneInfo("Asia/Shanghai"))


def _objection(subject: Subject, number: str, items: list[tuple[Record, dict[str, Any]]]) -> None:
    objection = Objection.objects.create(
        number=number,
        subject=subject,
        channel=Channel.COUNTER,
        ground=Ground.ERROR,
        statement="记录有误",
        received_on=D(2026, 8, 10),
        pack="xian",
        state="verifying",
    )
    for record, fields in items:
        ObjectionItem.objects.create(
            objection=objection, record=record, item_code=record.item_code, provider=record.provider, **fields
        )


def _repair(account: User, record: Record, number: str, **fields: Any) -> RepairApplication:
    assert account.subject is not None
    return RepairApplication.objects.create(
        number=number,
        subject=account.subject,
        applicant=account,
        record=record,
        provider=record.provider,
        ground="已缴清罚款",
        commitment_text="承诺",
        commitment_signed_at=_shanghai(D(2026, 8, 1), 9),
        received_on=D(2026, 8, 1),
        pack="xian",
        **fields,
    )


@pytest.fixture
def scene(db: None) -> Scene:
    first = ProviderOrganisationFactory.create(name="西安市甲局", short_name="甲局", district="雁塔区")
    second = ProviderOrganisationFactory.create(name="西安市乙局", short_name="乙局", district="雁塔区")
    third = ProviderOrganisationFactory.create(name="西安市丙局", short_name="=丙局", district="碑林区")
    lister = ProviderClerkFactory.create()  # another department: its list entry is no assessed figure
    account = SubjectAccountFactory.create()
    subject = account.subject
    assert subject is not None

    # Records: reported_on places them in a month, report_due_on decides on time.
    first_records = [
        _record(subject, first, D(2026, 7, 3), D(2026, 7, 10)),
        _record(subject, first, D(2026, 8, 20), D(2026, 8, 10)),  # late
        _record(subject, first, D(2026, 9, 1), D(2026, 9, 1)),
        _record(subject, first, D(2026, 9, 30), D(2026, 10, 9)),  # the quarter's last day
        _record(subject, first, D(2026, 7, 15), None),  # nothing due
    ]
    _record(subject, first, D(2026, 10, 1), D(2026, 9, 28))  # Q4 and late: not in Q3
    for day in (D(2026, 7, 1), D(2026, 8, 1), D(2026, 9, 1)):
        _record(subject, second, day, day)
    _record(subject, third, D(2026, 8, 5), None)
    _record(subject, third, D(2026, 9, 5), None)

    _batch(first, "A-1", _shanghai(D(2026, 9, 30), 23, 30), rows=10, rejected=1)
    _batch(first, "A-2", _shanghai(D(2026, 10, 1), 0, 10), rows=5, rejected=5)
    _batch(second, "B-1", _shanghai(D(2026, 7, 20), 10), rows=4, rejected=0)

    with on(D(2026, 8, 10)):
        _objection(
            subject,
            "YY2026000001",
            [
                (
                    first_records[0],
                    {"state": ItemState.DONE, "result": ItemResult.CORRECTED, "answered_on": D(2026, 8, 20)},
                ),
                (
                    first_records[1],
                    {"state": ItemState.DONE, "result": ItemResult.CONFIRMED, "answered_on": D(2026, 8, 21)},
                ),
                (
                    first_records[2],
                    {
                        "state": ItemState.DONE,
                        "result": ItemResult.PLATFORM_CORRECTED,
                        "answered_on": D(2026, 8, 11),
                    },
                ),
                (first_records[3], {"state": ItemState.VERIFYING, "overdue": True}),
            ],
        )
    with on(D(2026, 8, 1)):
        _repair(
            account,
            first_records[1],
            "XF2026000001",
            state=RepairState.ACCEPTED,
            decided_at=_shanghai(D(2026, 9, 10), 15),
        )
        _repair(account, first_records[4], "XF2026000002", overdue=True, overdue_since=D(2026, 8, 25))

    with on(D(2026, 7, 6)):
        entry = enter(lister, subject, decided_on=D(2026, 7, 6))
    MeasureTask.objects.create(
        entry=entry,
        measure=Measure.objects.get(code="B04"),
        department=first,
        state=TaskState.APPLIED,
        created_at=_shanghai(D(2026, 7, 6), 10),
        due_on=D(2026, 7, 20),
        applied_on=D(2026, 9, 2),
        feedback="已实施",
        fed_back_at=_shanghai(D(2026, 9, 2), 11),
        fed_back_by_label="甲局经办人",
    )
    MeasureTask.objects.create(
        entry=entry,
        measure=Measure.objects.get(code="B05"),
        department=first,
        created_at=_shanghai(D(2026, 7, 6), 10),
        due_on=D(2026, 7, 20),
        overdue=True,
    )

    with on(TODAY, hour=9):
        rollup_run()
    return Scene(
        first=first,
        second=second,
        third=third,
        operator=OperatorFactory.create(),
        authority=AuthorityFactory.create(),
    )


# What the scene's source rows give for 2026-Q3, by organisation.
EXPECTED: dict[str, dict[str, Any]] = {
    "甲局": {
        "rank": "2",
        "collected": "5",
        "on_time": ("75.0%", "3/4"),
        "errors": ("10.0%", "1/10"),
        "objections": "4",
        "answered": "2",
        "objections_overdue": "1",
        "wrong": ("50.0%", "1/2"),
        "repairs_decided": "1",
        "repairs_overdue": "1",
        "tasks_fed_back": "1",
        "tasks_overdue": "1",
    },
    "乙局": {
        "rank": "1",
        "collected": "3",
        "on_time": ("100.0%", "3/3"),
        "errors": ("0.0%", "0/4"),
        "objections": "0",
        "answered": "0",
        "objections_overdue": "0",
        "wrong": ("—", "0/0"),
        "repairs_decided": "0",
        "repairs_overdue": "0",
        "tasks_fed_back": "0",
        "tasks_overdue": "0",
    },
    "=丙局": {
        "rank": "—",
        "collected": "2",
        "on_time": ("—", "0/0"),
        "errors": ("—", "0/0"),
        "objections": "0",
        "answered": "0",
        "objections_overdue": "0",
        "wrong": ("—", "0/0"),
        "repairs_decided": "0",
        "repairs_overdue": "0",
        "tasks_fed_back": "0",
        "tasks_overdue": "0",
    },
}
ORDER = ["乙局", "甲局", "=丙局"]


def _build(period: Period, district: str = "") -> Any:
    with on(TODAY, hour=11):
        from django.utils import timezone

        return assessment_build(period=period, district=district, now=timezone.now(), today=TODAY)


def _client(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _get(user: User | None, name: str, **query: str) -> Any:
    client = _client(user) if user is not None else Client()
    with on(TODAY, hour=11):
        return client.get(reverse(name), query)


# --- the computation -------------------------------------------------------------------------


def test_the_rows_equal_the_source_rows_of_the_quarter(scene: Scene) -> None:
    report = _build(Period("quarter", 2026, 3))
    assert [row.name for row in report.rows] == ORDER
    first, second, third = (report.rows[1], report.rows[0], report.rows[2])
    assert (first.rank, first.collected, first.on_time, first.errors) == (2, 5, Rate(3, 4), Rate(1, 10))
    assert (first.objections, first.answered, first.objections_overdue, first.wrong) == (4, 2, 1, Rate(1, 2))
    assert (first.repairs_decided, first.repairs_overdue, first.tasks_fed_back, first.tasks_overdue) == (1, 1, 1, 1)
    assert (second.rank, second.on_time.percent, second.errors.percent, second.wrong.percent) == (
        1,
        "100.0%",
        "0.0%",
        "—",
    )
    assert (third.rank, third.on_time.percent, third.errors.percent) == (None, "—", "—")
    assert report.rollup is not None and report.caveat == ""


def test_months_and_the_year_split_at_the_quarter_boundary(scene: Scene) -> None:
    september = {row.name: row for row in _build(Period("month", 2026, 9)).rows}
    assert september["甲局"].on_time == Rate(2, 2)  # 09-01 and 09-30
    assert september["甲局"].errors == Rate(1, 10)  # 23:30 on 09-30 in Shanghai is September
    october = {row.name: row for row in _build(Period("month", 2026, 10)).rows}
    assert set(october) == {"甲局"}
    assert (october["甲局"].collected, october["甲局"].on_time, october["甲局"].errors) == (1, Rate(0, 1), Rate(5, 5))
    year = {row.name: row for row in _build(Period("year", 2026, 0)).rows}
    assert (year["甲局"].collected, year["甲局"].on_time, year["甲局"].errors) == (6, Rate(3, 5), Rate(6, 15))


def test_the_report_says_when_its_figures_are_not_the_periods_final_ones(scene: Scene) -> None:
    assert "统计期间尚未结束" in _build(Period("quarter", 2026, 4)).caveat
    assert _build(Period("quarter", 2026, 3)).caveat == ""


def test_a_rollup_from_before_the_period_ended_is_called_incomplete(db: None) -> None:
    with on(D(2026, 9, 20)):
        rollup_run()
    assert "最近一次统计汇总早于统计期间结束" in _build(Period("quarter", 2026, 3)).caveat
    assert _build(Period("month", 2026, 8)).caveat == ""


def test_before_any_rollup_the_report_says_so(db: None) -> None:
    report = _build(Period("quarter", 2026, 3))
    assert (report.rows, report.rollup, report.caveat) == ([], None, "尚未进行统计汇总，暂无数据。")


def test_the_district_filter_keeps_its_providers_only(scene: Scene) -> None:
    assert [row.name for row in _build(Period("quarter", 2026, 3), "碑林区").rows] == ["=丙局"]
    assert [row.name for row in _build(Period("quarter", 2026, 3), "雁塔区").rows] == ["乙局", "甲局"]


def test_equal_rates_share_a_rank_platform_results_are_not_the_providers_and_nothing_due_is_a_dash() -> None:
    totals: list[dict[str, Any]] = [
        {"organisation_id": 1, "metric": "records.with_due", "dimension": "", "value": 2},
        {"organisation_id": 1, "metric": "records.on_time", "dimension": "", "value": 1},
        {"organisation_id": 2, "metric": "records.with_due", "dimension": "", "value": 4},
        {"organisation_id": 2, "metric": "records.on_time", "dimension": "", "value": 2},
        {"organisation_id": 3, "metric": "records.with_due", "dimension": "", "value": 3},
        {"organisation_id": 3, "metric": "records.on_time", "dimension": "", "value": 3},
        {"organisation_id": 4, "metric": "objections.answered", "dimension": "platform_withdrawn", "value": 5},
        {"organisation_id": 4, "metric": "objections.answered", "dimension": "unverifiable_deleted", "value": 2},
        {"organisation_id": 4, "metric": "objections.answered", "dimension": "corrected", "value": 1},
        {"organisation_id": 5, "metric": "queries.logged", "dimension": "", "value": 9},  # not assessed
        {"organisation_id": None, "metric": "records.collected", "dimension": "", "value": 9},
    ]
    rows = assess(totals, {1: "一", 2: "二", 3: "三", 4: "四"})
    assert [(row.name, row.rank) for row in rows] == [("三", 1), ("一", 2), ("二", 2), ("四", None)]
    fourth: ProviderRow = rows[3]
    assert (fourth.answered, fourth.wrong, fourth.on_time.percent) == (3, Rate(1, 3), "—")


@pytest.mark.parametrize(
    ("rate", "shown"),
    [
        (Rate(2, 3), "66.7%"),
        (Rate(1, 16), "6.3%"),
        (Rate(1, 8), "12.5%"),
        (Rate(0, 5), "0.0%"),
        (Rate(5, 5), "100.0%"),
        (Rate(1, 2001), "<0.1%"),
        (Rate(2000, 2001), ">99.9%"),
        (Rate(0, 0), "—"),
    ],
)
def test_rates_round_half_up_to_one_decimal_and_never_to_nil_or_whole(rate: Rate, shown: str) -> None:
    assert rate.percent == shown


# --- periods ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "code", "label", "first", "last"),
    [
        ("2026-Q3", "2026-Q3", "2026年第三季度", D(2026, 7, 1), D(2026, 9, 30)),
        (" 2026-q1 ", "2026-Q1", "2026年第一季度", D(2026, 1, 1), D(2026, 3, 31)),
        ("2026-09", "2026-09", "2026年9月", D(2026, 9, 1), D(2026, 9, 30)),
        ("2024-2", "2024-02", "2024年2月", D(2024, 2, 1), D(2024, 2, 29)),
        ("2025", "2025", "2025年", D(2025, 1, 1), D(2025, 12, 31)),
        ("", "2026-Q3", "2026年第三季度", D(2026, 7, 1), D(2026, 9, 30)),
        (None, "2026-Q3", "2026年第三季度", D(2026, 7, 1), D(2026, 9, 30)),
    ],
)
def test_valid_periods(text: str | None, code: str, label: str, first: dt.date, last: dt.date) -> None:
    period = parse_period(text, today=TODAY)
    assert (period.code, period.label, period.first_day, period.last_day) == (code, label, first, last)


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("2026-13", "月份须为 1 至 12"),
        ("2026-00", "月份须为 1 至 12"),
        ("2026-Q5", "季度须为 Q1 至 Q4"),
        ("2026-Q0", "季度须为 Q1 至 Q4"),
        ("2026Q3", "无法识别"),
        ("26-Q1", "无法识别"),
        ("第三季度", "无法识别"),
        ("1999", "2000 年以后"),
        ("2026-11", "尚未开始"),
        ("2027", "尚未开始"),
    ],
)
def test_invalid_periods_are_refused_naming_the_value(text: str, reason: str) -> None:
    from pubcredit.core.errors import ValidationFailed

    with pytest.raises(ValidationFailed) as refused:
        parse_period(text, today=TODAY)
    assert f"“{text}”" in refused.value.message and reason in refused.value.message


@pytest.mark.parametrize(
    ("today", "code"),
    [(D(2026, 1, 10), "2025-Q4"), (D(2026, 3, 31), "2025-Q4"), (D(2026, 4, 1), "2026-Q1"), (TODAY, "2026-Q3")],
)
def test_the_default_is_the_last_full_quarter(today: dt.date, code: str) -> None:
    assert default_period(today).code == code


# --- the page and the files ------------------------------------------------------------------


def _html_rows(html: str) -> dict[str, dict[str, Any]]:
    rows: dict[str, dict[str, Any]] = {}
    for body in re.findall(r"<tr data-organisation=\"\d+\">(.*?)</tr>", html, flags=re.S):
        name = re.search(r"<th scope=\"row\">(.*?)</th>", body, flags=re.S)
        assert name is not None
        cells: dict[str, Any] = {"rank": re.findall(r"<td>(.*?)</td>", body)[0]}
        for key, value in re.findall(r"<td data-indicator=\"(\w+)\">(.*?)</td>", body, flags=re.S):
            parts = re.match(r"(.*?)<br><span class=\"pc-muted\">(.*?)</span>", value)
            cells[key] = (parts[1], parts[2]) if parts else value
        rows[name[1].replace("&#x3D;", "=")] = cells
    return rows


def test_the_page_shows_the_figures_of_the_default_quarter(scene: Scene) -> None:
    response = _get(scene.operator, "statistics:assessment")
    assert response.status_code == 200
    html = response.content.decode()
    rows = _html_rows(html)
    assert list(rows) == ORDER
    assert rows == EXPECTED
    assert "2026年第三季度" in html and "完成于 2026-10-15 09:00" in html
    assert 'href="/statistics/assessment/pdf/?period=2026-Q3"' in html
    assert "各项指标的权重由主管部门确定" in html


def test_the_page_for_a_district_links_downloads_for_it(scene: Scene) -> None:
    response = _get(scene.authority, "statistics:assessment", period="2026-Q3", district="碑林区")
    assert response.status_code == 200
    html = response.content.decode()
    assert list(_html_rows(html)) == ["=丙局"]
    assert "period=2026-Q3&amp;district=%E7%A2%91%E6%9E%97%E5%8C%BA" in html


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ({"period": "2026-13"}, "统计期间“2026-13”无效：月份须为 1 至 12"),
        ({"period": "2026-Q5"}, "统计期间“2026-Q5”无效：季度须为 Q1 至 Q4"),
        ({"period": "abc"}, "统计期间“abc”无法识别"),
        ({"district": "火星区"}, "区县“火星区”没有统计数据"),
    ],
)
@pytest.mark.parametrize("name", ["statistics:assessment", "statistics:assessment_pdf", "statistics:assessment_xlsx"])
def test_bad_input_answers_400_in_chinese_and_nothing_is_audited(
    scene: Scene, name: str, query: dict[str, str], message: str
) -> None:
    before = AuditEvent.objects.filter(action="statistics.assessment_download").count()
    response = _get(scene.operator, name, **query)
    assert response.status_code == 400
    assert response["Content-Type"].startswith("text/html")
    assert message in response.content.decode()
    assert AuditEvent.objects.filter(action="statistics.assessment_download").count() == before


def _pdf_text(content: bytes) -> tuple[str, int]:
    document = pdfium.PdfDocument(content)
    try:
        text = "\n".join(page.get_textpage().get_text_range() for page in document)
        return text, len(document)
    finally:
        document.close()


def test_the_pdf_holds_the_same_figures_the_cover_line_and_the_notes(scene: Scene) -> None:
    response = _get(scene.operator, "statistics:assessment_pdf", period="2026-Q3")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'attachment; filename="assessment-2026-Q3.pdf"'
    text, pages = _pdf_text(response.content)
    assert pages == 1
    flat = re.sub(r"\s+", " ", text)
    assert "统计期间：2026年第三季度（2026-07-01 至 2026-09-30）" in flat
    assert "生成时间：2026-10-15 11:00" in flat
    assert "完成于 2026-10-15 09:00" in flat
    # Each provider's line, in rank order, reads as the page's figures do.
    lines = []
    for name in ORDER:
        cells = EXPECTED[name]
        parts: list[str] = [cells["rank"], name]
        for key in list(cells)[1:]:
            value = cells[key]
            parts.extend(value if isinstance(value, tuple) else [value])
        lines.append(" ".join(parts))
    positions = [flat.find(line) for line in lines]
    assert all(position >= 0 for position in positions), (lines, flat)
    assert positions == sorted(positions)
    assert "记录有误占比：已答复的异议信息项中本单位更正了记录的比例" in flat
    assert "南通 第二十条" in flat


def test_the_pdf_table_fits_the_page(scene: Scene) -> None:
    """The widest heading and the last column's figures lie inside the page's right margin."""
    with on(TODAY, hour=11):
        content = assessment_pdf(_build(Period("quarter", 2026, 3)))
    document = pdfium.PdfDocument(content)
    try:
        page = document[0]
        width, height = page.get_size()
        assert width > height  # landscape
        textpage = page.get_textpage()
        searcher = textpage.search("奖惩反馈逾期")
        found = searcher.get_next()
        assert found is not None
        left, _bottom, right, _top = textpage.get_charbox(found[0] + found[1] - 1)
        assert right < width - 12 * 72 / 25.4 + 1
        assert left > width * 0.8
    finally:
        document.close()


def test_the_workbook_holds_the_same_figures_with_inert_text(scene: Scene) -> None:
    response = _get(scene.authority, "statistics:assessment_xlsx", period="2026-Q3")
    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="assessment-2026-Q3.xlsx"'
    book = load_workbook(io.BytesIO(response.content))
    sheet = book["考核情况"]
    values = [list(row) for row in sheet.iter_rows(values_only=True)]
    header = values.index(next(row for row in values if row and row[0] == "排名"))
    assert values[1][:2] == ["统计期间", "2026年第三季度（2026-07-01 至 2026-09-30）"]
    assert values[4][1] == "统计汇总，完成于 2026-10-15 09:00"
    body = {row[1]: row for row in values[header + 1 :]}
    assert list(body) == ["乙局", "甲局", "'=丙局"]
    assert body["甲局"] == [2, "甲局", 5, 4, 3, 0.75, 10, 1, 0.1, 4, 2, 1, 1, 0.5, 1, 1, 1, 1]
    assert body["乙局"] == [1, "乙局", 3, 3, 3, 1.0, 4, 0, 0.0, 0, 0, 0, 0, "—", 0, 0, 0, 0]
    assert body["'=丙局"] == ["—", "'=丙局", 2, 0, 0, "—", 0, 0, "—", 0, 0, 0, 0, "—", 0, 0, 0, 0]
    for worksheet in book.worksheets:
        for row in worksheet.iter_rows():
            for cell in row:
                assert cell.data_type != "f", f"{worksheet.title}!{cell.coordinate} is a formula"
    first = next(row for row in sheet.iter_rows(min_row=header + 2) if row[1].value == "甲局")
    rates = [cell.number_format for cell in first]
    assert rates[5] == rates[8] == rates[13] == "0.0%"
    assert [row[0] for row in book["指标说明"].iter_rows(values_only=True)][1:4] == ["归集记录", "按时报送率", "差错率"]


@pytest.mark.parametrize("file_format", ["pdf", "xlsx"])
def test_each_download_is_audited_with_period_and_format(scene: Scene, file_format: str) -> None:
    response = _get(scene.operator, f"statistics:assessment_{file_format}", period="2026-09", district="雁塔区")
    assert response.status_code == 200
    event = AuditEvent.objects.filter(action="statistics.assessment_download").get()
    assert event.actor_id == scene.operator.pk
    assert event.data["period"] == "2026-09"
    assert event.data["format"] == file_format
    assert event.data["district"] == "雁塔区"
    assert event.data["providers"] == 2  # 甲局 and 乙局 both reported in September


def test_viewing_the_page_is_not_a_download(scene: Scene) -> None:
    assert _get(scene.operator, "statistics:assessment").status_code == 200
    assert not AuditEvent.objects.filter(action="statistics.assessment_download").exists()


# --- who may open it -------------------------------------------------------------------------

NAMES = ["statistics:assessment", "statistics:assessment_pdf", "statistics:assessment_xlsx"]


@pytest.mark.parametrize("name", NAMES)
def test_the_public_is_sent_to_the_login_page(db: None, name: str) -> None:
    response = _get(None, name)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse(settings.LOGIN_URL) + "?next=")


@pytest.mark.parametrize("name", NAMES)
@pytest.mark.parametrize("role", [Role.SUBJECT, Role.PROVIDER, Role.CONSUMER, Role.AUDITOR])
def test_other_roles_are_refused(db: None, name: str, role: Role) -> None:
    response = _get(PERSONAS[role].create(), name)
    assert response.status_code == 403
    assert not AuditEvent.objects.filter(action="statistics.assessment_download").exists()


@pytest.mark.parametrize("name", NAMES)
@pytest.mark.parametrize("role", [Role.OPERATOR, Role.AUTHORITY])
def test_operators_and_the_authority_open_it_even_before_any_rollup(db: None, name: str, role: Role) -> None:
    response = _get(PERSONAS[role].create(), name)
    assert response.status_code == 200
    if name == "statistics:assessment":
        html = response.content.decode()
        assert "尚未进行统计汇总" in html and "该期间没有信息提供单位的统计数据" in html
