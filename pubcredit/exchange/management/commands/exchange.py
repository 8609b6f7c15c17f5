"""`pubcredit exchange keys [--force]`: write the platform's exchange signing key under var/.
`pubcredit exchange collect`: publish the changes not yet in the feed.
`pubcredit exchange pull --from URL --token TOKEN --partner CODE [--page-size N] [--delay S]`:
apply a partner platform's feed from the last applied cursor.
`pubcredit exchange public-key`: print the public key to give to partner platforms."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from pubcredit.core.errors import ConfigurationError
from pubcredit.exchange.collect import exchange_collect
from pubcredit.exchange.selectors import PAGE_DEFAULT, PAGE_MAX
from pubcredit.exchange.services import PullFailed, exchange_pull
from pubcredit.exchange.signing import key_id, keys_generate, public_key_pem


class Command(BaseCommand):
    help = "Exchange with upstream and downstream platforms: keys, collect, pull."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        keys = sub.add_parser("keys", help="write the platform's Ed25519 exchange signing key")
        keys.add_argument("--force", action="store_true", help="replace an existing key")
        sub.add_parser("public-key", help="print the exchange public key (PEM)")
        sub.add_parser("collect", help="publish the changes not yet in the feed")
        pull = sub.add_parser("pull", help="apply a partner platform's feed")
        pull.add_argument("--from", dest="base_url", default=None, help="partner platform root URL")
        pull.add_argument("--token", required=True, help="this platform's API token at the partner platform")
        pull.add_argument("--partner", required=True, help="code of the inbound exchange agreement")
        pull.add_argument("--page-size", type=int, default=PAGE_DEFAULT)
        pull.add_argument("--delay", type=float, default=0.0, help="seconds to wait between pages")

    def handle(self, *args: Any, **options: Any) -> None:
        action = options["action"]
        try:
            if action == "keys":
                path = keys_generate(force=options["force"])
                self.stdout.write(
                    f"Exchange signing key written to {path} (mode 600); key id {key_id(public_key_pem())}"
                )
            elif action == "public-key":
                self.stdout.write(public_key_pem(), ending="")
            elif action == "collect":
                result = exchange_collect(force=True)
                detail = ", ".join(f"{k} {v}" for k, v in result.added.items())
                self.stdout.write(f"Collected {result.total} change events ({detail})")
            else:
                self._pull(options)
        except ConfigurationError as exc:
            raise CommandError(str(exc)) from exc

    def _pull(self, options: dict[str, Any]) -> None:
        if not 1 <= options["page_size"] <= PAGE_MAX:
            raise CommandError(f"--page-size must be between 1 and {PAGE_MAX}, got {options['page_size']}")
        if options["delay"] < 0:
            raise CommandError(f"--delay must not be negative, got {options['delay']}")

        def report(line: str) -> None:
            self.stdout.write(line)
            self.stdout.flush()

        try:
            result = exchange_pull(
                partner_code=options["partner"],
                token=options["token"],
                base_url=options["base_url"],
                page_size=options["page_size"],
                delay=options["delay"],
                report=report,
            )
        except PullFailed as exc:
            raise CommandError(f"pull from {options['partner']} stopped: {exc}") from exc
        totals = ", ".join(f"{k} {v}" for k, v in sorted(result.counts.items())) or "nothing new"
        self.stdout.write(f"Pulled {result.pages} pages from {options['partner']}; cursor {result.cursor}; {totals}")
