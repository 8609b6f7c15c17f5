import datetime as dt

import pytest
import time_machine

from pubcredit.catalog.services import catalog_item_revise

pytestmark = pytest.mark.django_db

TODAY = dt.datetime(2025, 6, 10, 9, 0, tzinfo=dt.UTC)


@time_machine.travel(TODAY)
def test_list_filters_by_class_and_kind(client, seeded):
    everything = client.get("/api/v1/catalog").json()
    assert {row["code"] for row in everything} >= {"XK", "CF", "SX", "BZ"}
    bad_judgments = client.get("/api/v1/catalog", {"info_class": "judgment", "kind": "bad"}).json()
    assert bad_judgments and all(r["info_class"] == "judgment" and r["kind"] == "bad" for r in bad_judgments)
    assert bad_judgments[0]["info_class_label"] == "判决类"
    persons = client.get("/api/v1/catalog", {"subject_kind": "person"}).json()
    assert "JYYC" not in {r["code"] for r in persons} and "KS" in {r["code"] for r in persons}


@time_machine.travel(TODAY)
def test_list_refuses_an_unknown_class_in_chinese(client, seeded):
    response = client.get("/api/v1/catalog", {"info_class": "misc"})
    assert response.status_code == 400
    assert response.json() == {
        "code": "invalid",
        "message": "信息类别“misc”无效，可选：registration、qualification、commendation、supervision、judgment",
        "field": "info_class",
    }


@time_machine.travel(TODAY)
def test_detail_shows_the_current_version_with_fields(client, seeded, operator):
    catalog_item_revise(actor=operator, code="CF", changes={"update_frequency": "每日"})
    response = client.get("/api/v1/catalog/CF")
    assert response.status_code == 200
    body = response.json()
    assert body["version"] == 2 and body["update_frequency"] == "每日"
    assert body["name"] == "行政处罚信息"
    assert any(f["name"] == "CF_WSH" and f["required"] for f in body["fields"])
    assert "行政处罚信息" in response.content.decode()  # UTF-8, not \\u escapes
    old = client.get("/api/v1/catalog/CF", {"on": "2025-06-09"}).json()
    assert old["version"] == 1


@time_machine.travel(TODAY)
def test_versions_and_not_found(client, seeded, operator):
    catalog_item_revise(actor=operator, code="XK", changes={"update_frequency": "每日"})
    versions = client.get("/api/v1/catalog/XK/versions").json()
    assert [v["version"] for v in versions] == [2, 1]
    assert versions[1]["valid_to"] == "2025-06-09"
    missing = client.get("/api/v1/catalog/NOPE")
    assert missing.status_code == 404
    assert missing.json()["message"] == "目录项“NOPE”在 2025-06-10 不存在或未生效"
    assert client.get("/api/v1/catalog/NOPE/versions").status_code == 404


def test_catalogue_api_is_read_only(client, seeded):
    assert client.post("/api/v1/catalog", {}).status_code == 405
