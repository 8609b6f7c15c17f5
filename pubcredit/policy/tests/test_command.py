"""`pubcredit policy show|check|list`."""

from __future__ import annotations

from io import StringIO

import pytest
import time_machine
from django.core.management import CommandError, call_command
from django.test import override_settings

from pubcredit.policy.tests.packfiles import PackWriter, shipped


def _run(*args: str) -> str:
    out = StringIO()
    call_command("policy", *args, stdout=out)
    return out.getvalue()


def test_show_lists_every_key_with_value_pack_and_article() -> None:
    out = _run("show", "xian", "--on", "2026-11-22")
    assert "Policy pack xian (西安市): 西安市公共信用信息管理办法" in out
    rows = {
        line.split()[0]: line.split() for line in out.splitlines() if line.startswith(("objection.", "disclosure."))
    }
    assert rows["objection.provider_answer_wd"] == ["objection.provider_answer_wd", "10", "xian", "西安", "第三十条"]
    assert rows["objection.review_wd"][1:3] == ["unset", "national"]
    assert rows["disclosure.tier_max_months.severe"][1:3] == ["36", "national"]
    assert "(from 2026-04-01)" in " ".join(rows["disclosure.tier_max_months.severe"])
    assert "57 parameters: 23 from xian, 34 from national" in out


def test_show_columns_are_aligned() -> None:
    lines = _run("show", "dalian", "--on", "2026-11-22").splitlines()
    header = next(line for line in lines if line.startswith("KEY"))
    columns = [header.index(name) for name in ("VALUE", "PACK", "ARTICLE")]
    rows = [
        line for line in lines if line.split() and line.split()[0] in {"objection.first_check_wd", "repair.excluded"}
    ]
    assert len(rows) == 2
    for row in rows:
        for column in columns:
            assert row[column - 1] == " " and row[column] != " ", (row, column)


def test_show_defaults_to_the_configured_pack_and_today() -> None:
    with override_settings(PUBCREDIT_POLICY="nantong"), time_machine.travel("2026-03-31 10:00 +0800", tick=False):
        out = _run("show", "--notes")
    assert "values in force on 2026-03-31" in out
    assert "南通 第十四条" in out
    assert "对处于异议处理期的信用信息予以标注" in out  # a note printed under its row
    tier = next(line for line in out.splitlines() if line.startswith("disclosure.tier_max_months.severe"))
    assert tier.split()[1] == "unset"


def test_show_says_when_a_pack_is_not_in_force() -> None:
    out = _run("show", "shaoshan", "--on", "2026-11-22")
    assert "shaoshan is not in force on 2026-11-22: the national baseline applies." in out
    assert "from shaoshan" in out and "0 from shaoshan" in out


def test_check_reports_all_packs_valid() -> None:
    assert _run("check").strip() == "7 packs valid"


def test_check_lists_problems_and_fails(pack_dir: PackWriter) -> None:
    folder = pack_dir(xian=shipped("xian").replace("[objection.provider_answer_wd]", "[objection.provder_answer_wd]"))
    err = StringIO()
    with pytest.raises(CommandError) as caught:
        call_command("policy", "check", "--dir", str(folder), stdout=StringIO(), stderr=err)
    assert caught.value.returncode == 1
    assert "xian.toml: unknown key 'objection.provder_answer_wd'" in err.getvalue()


def test_list_shows_names_and_dates() -> None:
    lines = _run("list").splitlines()
    assert lines[0].split() == ["CODE", "NAME", "FROM", "TO", "TITLE"]
    shaoshan = next(line for line in lines if line.startswith("shaoshan"))
    assert shaoshan.split()[:4] == ["shaoshan", "韶山市", "2018-01-23", "2020-01-22"]
    assert next(line for line in lines if line.startswith("dalian")).split()[2] == "2016-08-01"
