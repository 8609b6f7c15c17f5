"""`pubcredit audit verify`: walk the audit hash chain and name the first broken event."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from pubcredit.core.audit import verify_chain


class Command(BaseCommand):
    help = "Audit log maintenance: `verify` checks the SM3 hash chain from the first event to the last."

    # Touches only core tables: a problem elsewhere (another app's admin) must not block it.
    requires_system_checks: list[str] = []

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        verify = sub.add_parser("verify", help="walk the chain in order; exit status 1 at the first broken event")
        verify.add_argument("--chunk-size", type=int, default=2000, help="events fetched per round trip")

    def handle(self, *args: Any, **options: Any) -> None:
        report = verify_chain(chunk_size=options["chunk_size"])
        if report.intact:
            self.stdout.write(f"audit chain intact: {report.events} events, head {report.head_hash[:16]}")
            return
        self.stderr.write(f"audit chain broken at event seq={report.broken_seq}: {report.reason}")
        self.stderr.write(f"  ({report.events} events verified before it, last good head {report.head_hash[:16]})")
        raise SystemExit(1)
