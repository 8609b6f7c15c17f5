"""Reading a year's schedule from the CSV file an operator prepares from the State Council notice.

Format: `date,working_day,name[,note]`, one exception to the Monday-to-Friday week per line,
`working_day` 0 (day off) or 1 (make-up working day); a header line, blank lines and lines
starting with # are skipped. Saved by Excel as UTF-8 with a BOM is fine.
"""

from __future__ import annotations

import csv
import io
from datetime import date

from pubcredit.core.workdays.types import DayEntry


class CalendarFileError(ValueError):
    """A line of the calendar file that cannot be used; the message names the line and the value."""


def parse_calendar_csv(text: str, year: int) -> list[DayEntry]:
    entries: dict[date, DayEntry] = {}
    for line_no, row in enumerate(csv.reader(io.StringIO(text.lstrip("\ufeff"))), start=1):
        cells = [cell.strip() for cell in row]
        if not cells or not any(cells) or cells[0].startswith("#"):
            continue
        if line_no == 1 and cells[0].lower() == "date":
            continue
        if len(cells) < 2 or len(cells) > 4:
            raise CalendarFileError(f"line {line_no}: expected date,working_day,name[,note], got {len(cells)} columns")
        try:
            day = date.fromisoformat(cells[0])
        except ValueError:
            raise CalendarFileError(f"line {line_no}: {cells[0]!r} is not a date like 2027-02-06") from None
        if day.year != year:
            raise CalendarFileError(f"line {line_no}: {day.isoformat()} is not in {year}")
        if cells[1] not in {"0", "1"}:
            raise CalendarFileError(f"line {line_no}: working_day {cells[1]!r} must be 0 (day off) or 1 (working day)")
        if day in entries:
            raise CalendarFileError(f"line {line_no}: {day.isoformat()} is listed twice")
        name = cells[2] if len(cells) > 2 else ""
        note = cells[3] if len(cells) > 3 else ""
        if len(name) > 40 or len(note) > 200:
            raise CalendarFileError(f"line {line_no}: name is limited to 40 characters and note to 200")
        entries[day] = DayEntry(day, cells[1] == "1", name, note)
    if not entries:
        raise CalendarFileError(f"the file lists no day of {year}")
    return sorted(entries.values(), key=lambda entry: entry.date)
