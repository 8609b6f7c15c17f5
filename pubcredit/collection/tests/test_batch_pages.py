"""The upload pages through the Django test client: who may open them, the template download."""

from __future__ import annotations

import io

import pytest
from openpyxl import load_workbook

from pubcredit.accounts.tests.factories import ConsumerClerkFactory, ProviderClerkFactory
from pubcredit.catalog.services import catalog_seed
from pubcredit.collection.models import Batch


@pytest.fixture(autouse=True)
def _uploads(settings, tmp_path):
    settings.UPLOAD_DIR = tmp_path / "uploads"


def test_only_a_provider_clerk_opens_the_upload_page(client, db):
    catalog_seed()
    assert client.get("/collection/batches/").status_code == 302
    client.force_login(ConsumerClerkFactory.create())
    assert client.get("/collection/batches/").status_code == 403
    client.force_login(ProviderClerkFactory.create())
    page = client.get("/collection/batches/")
    assert page.status_code == 200 and "信用信息报送" in page.content.decode()
    assert "信息报送" in page.content.decode()  # navigation link for providers


def test_upload_of_a_non_table_file_names_the_reason(client, db):
    catalog_seed()
    client.force_login(ProviderClerkFactory.create())
    upload = io.BytesIO(b"\x00\x01binary")
    upload.name = "scan.pdf"
    response = client.post("/collection/batches/", {"item": "CF", "file": upload, "tier": ""}, follow=True)
    page = response.content.decode()
    assert "整批退回" in page and "“.pdf”不受支持" in page
    assert Batch.objects.get().status == "rejected"


def test_the_template_is_an_xlsx_with_the_dual_publicity_columns(client, db):
    catalog_seed()
    response = client.get("/collection/batches/templates/CF.xlsx")
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment")
    sheet = load_workbook(io.BytesIO(response.content)).active
    headers = [cell.value for cell in next(sheet.iter_rows(max_row=1))]
    assert "行政相对人名称" in " ".join(str(h) for h in headers)


def test_a_batch_report_is_not_shown_to_another_provider(client, db):
    from pubcredit.collection.services.batches import batch_submit_file

    catalog_seed()
    clerk = ProviderClerkFactory.create()
    done = batch_submit_file(
        actor=clerk,
        provider=clerk.organisation,
        item_code="CF",
        stream=io.BytesIO("CF_XDR_MC\n某公司\n".encode()),
        file_name="a.csv",
    )
    client.force_login(ProviderClerkFactory.create())
    assert client.get(f"/collection/batches/{done.batch.pk}/").status_code == 404
    client.force_login(clerk)
    assert "整批退回" in client.get(f"/collection/batches/{done.batch.pk}/").content.decode()
