"""Screening rows against subjects in the database: codes, names through the index, persons by
ID number only, false-match marks, malformed rows, refused files, and a fresh index."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from pubcredit.accounts.models import User
from pubcredit.accounts.tests.factories import ConsumerClerkFactory
from pubcredit.collection.parsers import FileRejected
from pubcredit.screening.models import FalseMatch, Outcome, ScreeningJob, ScreeningRow
from pubcredit.screening.services import false_match_mark, false_match_undo, screening_submit
from pubcredit.screening.tests.conftest import csv_bytes, xlsx_bytes
from pubcredit.subjects.models import Subject
from pubcredit.subjects.normalise import normalise_name
from pubcredit.subjects.tests.factories import OrgSubjectFactory, PersonSubjectFactory, make_id_number

pytestmark = pytest.mark.django_db


def _submit(actor: User, rows: list[list[Any]], *, name: str = "名单.xlsx") -> ScreeningJob:
    content = xlsx_bytes(rows) if name.endswith(".xlsx") else csv_bytes(rows)
    return screening_submit(actor=actor, file_name=name, content=content)


def _rows(job: ScreeningJob) -> dict[int, ScreeningRow]:
    return {row.row_number: row for row in job.rows.all()}


def _best(row: ScreeningRow) -> int | None:
    return row.candidates[0]["subject_id"] if row.candidates else None


@pytest.fixture
def firms(db: None) -> dict[str, Subject]:
    names = {
        "xian": "西安华信科技有限公司",
        "shaanxi": "陕西华信科技有限公司",
        "hengtong": "西安恒通建材有限责任公司",
        "dingsheng": "鼎盛丝路物流股份有限公司",
    }
    return {key: OrgSubjectFactory.create(name=name) for key, name in names.items()}


def test_an_exact_uscc_matches_whatever_the_name(clerk: User, firms: dict[str, Subject]) -> None:
    target = firms["hengtong"]
    assert target.uscc is not None
    job = _submit(clerk, [["统一社会信用代码", "名称"], [target.uscc.lower(), ""], [target.uscc, "别的名字"]])
    rows = _rows(job)
    assert job.state == "done"
    assert [(_best(rows[n]), rows[n].outcome, rows[n].candidates[0]["score"]) for n in (2, 3)] == [
        (target.pk, Outcome.MATCHED, 100),
        (target.pk, Outcome.MATCHED, 100),
    ]
    assert rows[3].candidates[0]["reason"].startswith("统一社会信用代码一致；但所填名称与登记名称")


@pytest.mark.parametrize(
    ("typed", "kind"),
    [
        ("华信科技（西安）有限公司", "brackets"),
        ("华信(西安)科技有限公司", "region moved"),
        ("西安华信科技有限责任公司", "suffix changed"),
        ("西安华鑫科技有限公司", "one character wrong (a homophone)"),
        ("西安華信科技有限公司", "traditional"),
        ("西安\u3000华信科技有限公司\u3000", "full-width"),
    ],
)
def test_each_name_variant_finds_the_registered_firm(
    clerk: User, firms: dict[str, Subject], typed: str, kind: str
) -> None:
    job = _submit(clerk, [["单位名称"], [typed]])
    row = _rows(job)[2]
    assert (row.outcome, _best(row)) == (Outcome.MATCHED, firms["xian"].pk), kind
    assert row.candidates[0]["reason"]
    # The other province's firm of the same trade name is offered below the match line, if at all.
    assert all(c["score"] < 85 for c in row.candidates[1:])


def test_a_true_non_match_is_not_matched(clerk: User, firms: dict[str, Subject]) -> None:
    job = _submit(clerk, [["企业名称"], ["宝鸡华信科技有限公司"], ["西安华信物流有限公司"], ["完全不同的名字"]])
    assert [row.outcome for row in job.rows.order_by("row_number")] == [Outcome.POSSIBLE, Outcome.NONE, Outcome.NONE]


def test_persons_are_found_by_their_id_number_only_and_shown_masked(clerk: User) -> None:
    person = PersonSubjectFactory.create(name="张三丰")
    other_id = make_id_number(999)
    job = _submit(
        clerk,
        [["姓名", "身份证号码"], ["张三丰", person.plain_id_number], ["张三丰", other_id], ["张三丰", ""]],
        name="名单.csv",
    )
    rows = _rows(job)
    found = rows[2].candidates
    assert [(c["subject_id"], c["name"], c["identifier"]) for c in found] == [
        (person.pk, "张**", person.id_number_masked)
    ]
    assert rows[2].input_code == person.id_number_masked
    assert person.plain_id_number not in str(rows[2].candidates) + rows[2].input_code + rows[2].input_key
    assert rows[2].input_name == "张**"
    # Another ID number, or a name alone, never finds the person.
    assert rows[3].candidates == [] and "没有该身份证号码" in rows[3].message
    assert rows[4].candidates == []


def test_a_malformed_code_is_reported_on_its_row_and_the_rest_is_screened(
    clerk: User, firms: dict[str, Subject]
) -> None:
    code = firms["xian"].uscc or ""
    bad = code[:17] + ("0" if code[17] != "0" else "1")
    job = _submit(
        clerk,
        [
            ["名称", "统一社会信用代码", "身份证号码"],
            ["西安华信科技有限公司", bad, ""],
            ["", "", "12345"],
            ["=HYPERLINK(1)", "", ""],
            ["鼎盛丝路物流股份有限公司", "", ""],
        ],
        name="名单.csv",
    )
    rows = _rows(job)
    assert job.state == "done" and job.processed_rows == 4
    assert "校验位错误" in rows[2].message and _best(rows[2]) == firms["xian"].pk
    assert "长度应为18位" in rows[3].message and rows[3].outcome == Outcome.INVALID
    assert "公式" in rows[4].message and rows[4].outcome == Outcome.INVALID
    assert _best(rows[5]) == firms["dingsheng"].pk


def test_a_file_without_the_columns_is_refused_naming_its_headers(clerk: User) -> None:
    with pytest.raises(FileRejected) as refused:
        _submit(clerk, [["投标人", "报价"], ["西安华信科技有限公司", "100"]])
    assert "“投标人”、“报价”" in refused.value.message
    assert "统一社会信用代码" in refused.value.message
    assert ScreeningJob.objects.count() == 0


def test_a_gbk_csv_is_read(clerk: User, firms: dict[str, Subject]) -> None:
    content = csv_bytes([["名称"], ["西安华信科技有限公司"]], encoding="gbk")
    job = screening_submit(actor=clerk, file_name="名单.csv", content=content)
    assert _best(_rows(job)[2]) == firms["xian"].pk


def test_a_false_match_is_not_offered_again_to_that_organisation_only(clerk: User, firms: dict[str, Subject]) -> None:
    job = _submit(clerk, [["名称"], ["华信科技（西安）有限公司"]])
    mark = false_match_mark(actor=clerk, job=job, row_number=2, subject_id=firms["xian"].pk)
    assert mark.input_label == "华信科技（西安）有限公司"

    again = _submit(clerk, [["名称"], ["西安华信科技有限责任公司"]])  # the same input key
    assert firms["xian"].pk not in [c["subject_id"] for c in _rows(again)[2].candidates]

    elsewhere = ConsumerClerkFactory.create()
    assert elsewhere.organisation_id != clerk.organisation_id
    theirs = _submit(elsewhere, [["名称"], ["华信科技（西安）有限公司"]])
    assert _best(_rows(theirs)[2]) == firms["xian"].pk

    false_match_undo(actor=clerk, mark=mark)
    after = _submit(clerk, [["名称"], ["华信科技（西安）有限公司"]])
    assert _best(_rows(after)[2]) == firms["xian"].pk
    assert FalseMatch.objects.get().undone_at is not None


def test_subjects_created_or_renamed_after_the_index_was_built_are_found(
    clerk: User, firms: dict[str, Subject]
) -> None:
    _submit(clerk, [["名称"], ["西安华信科技有限公司"]])  # builds the index
    new = OrgSubjectFactory.create(name="西安秦川云众科技有限公司")
    renamed = firms["hengtong"]
    renamed.name = "西安嘉禾晨光农业开发有限公司"
    renamed.name_normalized = normalise_name(renamed.name)
    renamed.save()
    job = _submit(
        clerk,
        [["名称"], ["秦川云众科技（西安）有限公司"], ["西安嘉禾晨光农业开发有限公司"], ["西安恒通建材有限责任公司"]],
    )
    rows = _rows(job)
    assert _best(rows[2]) == new.pk
    assert _best(rows[3]) == renamed.pk
    assert rows[4].outcome == Outcome.NONE  # the old name is gone


def test_the_screening_date_and_business_type_are_kept(clerk: User, firms: dict[str, Subject]) -> None:
    job = screening_submit(
        actor=clerk, file_name="a.csv", content=csv_bytes([["名称"], ["x公司"]]), business_type="政府采购"
    )
    assert job.business_type == "procurement"
    assert isinstance(job.screened_on, dt.date)


def test_a_saved_index_is_loaded_by_a_new_process_and_refreshed(
    settings: Any, tmp_path: Any, clerk: User, firms: dict[str, Subject]
) -> None:
    from pubcredit.screening.index import current_index, forget_indexes

    settings.PUBCREDIT_SCREENING_INDEX_DIR = str(tmp_path)
    _index, first = current_index()
    assert first.action == "built" and any(tmp_path.iterdir())
    forget_indexes()  # as a new worker process
    new = OrgSubjectFactory.create(name="西安汇源博远医药有限公司")
    _index, second = current_index()
    assert second.action == "loaded+refreshed" and second.added >= 1
    job = _submit(clerk, [["名称"], ["汇源博远医药（西安）有限公司"], ["西安华信科技有限公司"]])
    assert [_best(row) for row in job.rows.order_by("row_number")] == [new.pk, firms["xian"].pk]


def test_a_code_match_marked_false_falls_back_to_the_name(clerk: User, firms: dict[str, Subject]) -> None:
    wrong = firms["hengtong"]
    job = _submit(clerk, [["名称", "统一社会信用代码"], ["西安华信科技有限公司", wrong.uscc]])
    assert _best(_rows(job)[2]) == wrong.pk
    false_match_mark(actor=clerk, job=job, row_number=2, subject_id=wrong.pk)
    again = _submit(clerk, [["名称", "统一社会信用代码"], ["西安华信科技有限公司", wrong.uscc]])
    assert _best(_rows(again)[2]) == firms["xian"].pk
