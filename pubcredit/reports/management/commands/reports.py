"""`pubcredit reports keys [--common-name ...] [--organisation ...] [--days N] [--force]`: write
the platform's self-signed report signing key and certificate (paths from the settings
PUBCREDIT_REPORT_SIGNING_KEY / PUBCREDIT_REPORT_SIGNING_CERT, default under var/reports/).
An existing pair is kept unless --force is given.
`pubcredit reports purge-orphans`: delete report files of generations that were never archived."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from pubcredit.core.errors import ConfigurationError
from pubcredit.reports.services import report_orphans_purge
from pubcredit.reports.signing import keys_generate, signing_material

# Platform default, not a regulation: a signing certificate is renewed every few years.
DEFAULT_DAYS = 3 * 365


class Command(BaseCommand):
    help = "Credit reports: create the platform's report signing key and certificate."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        keys = sub.add_parser("keys", help="write a self-signed report signing key and certificate")
        keys.add_argument("--common-name", default="公共信用信息平台信用报告签章")
        keys.add_argument("--organisation", default="公共信用信息平台")
        keys.add_argument("--days", type=int, default=DEFAULT_DAYS, help="validity in days")
        keys.add_argument("--force", action="store_true", help="replace an existing key and certificate")
        sub.add_parser("purge-orphans", help="delete report files that no archived report refers to")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "purge-orphans":
            self.stdout.write(f"Orphaned report files deleted: {report_orphans_purge()}")
            return
        if options["days"] <= 0:
            raise CommandError(f"--days must be a positive number of days, got {options['days']}")
        try:
            key, cert = keys_generate(
                common_name=options["common_name"],
                organisation=options["organisation"],
                days=options["days"],
                force=options["force"],
            )
        except ConfigurationError as exc:
            raise CommandError(str(exc)) from exc
        material = signing_material()
        self.stdout.write(f"Report signing key written to {key} (mode 600)")
        self.stdout.write(f"Report signing certificate written to {cert}")
        self.stdout.write(f"Certificate SHA-256 fingerprint: {material.fingerprint_sha256}")
