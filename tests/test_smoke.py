import pytest
from django.test import Client


@pytest.mark.django_db
def test_home_page_answers_in_chinese(client: Client) -> None:
    response = client.get("/")
    assert response.status_code == 200
    assert "公共信用信息平台" in response.content.decode()
