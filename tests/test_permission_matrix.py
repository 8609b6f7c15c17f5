"""The permission matrix: every endpoint of the URL conf, every role, the answer the design allows.

The endpoints come from the URL conf (`tests/permission_matrix/endpoints.py`); the expected
answer classes are data (`tests/permission_matrix/expectations.py`); the requests all run
against one scene built once for the module (`tests/permission_matrix/scene.py`), each test
inside its own savepoint so that a POST that succeeds changes nothing for the next one.

Answer classes: ok (200/201, or a redirect that is not to the sign-in page), login (302 to the
sign-in page), deny (401/403), hide (404), method (405), bad (400/422). A POST cell says only
deny (refused: 401/403/404 or the sign-in redirect; never 2xx, nor a redirect carrying an error
message, "flash") or any (whatever but a 5xx). Every answer is also searched for words that only
some roles may read (MARKS).

Set PERMISSION_MATRIX_OBSERVE=<file> to append each observed class to <file> while writing the
entry of a new endpoint; the expectations still decide whether the test passes.
"""

from __future__ import annotations

import datetime as dt
import json
import os
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.conf import settings
from django.contrib import messages
from django.db import transaction
from django.shortcuts import resolve_url
from django.test import Client, override_settings

from pubcredit.accounts.tests.factories import SuperuserFactory
from tests.permission_matrix.endpoints import Endpoint, endpoints
from tests.permission_matrix.expectations import ADMIN_ARGS, ARGS, BODIES, GET, MARKS, POST, XFAIL
from tests.permission_matrix.scene import (
    GROUND_MARK,
    RESTRICTED_MARK,
    ROLES,
    STATEMENT_MARK,
    TODAY,
    TOKEN_ROLES,
    Scene,
    build_scene,
    signing_settings,
)

if TYPE_CHECKING:
    from django.test.client import _MonkeyPatchedWSGIResponse as Response

SHANGHAI = ZoneInfo("Asia/Shanghai")
ADD_IT = "add it to the permission matrix (tests/permission_matrix/expectations.py)"

ALL = endpoints()
ADMIN = [e for e in ALL if e.kind == "admin"]
PLATFORM = [e for e in ALL if e.kind != "admin"]


def _cases() -> Iterator[object]:
    """(endpoint, role) for every platform endpoint and role; pages with a POST entry twice."""
    for endpoint in PLATFORM:
        variants = [endpoint]
        if endpoint.kind == "page" and endpoint.key in POST:
            variants.append(Endpoint(endpoint.key, "POST", endpoint.route, "page", endpoint.params))
        roles = ROLES + TOKEN_ROLES if endpoint.kind == "api" else ROLES
        for variant in variants:
            for role in roles:
                marks = []
                reason = XFAIL.get((variant.method, variant.key, role))
                if reason:
                    marks.append(pytest.mark.xfail(strict=True, reason=reason))
                yield pytest.param(variant, role, id=f"{variant.test_id} [{role}]", marks=marks)


@pytest.fixture(scope="module")
def scene(
    django_db_setup: None, django_db_blocker: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Scene]:
    """The one scene, built in a transaction that is rolled back after the module's last test."""
    root = tmp_path_factory.mktemp("matrix")
    storages = {
        **settings.STORAGES,
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage", "OPTIONS": {"location": root / "media"}},
    }
    noon = dt.datetime.combine(TODAY, dt.time(10), tzinfo=SHANGHAI)
    with (
        django_db_blocker.unblock(),  # type: ignore[attr-defined]
        time_machine.travel(noon, tick=False),
        override_settings(MEDIA_ROOT=str(root / "media"), STORAGES=storages, UPLOAD_DIR=root / "uploads"),
        transaction.atomic(),
    ):
        built = build_scene()
        with signing_settings(built):
            yield built
        transaction.set_rollback(True)


def classify(response: Response) -> str:
    code = response.status_code
    if code >= 500:
        return "5xx"
    if code in (301, 302, 303, 307):
        location = response["Location"]
        if location.startswith(resolve_url(settings.LOGIN_URL)):
            return "login"
        if location.startswith("/admin/login/"):
            return "admin_login"
        return "ok"
    return {200: "ok", 201: "ok", 400: "bad", 422: "bad", 401: "deny", 403: "deny", 404: "hide", 405: "method"}.get(
        code, str(code)
    )


def _path(endpoint: Endpoint, scene: Scene) -> str:
    if not endpoint.params:
        return endpoint.path({})
    if endpoint.key not in ARGS:
        pytest.fail(f"{endpoint.key} ({endpoint.route}) has path parameters {endpoint.params}: give ARGS an entry")
    return endpoint.path(ARGS[endpoint.key](scene))


def _send(client: Client, endpoint: Endpoint, path: str, scene: Scene, role: str) -> Response:
    """GET, or POST with the minimal body of BODIES (the permission check must be reached: the API
    parses the body before the service refuses), else an empty one."""
    headers = scene.headers(role)
    if endpoint.method == "GET":
        return client.get(path, headers=headers)
    body = BODIES[endpoint.key](scene) if endpoint.key in BODIES else {}
    if endpoint.kind == "api" and not endpoint.form:
        data = json.dumps(body, ensure_ascii=False)
        if endpoint.method != "POST":  # DELETE, PUT, PATCH
            return client.generic(endpoint.method, path, data=data, content_type="application/json", headers=headers)
        return client.post(path, data=data, content_type="application/json", headers=headers)
    return client.post(path, data=body, headers=headers)


def _assert_no_leak(endpoint: Endpoint, role: str, path: str, response: Response) -> None:
    """A word only some roles may read never reaches another role, whatever the page or the status
    (a refusal or a validation message may quote what it refuses)."""
    if response.streaming:
        return
    text = response.content.decode("utf-8", errors="replace")
    for mark, (what, entitled) in MARKS.items():
        if role not in entitled:
            assert mark not in text, f"{endpoint.method} {path} shows {role} {what}"


def _error_messages(response: Response) -> list[str]:
    request = response.wsgi_request
    return [str(m) for m in messages.get_messages(request) if m.level == messages.ERROR]


def _observe(endpoint: Endpoint, role: str, observed: str) -> None:
    target = os.environ.get("PERMISSION_MATRIX_OBSERVE")
    if target:
        with Path(target).open("a", encoding="utf-8") as out:
            out.write(json.dumps([endpoint.method, endpoint.key, role, observed]) + "\n")


def missing_entries(found: list[Endpoint]) -> list[str]:
    return [
        f"{e.test_id} ({e.route})"
        for e in found
        if e.kind != "admin" and e.key not in (GET if e.method == "GET" else POST)
    ]


def test_every_endpoint_has_an_entry() -> None:
    missing = missing_entries(PLATFORM)
    assert not missing, f"endpoints without an entry: {missing}; {ADD_IT}"
    keys = {e.key for e in PLATFORM}
    stale = sorted((set(GET) | set(POST) | set(ARGS)) - keys)
    assert not stale, f"entries for endpoints that no longer exist: {stale}"
    for method, key, role in XFAIL:
        assert key in keys and role in ROLES + TOKEN_ROLES, (
            f"expected failure for an unknown cell {(method, key, role)}"
        )


def test_a_new_endpoint_without_an_entry_is_named() -> None:
    with override_settings(ROOT_URLCONF="tests.permission_matrix.extra_urls"):
        found = endpoints()
    assert missing_entries(found) == ["GET unlisted (unlisted/)"]


def test_a_405_cell_has_a_post_entry() -> None:
    """An endpoint refusing GET is POST-only: its refusals are then asked with a POST."""
    for endpoint in PLATFORM:
        if endpoint.method == "GET" and "method" in GET.get(endpoint.key, {}).values():
            assert endpoint.key in POST, f"{endpoint.key} answers GET with 405: give it a POST entry"


@pytest.mark.django_db
@pytest.mark.parametrize(("endpoint", "role"), list(_cases()))
def test_answer(endpoint: Endpoint, role: str, scene: Scene) -> None:
    table = GET if endpoint.method == "GET" else POST
    path = _path(endpoint, scene)
    response = _send(scene.client(role), endpoint, path, scene, role)
    observed = classify(response)
    if endpoint.method == "POST" and observed == "ok" and response.status_code == 302 and _error_messages(response):
        observed = "flash"
    _observe(endpoint, role, observed)
    if endpoint.key not in table:
        pytest.fail(f"{endpoint.test_id} ({endpoint.route}) has no {endpoint.method} entry: {ADD_IT}")
    expected = table[endpoint.key][role]
    assert observed != "5xx", f"{endpoint.method} {path} as {role}: server error {response.status_code}"
    _assert_no_leak(endpoint, role, path, response)
    if endpoint.method == "GET":
        assert observed == expected, f"GET {path} as {role}: {response.status_code} is {observed}, expected {expected}"
    elif expected == "deny":
        assert observed in ("deny", "hide", "login"), (
            f"POST {path} as {role} must be refused with 401/403/404, got {response.status_code} ({observed})"
            + (f": {_error_messages(response)}" if observed == "flash" else "")
        )
    else:
        assert expected == "any", f"POST cells are deny or any, not {expected}"


@pytest.mark.django_db
@pytest.mark.parametrize("endpoint", ADMIN, ids=[e.test_id for e in ADMIN])
def test_admin_is_staff_only(endpoint: Endpoint, scene: Scene) -> None:
    """Every admin page sends every platform role (none is staff) to the admin's sign-in page."""
    path = endpoint.path({name: ADMIN_ARGS.get(name, "1") for name in endpoint.params})
    for role in ROLES:
        response = scene.client(role).get(path)
        observed = classify(response)
        if endpoint.key in ("admin:login", "admin:logout"):
            # The admin's own sign-in sends to the portal's (or refuses a signed-in non-staff user).
            assert observed in ("ok", "login", "deny", "method"), f"GET {path} as {role}: {response.status_code}"
        else:
            assert observed == "admin_login", f"GET {path} as {role}: {response.status_code} is {observed}"


@pytest.mark.django_db
def test_the_admin_opens_for_a_superuser(scene: Scene) -> None:
    client = Client()
    client.force_login(SuperuserFactory.create())
    for endpoint in ADMIN:
        if endpoint.key.endswith("_changelist") or endpoint.key == "admin:index":
            response = client.get(endpoint.path({}))
            assert response.status_code == 200, f"{endpoint.key}: {response.status_code}"


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("url", "role", "mark"),
    [
        ("my_record:record", "subject_own", RESTRICTED_MARK),
        ("objections:detail", "subject_own", STATEMENT_MARK),
        ("repairs:detail", "subject_own", GROUND_MARK),
    ],
)
def test_the_leak_probes_are_seen_by_an_entitled_role(url: str, role: str, mark: str, scene: Scene) -> None:
    """Each probe word is on a page for a role entitled to it, so its absence elsewhere means something."""
    endpoint = next(e for e in PLATFORM if e.key == url)
    response = scene.client(role).get(_path(endpoint, scene))
    assert response.status_code == 200 and mark in response.content.decode()


def _hiding() -> Iterator[object]:
    for endpoint in PLATFORM:
        cells = GET.get(endpoint.key, {})
        if endpoint.method == "GET" and endpoint.params and "hide" in cells.values():
            yield pytest.param(endpoint, id=endpoint.test_id)


@pytest.mark.django_db
@pytest.mark.parametrize("endpoint", list(_hiding()))
def test_hiding_does_not_tell_whether_the_object_exists(endpoint: Endpoint, scene: Scene) -> None:
    """Where a role gets 404 for someone else's object, it gets the same 404 for a number that does
    not exist: the answer never tells whether the object is there."""
    kwargs = {name: 10**9 if isinstance(value, int) else value for name, value in ARGS[endpoint.key](scene).items()}
    path = endpoint.path(kwargs)
    for role, expected in GET[endpoint.key].items():
        if expected == "hide" and (role in ROLES or endpoint.kind == "api"):
            response = scene.client(role).get(path, headers=scene.headers(role))
            assert classify(response) == "hide", f"GET {path} as {role}: {response.status_code}"


@pytest.mark.django_db
def test_a_superuser_gets_no_server_error_anywhere(scene: Scene) -> None:
    """A superuser passes every role check without an organisation or a subject: no page may assume one."""
    client = Client()
    client.force_login(SuperuserFactory.create())
    failures = []
    for endpoint in PLATFORM:
        if endpoint.method == "GET":
            path = _path(endpoint, scene)
            response = client.get(path)
            if response.status_code >= 500:
                failures.append(f"GET {path}: {response.status_code}")
    assert not failures, failures
