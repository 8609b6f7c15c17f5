"""Runs one platform service in its own process, for the crash tests.

    DATABASE_URL=... python -m tests.reliability.driver seed
    DATABASE_URL=... PUBCREDIT_FAULT_AT=objection.answer.before_commit python -m tests.reliability.driver answer
    DATABASE_URL=... python -m tests.reliability.driver sweep --date 2040-01-01 --chunk 20

The crash tests start it with `PUBCREDIT_FAULT_AT` naming a fault point (pubcredit/ops/faults.py),
so the process dies by SIGKILL in the middle of the service; then they look at the database and
run it again. Exit status 0: done; 3: the service refused (a DomainError, printed on stderr).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent.parent
REFUSED = 3


def _setup() -> None:
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()


def seed() -> dict[str, object]:
    """A small demo city, its logins and sample files, the demo objection forwarded to the provider,
    and an API token of the provider's system (`collect`) in var/api-token.txt."""
    from django.conf import settings
    from django.core.management import call_command

    from pubcredit.accounts.models import User
    from pubcredit.accounts.services import api_client_create
    from pubcredit.demo.accounts import demo_accounts
    from pubcredit.demo.loader import demo_load
    from pubcredit.demo.samples import write_sample_files
    from pubcredit.objections.models import Objection
    from pubcredit.objections.services import objection_check

    call_command("migrate", "--no-input", verbosity=0)
    demo_load(seed=2026, organisations=40, persons=20, records=400, progress=lambda _msg: None)
    demo_accounts()
    write_sample_files(Path(settings.VAR_DIR) / "demo-files")
    objection = Objection.objects.order_by("pk").first()
    assert objection is not None, "the demo city has no objection"
    operator = User.objects.get(username="operator")
    objection_check(actor=operator, objection=objection)
    provider = User.objects.get(username="provider").organisation
    assert provider is not None
    _client, token = api_client_create(actor=operator, organisation=provider, name="报送系统", scopes=["collect"])
    (Path(settings.VAR_DIR) / "api-token.txt").write_text(token, encoding="utf-8")
    return {"objection": objection.pk}


def answer() -> dict[str, object]:
    """The provider answers the first item of the first objection: the record is corrected."""
    from pubcredit.accounts.models import User
    from pubcredit.objections.models import Objection
    from pubcredit.objections.services import Answer, objection_answer

    objection = Objection.objects.order_by("pk").first()
    assert objection is not None
    item = objection.items.select_related("record").order_by("pk").first()
    assert item is not None
    objection_answer(
        actor=User.objects.get(username="provider"),
        objection=objection,
        item=item,
        answer=Answer.CORRECTED,
        reason="经核实，备注有误，予以更正",
        data={"remark": "备注：经异议核实后更正。"},
    )
    return {"item": item.pk}


def sweep(on: dt.date, chunk: int | None) -> dict[str, object]:
    """The expiry sweep, with smaller windows than production so that a small city has several."""
    from pubcredit.disclosure.services import sweep as sweep_module

    if chunk is not None:
        sweep_module.CHUNK = chunk
    result = sweep_module.disclosure_sweep(on=on)
    return {
        "organisations_archived": result.organisations_archived,
        "persons_archived": result.persons_archived,
        "persons_purged": result.persons_purged,
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("seed")
    sub.add_parser("answer")
    sweep_parser = sub.add_parser("sweep")
    sweep_parser.add_argument("--date", type=dt.date.fromisoformat, required=True)
    sweep_parser.add_argument("--chunk", type=int)
    args = parser.parse_args()
    _setup()
    from pubcredit.core.errors import DomainError

    try:
        if args.command == "seed":
            out = seed()
        elif args.command == "answer":
            out = answer()
        else:
            out = sweep(args.date, args.chunk)
    except DomainError as exc:
        print(f"refused: {exc.message}", file=sys.stderr)
        sys.exit(REFUSED)
    print(json.dumps(out))


if __name__ == "__main__":
    main()
