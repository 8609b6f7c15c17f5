"""`pubcredit reporting sweep [--date YYYY-MM-DD]` and `pubcredit reporting duties [--overdue]`.

The sweep is meant for a daily timer (cron, systemd): it issues the reminders, orders, criticism
listings or referrals the policy pack prescribes for overdue reporting duties, and running it
twice on one day does nothing the second time. `duties` lists what the sweep looks at.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from pubcredit.collection.models import ReportingDuty
from pubcredit.collection.rules import is_overdue
from pubcredit.collection.services.reporting import reporting_sweep
from pubcredit.core.workdays import CalendarOutOfRange, database_calendar


def _day(text: str | None) -> date:
    """Parsed here rather than by argparse so that a bad date is one sentence, not usage plus error."""
    if text is None:
        return timezone.localdate()
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise CommandError(f"--date {text!r} is not a date in the form YYYY-MM-DD", returncode=2) from None


class Command(BaseCommand):
    help = "Timeliness of providers' reporting: run the daily sweep of overdue duties, or list the duties."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        sweep = sub.add_parser("sweep", help="issue today's notices for overdue reporting duties (idempotent)")
        sweep.add_argument("--date", help="the day to sweep for (default: today, local time)")
        duties = sub.add_parser("duties", help="list the reporting duties and their due dates")
        duties.add_argument("--overdue", action="store_true", help="only active duties past their due date")
        duties.add_argument("--date", help="the day overdue is judged on (default: today)")

    def handle(self, *args: Any, **options: Any) -> None:
        day = _day(options.get("date"))
        if options["action"] == "sweep":
            self._sweep(day)
        else:
            self._duties(day, overdue_only=options["overdue"])

    def _sweep(self, day: date) -> None:
        try:
            result = reporting_sweep(today=day)
        except CalendarOutOfRange:
            calendar = database_calendar()
            raise CommandError(
                f"--date {day.isoformat()} is outside the working-day calendar (official to "
                f"{calendar.last_known_year}, provisional to {calendar.provisional_until}); "
                f"import {day.year} with `pubcredit calendar import` first",
                returncode=2,
            ) from None
        issued = ", ".join(f"{count} {stage}" for stage, count in result.issued.items()) or "none"
        self.stdout.write(
            f"Reporting sweep for {result.today.isoformat()} (pack {result.policy}, "
            f"late providers: {result.late_provider}): {result.overdue} overdue duties; "
            f"notices issued: {issued}; already issued: {result.already_issued}"
        )
        if result.no_consequence:
            self.stdout.write(
                f"{result.no_consequence} overdue duties get no notice: the pack sets no consequence "
                "(lateness is still shown on the timeliness page)"
            )

    def _duties(self, day: date, *, overdue_only: bool) -> None:
        duties = ReportingDuty.objects.select_related("provider").order_by("next_due_on", "provider__name", "item_code")
        if overdue_only:
            duties = duties.filter(active=True, next_due_on__lt=day)
        total = overdue = 0
        self.stdout.write(f"{'item':<6} {'frequency':<10} {'last report':<11} {'next due':<11} {'state':<8} provider")
        for duty in duties:
            total += 1
            late = duty.active and is_overdue(next_due_on=duty.next_due_on, today=day)
            overdue += late
            state = "inactive" if not duty.active else ("OVERDUE" if late else "ok")
            last = duty.last_reported_on.isoformat() if duty.last_reported_on else "-"
            due = duty.next_due_on.isoformat() + ("*" if duty.next_due_provisional else "")
            self.stdout.write(
                f"{duty.item_code:<6} {duty.frequency:<10} {last:<11} {due:<11} {state:<8} {duty.provider}"
            )
        self.stdout.write(f"{total} duties, {overdue} overdue on {day.isoformat()} (* = provisional calendar)")
