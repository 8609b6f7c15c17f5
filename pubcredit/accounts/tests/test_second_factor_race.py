"""Two requests racing with the same code: the compare-and-swap lets exactly one through."""

from __future__ import annotations

import base64
import threading
import time

import pytest
from django.db import connection

from pubcredit.accounts import totp
from pubcredit.accounts.second_factor import totp_enrolment_confirm, totp_enrolment_start, totp_verify
from pubcredit.accounts.tests.factories import OperatorFactory
from pubcredit.core.errors import ValidationFailed

pytestmark = pytest.mark.django_db(transaction=True)


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
