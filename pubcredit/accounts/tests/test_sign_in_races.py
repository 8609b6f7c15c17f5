"""Sign-ins racing each other: the same code twice, and failures counted at once.

PostgreSQL only: the SQLite test database is in memory with a shared cache, whose table locks
refuse concurrent writers instead of queueing them as a file database in WAL mode does."""

from __future__ import annotations

import base64
import threading
import time

import pytest
from django.db import connection

from pubcredit.accounts import totp
from pubcredit.accounts.lockout import login_failure_record
from pubcredit.accounts.models import LoginThrottle
from pubcredit.accounts.second_factor import totp_enrolment_confirm, totp_enrolment_start, totp_verify
from pubcredit.accounts.tests.factories import OperatorFactory
from pubcredit.core.errors import ValidationFailed
from pubcredit.core.models import AuditEvent

pytestmark = [pytest.mark.postgres_only, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _postgresql_only() -> None:
    if connection.vendor != "postgresql":
        pytest.skip("the SQLite test database is in memory and shared-cache; its writers do not queue")


def test_the_same_code_sent_twice_at_once_is_accepted_once(audit_erasable_after_test: None) -> None:
    operator = OperatorFactory.create()
    text, _ = totp_enrolment_start(actor=operator)
    secret = base64.b32decode(text + "=" * (-len(text) % 8))
    now = time.time()
    if now % totp.STEP_SECONDS > totp.STEP_SECONDS - 3:
        time.sleep(3.5)
    totp_enrolment_confirm(actor=operator, code=totp.totp(secret, time.time() - totp.STEP_SECONDS))
    code = totp.totp(secret, time.time())
    results: list[str] = []
    start = threading.Barrier(4)

    def attempt() -> None:
        try:
            start.wait()
            totp_verify(user=operator, code=code)
            results.append("accepted")
        except ValidationFailed:
            results.append("refused")
        finally:
            connection.close()

    threads = [threading.Thread(target=attempt) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(results) == ["accepted", "refused", "refused", "refused"]


def test_failures_racing_each_other_are_all_counted_and_lock_once(audit_erasable_after_test: None) -> None:
    outcomes: list[bool] = []
    start = threading.Barrier(8)

    def fail() -> None:
        try:
            start.wait()
            outcomes.append(login_failure_record("operator-under-attack") is not None)
        finally:
            connection.close()

    threads = [threading.Thread(target=fail) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert outcomes.count(True) == 4  # the fifth failure locks; the three after it find the lock
    assert AuditEvent.objects.filter(action="accounts.login.lock").count() == 1
    throttle = LoginThrottle.objects.get(username_key="operator-under-attack")
    assert throttle.locked_until is not None and throttle.failures == 0
