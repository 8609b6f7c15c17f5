"""The API against its own OpenAPI spec: every operation, generated data, valid credentials.

The spec comes from the Django app (`config.api.api.get_openapi_schema()`); requests go through
the Django WSGI application in-process (schemathesis's WSGI transport), so they see the data this
test commits (`transaction=True`). The scene is the permission matrix's (subjects, records, an
objection, a repair, an agreement, authorisations, a batch, one login per role, tokens), plus a
token of each scope the API knows. Each operation is called with the token of the scope its
authentication names or, for half the examples of an operation that also accepts a session, with
the session (and CSRF token) of a user acting in that scope. Path parameters are either generated
or the scene's own objects, so that found objects are answered too.

Checked on every answer: no server error (5xx) and a body matching the documented response
schema. Bounded: `MAX_EXAMPLES` per operation, no deadline, no example database.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import schemathesis
import time_machine
from django.apps import apps as django_apps
from django.conf import settings
from django.core.wsgi import get_wsgi_application
from django.middleware.csrf import get_token
from django.test import RequestFactory
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import response_schema_conformance

from config.api import api
from pubcredit.accounts.tests.factories import ApiClientFactory, OperatorFactory
from pubcredit.measures.seed import seed as measures_seed
from tests.permission_matrix.scene import TODAY, Scene, build_scene

pytestmark = pytest.mark.django_db(transaction=True)

MAX_EXAMPLES = 20
CHECKS = [not_a_server_error, response_schema_conformance]

SCHEMA = schemathesis.openapi.from_dict(api.get_openapi_schema(path_prefix="/api/"))


def _auth_scopes() -> dict[str, tuple[str, bool]]:
    """operationId → (scope, session accepted) for every operation that needs credentials."""
    found: dict[str, tuple[str, bool]] = {}
    for _prefix, router in api._routers:
        for path_view in router.path_operations.values():
            for operation in path_view.operations:
                for auth in operation.auth_callbacks:
                    scope = getattr(auth, "scope", None)
                    if scope:
                        operation_id = operation.operation_id or api.get_openapi_operation_id(operation)
                        found[operation_id] = (scope, type(auth).__name__ == "SessionOrTokenAuth")
    return found


AUTH = _auth_scopes()
# Who acts in each scope with a session: the provider's clerk collects, the subject queries its
# own record and files objections, the agreed consumer checks.
SESSION_ROLE = {"collect": "provider_own", "query": "subject_own", "check": "consumer_agreed"}
# Operations of a scope done by someone else than that scope's usual actor.
SESSION_ROLE_BY_OPERATION = {"pubcredit_repairs_api_apply": "subject_own"}


@pytest.fixture
def scene(settings: Any) -> Iterator[Scene]:
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "localhost"]
    moment = dt.datetime.combine(TODAY, dt.time(10), tzinfo=ZoneInfo("Asia/Shanghai"))
    with time_machine.travel(moment, tick=True):
        # An earlier transactional test's flush removes the rows that data migrations seeded
        # (list types, measures), which the scene uses; the seed is idempotent.
        measures_seed(django_apps)
        built = build_scene()
        consumer = built.users["consumer_agreed"].organisation
        built.tokens["check"] = ApiClientFactory.create(organisation=consumer, scopes=["check"]).plain_token
        centre = OperatorFactory.create().organisation
        built.tokens["operator_query"] = ApiClientFactory.create(organisation=centre, scopes=["query"]).plain_token
        # A partner platform's client (it has no exchange agreement here: the feed refuses it).
        built.tokens["exchange"] = ApiClientFactory.create(organisation=centre, scopes=["exchange"]).plain_token
        yield built


def _token_for(scene: Scene, scope: str) -> str:
    return {
        "collect": scene.tokens["provider_own_token"],
        "query": scene.tokens["consumer_agreed_token"],
        "share": scene.tokens["consumer_agreed_token"],
        "check": scene.tokens["check"],
        "exchange": scene.tokens["exchange"],
    }.get(scope, scene.tokens["operator_query"])


def _known_path_values(scene: Scene) -> dict[str, Any]:
    """The scene's objects by path parameter name."""
    return {
        "uscc": scene.subject.uscc,
        "subject_id": scene.subject.pk,
        "record_id": scene.record.pk,
        "batch_id": scene.batch.pk,
        "objection_id": scene.objection.pk,
        "item_id": scene.objection_item.pk,
        "application_id": scene.repair.pk,
        "code": scene.record.item_code,
    }


def _csrf_pair() -> tuple[str, str]:
    """A CSRF cookie value and the matching header value for a session's unsafe requests."""
    request = RequestFactory().get("/")
    token = get_token(request)
    return request.META["CSRF_COOKIE"], token


def _describe(exc: BaseException) -> str:
    parts = [str(exc)]
    for inner in getattr(exc, "exceptions", ()):
        parts.append(f"  - {type(inner).__name__}: {inner}")
    return "\n".join(parts)


@dataclass(frozen=True)
class Credentials:
    """What an operation is called with: a bearer token, or a session with its CSRF pair."""

    token: str | None
    session: str | None
    csrf: tuple[str, str]

    def apply(self, via_session: bool) -> tuple[dict[str, str], dict[str, str]]:
        if via_session and self.session:
            cookie, header = self.csrf
            cookies = {settings.SESSION_COOKIE_NAME: self.session, settings.CSRF_COOKIE_NAME: cookie}
            return {"X-CSRFToken": header}, cookies
        if self.token:
            return {"Authorization": f"Bearer {self.token}"}, {}
        return {}, {}


def _credentials(scene: Scene, operation_id: str, csrf: tuple[str, str]) -> Credentials:
    scope, session_ok = AUTH.get(operation_id, ("", False))
    if not scope:
        return Credentials(token=None, session=None, csrf=csrf)
    role = SESSION_ROLE_BY_OPERATION.get(operation_id) or SESSION_ROLE.get(scope)
    session = scene.sessions[role] if session_ok and role else None
    return Credentials(token=_token_for(scene, scope), session=session, csrf=csrf)


def _fuzz(operation: Any, credentials: Credentials, known: dict[str, Any], answered: set[int]) -> None:
    """Run one operation's examples; raises the failures schemathesis found."""
    path_names = [parameter.name for parameter in operation.path_parameters]
    fixed = {name: known[name] for name in path_names if name in known}
    strategies = [operation.as_strategy()]
    if fixed and len(fixed) == len(path_names):
        strategies.append(operation.as_strategy(path_parameters=fixed))

    @hypothesis_settings(
        max_examples=MAX_EXAMPLES,
        deadline=None,
        database=None,
        suppress_health_check=list(HealthCheck),
        derandomize=True,
    )
    @given(case=st.one_of(*strategies), via_session=st.booleans())
    def call(case: schemathesis.Case, via_session: bool) -> None:
        headers, cookies = credentials.apply(via_session)
        response = case.call_and_validate(headers=headers, cookies=cookies, checks=CHECKS)
        answered.add(response.status_code)

    call()


def test_every_operation_answers_without_server_errors_and_as_documented(scene: Scene) -> None:
    SCHEMA.app = get_wsgi_application()
    known = _known_path_values(scene)
    csrf = _csrf_pair()
    operations = [result.ok() for result in SCHEMA.get_all_operations()]  # type: ignore[union-attr]
    assert len(operations) >= len(AUTH) > 0
    failures: list[str] = []
    answered: dict[str, set[int]] = {}
    for operation in operations:
        operation_id = operation.definition.raw.get("operationId", operation.label)
        codes = answered.setdefault(operation.label, set())
        try:
            _fuzz(operation, _credentials(scene, operation_id, csrf), known, codes)
        except (KeyboardInterrupt, SystemExit):
            raise
        except BaseException as exc:  # collect every operation's failures (a group), then fail once
            failures.append(f"{operation.label}: {type(exc).__name__}: {_describe(exc)[:3000]}")
    assert not failures, "\n\n".join(failures)
    # The credentials were valid: no operation was only ever refused as unauthenticated.
    unauthenticated = sorted(label for label, codes in answered.items() if codes == {401})
    assert not unauthenticated, f"only 401 answers: {unauthenticated}"
    if os.environ.get("API_SCHEMA_REPORT"):
        for label, codes in sorted(answered.items()):
            print(label, sorted(codes))


# --- what the generated requests found, kept as plain cases -------------------------------------


@pytest.mark.django_db
def test_spec_names_each_response_shape_once() -> None:
    """Components are keyed by class name: the record API's shapes must not replace others'."""
    components = api.get_openapi_schema(path_prefix="/api/")["components"]["schemas"]
    assert "kind" in components["RecordOut"]["properties"]  # the sharing answer's record
    assert "state" in components["ShownRecordOut"]["properties"]  # the record API's
    assert "type" in components["FieldOut"]["properties"]  # the catalogue's field


@pytest.mark.django_db
def test_nul_in_a_code_or_query_is_not_found_or_refused(client: Any) -> None:
    # Refused before any view (core/middleware.py); the handlers' own checks stay for other callers.
    for path in (
        "/api/v1/subjects/91610100MA0000015Q%00/record",
        "/api/v1/catalog/CF%00",
        "/api/v1/catalog/CF%00/versions",
        "/api/v1/subjects?q=%E4%B8%AD%00x",
    ):
        refused = client.get(path)
        assert refused.status_code == 400 and refused.json()["code"] == "invalid", path


@pytest.mark.django_db
def test_a_catalogue_field_list_without_required_flags_is_answered(client: Any) -> None:
    from pubcredit.disclosure.tests.factories import catalog_item

    item = catalog_item()  # its fields name no "required": optional, as `FieldSpec` reads them
    response = client.get(f"/api/v1/catalog/{item.code}")
    assert response.status_code == 200
    assert {field["required"] for field in response.json()["fields"]} == {False}


@pytest.mark.django_db
def test_an_objection_naming_an_impossible_record_or_file_name_is_refused(client: Any) -> None:
    import base64

    from pubcredit.accounts.tests.factories import SubjectAccountFactory
    from pubcredit.disclosure.tests.factories import make_record

    account = SubjectAccountFactory.create()
    record = make_record(account.subject)
    client.force_login(account)
    body = {"records": [2**70], "ground": "error", "statement": "处罚金额有误"}
    refused = client.post("/api/v1/objections", body, content_type="application/json")
    assert refused.status_code == 400 and refused.json()["field"].startswith("records")
    evidence = [{"file_name": "../", "content_base64": base64.b64encode(b"%PDF-1.7\n%%EOF\n").decode()}]
    body = {"records": [record.pk], "ground": "error", "statement": "处罚金额有误", "evidence": evidence}
    refused = client.post("/api/v1/objections", body, content_type="application/json")
    assert refused.status_code == 400 and refused.json()["field"] == "evidence"


@pytest.mark.django_db
def test_a_file_batch_without_an_item_is_refused_naming_the_field(client: Any) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    from pubcredit.accounts.tests.factories import ProviderOrganisationFactory

    provider = ProviderOrganisationFactory.create()
    token = ApiClientFactory.create(organisation=provider, scopes=["collect"]).plain_token
    upload = SimpleUploadedFile("rows.csv", "行政相对人名称\n某公司\n".encode(), content_type="text/csv")
    response = client.post(
        "/api/v1/batches/file", {"file": upload, "item": ""}, headers={"Authorization": f"Bearer {token}"}
    )
    assert response.status_code == 400 and response.json()["field"] == "item"


@pytest.mark.parametrize(
    ("body", "field"),
    [
        (b'{"name": "a\\u0000b"}', "name"),
        (b'{"rows": [{"CF_NR": "ok"}, {"CF_NR": "\\ud800"}]}', "rows.1.CF_NR"),
        (b'{"a\\u0000": 1}', None),
    ],
)
def test_a_json_body_with_text_no_database_stores_is_refused_naming_the_field(body: bytes, field: str | None) -> None:
    from pydantic import BaseModel

    from pubcredit.core.errors import ValidationFailed
    from pubcredit.core.json_body import parse_json_body

    class Anything(BaseModel):
        model_config = {"extra": "allow"}

    with pytest.raises(ValidationFailed) as caught:
        parse_json_body(body, Anything)
    assert caught.value.field == field and "空字符" in caught.value.message


@pytest.mark.django_db
def test_a_parameter_the_api_cannot_parse_is_a_400_naming_it_in_chinese(client: Any) -> None:
    refused = client.get("/api/v1/subjects?q=华信&limit=many")
    assert refused.status_code == 400
    assert refused.json() == {"code": "invalid", "message": "字段“limit”须为整数", "field": "limit"}
