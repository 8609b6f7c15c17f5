"""The lists API and pages: a provider's system enters and ends entries, bad input names its field,
the public list follows the pack, the decision file goes only to the department and the centre."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client, override_settings

from pubcredit.accounts.tests.factories import ApiClientFactory
from pubcredit.lists.models import EntryState, ListEntry
from pubcredit.lists.tests.conftest import Parties, on
from pubcredit.lists.tests.factories import REPAIR_NOTICE

pytestmark = pytest.mark.django_db
D = dt.date
PDF = b"%PDF-1.7\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n"


def _post(url: str, body: dict[str, Any], token: str) -> Any:
    return Client().post(url, json.dumps(body), content_type="application/json", HTTP_AUTHORIZATION=f"Bearer {token}")


def _body(parties: Parties, **changes: Any) -> dict[str, Any]:
    body = {
        "list_type": "severe",
        "subject": parties.subject.uscc,
        "decision_number": "西市监信认〔2026〕3号",
        "reason": "拒不履行",
        "decided_on": "2026-11-19",
        "repair_notice": REPAIR_NOTICE,
    }
    return {**body, **changes}


def test_a_provider_system_enters_and_withdraws_through_the_api(parties: Parties) -> None:
    token = ApiClientFactory.create(organisation=parties.clerk.organisation).plain_token
    with on(D(2026, 11, 20)):
        made = _post("/api/v1/lists/entries", _body(parties), token)
        assert made.status_code == 201, made.content
        entry_id = made.json()["id"]
        assert made.json()["ends_on"] == "2029-11-18" and made.json()["state"] == "in_force"
        ended = _post(f"/api/v1/lists/entries/{entry_id}/exit", {"reason": "withdrawal", "note": "复议撤销"}, token)
    assert ended.status_code == 200 and ended.json()["exit_reason"] == "withdrawal"
    assert ListEntry.objects.get().state == EntryState.ENDED


def test_bad_entries_name_their_field_and_write_nothing(parties: Parties) -> None:
    token = ApiClientFactory.create(organisation=parties.clerk.organisation).plain_token
    cases = {
        "list_type": _body(parties, list_type="gold"),
        "subject": _body(parties, subject="91610100MA00000000"),
        "repair_notice": _body(parties, repair_notice=""),
        "decided_on": _body(parties, decided_on="2027-01-01"),
        "records": _body(parties, records=[999_999]),
    }
    with on(D(2026, 11, 20)):
        for field, body in cases.items():
            answer = _post("/api/v1/lists/entries", body, token)
            assert answer.status_code in (400, 404), (field, answer.content)
            assert answer.json()["field"] == field, answer.json()
    assert not ListEntry.objects.exists()


@override_settings(PUBCREDIT_POLICY="xian")
def test_pages_public_list_and_decision_file(parties: Parties) -> None:
    clerk = Client()
    clerk.force_login(parties.clerk)
    with on(D(2026, 11, 20)):
        form = clerk.get("/lists/new/")
        assert form.status_code == 200 and "两书同达" in form.content.decode()
        sent = clerk.post(
            "/lists/new/",
            {
                "list_type": form.context["form"].fields["list_type"].queryset.get(code="severe").pk,
                "subject_code": parties.subject.uscc,
                "decision_number": "西市监信认〔2026〕4号",
                "decided_on": "2026-11-19",
                "reason": "拒不履行",
                "repair_notice": REPAIR_NOTICE,
                "decision_file": SimpleUploadedFile("决定书.pdf", PDF),
            },
        )
        entry = ListEntry.objects.get()
        assert sent.status_code == 302 and sent["Location"] == f"/lists/{entry.pk}/"
        public = Client().get("/lists/public/black/")
        assert "西市监信认〔2026〕4号" in public.content.decode()
        assert Client().get("/lists/public/watch/").status_code == 404  # not published under 西安's pack
        assert clerk.get(f"/lists/{entry.pk}/decision/").getvalue() == PDF
        consumer = Client()
        consumer.force_login(parties.consumer)
        assert consumer.get(f"/lists/{entry.pk}/decision/").status_code == 404
        assert consumer.get(f"/lists/{entry.pk}/").status_code == 200  # a published entry
