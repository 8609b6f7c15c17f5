"""Signals of the working-day calendar.

`calendar_year_published(sender=CalendarYear, year=int)` is sent after the transaction commits
whenever an operator publishes a year as official, or changes the days of a year that already is.
Deadlines computed earlier for that year were provisional (or used the old entries): a domain that
stores `*_due_at` columns with a provisional flag connects a receiver and recomputes the rows of
that year, e.g. in its AppConfig.ready():

    calendar_year_published.connect(objections.services.deadlines_recompute_for_year)
"""

from __future__ import annotations

from django.dispatch import Signal

calendar_year_published = Signal()
