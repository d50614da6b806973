"""The export file: one CSV row per task, safe to open in a spreadsheet (docs/decisions/0082).

- UTF-8 with a byte order mark, so Excel on Windows reads accents right (without it, Excel
  takes the file for the system's ANSI code page); other tools skip the BOM.
- The assignee by display name and e-mail, for current members of the project only (as the
  board names them); a task whose assignee has left shows both empty.
- Timestamps in ISO 8601, UTC, to the second: `2026-12-01T05:10:00Z`.
- Cells that a spreadsheet would run as a formula are neutralised (CSV injection).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from datetime import UTC, datetime
from typing import IO, NamedTuple

from taskapp.tasks.models import Task
from taskapp.tasks.schemas import priority_name

HEADER = ["id", "title", "description", "status", "priority", "assignee", "assignee_email",
          "due_date", "created_at", "updated_at"]  # fmt: skip
# OWASP's list: a leading = + - @ starts a formula; a tab or carriage return can hide one.
_FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


class TaskRow(NamedTuple):
    """A task with its assignee as the project knows them (None: unassigned, or no longer a
    member)."""

    task: Task
    assignee_name: str | None
    assignee_email: str | None


def _cell(value: object) -> str:
    text = "" if value is None else str(value)
    # Spreadsheets run cells starting with these as formulas (CSV injection).
    return "'" + text if text.startswith(_FORMULA_PREFIXES) else text


def csv_timestamp(moment: datetime) -> str:
    """ISO 8601 in UTC to the second, e.g. 2026-12-01T05:10:00Z (microseconds dropped)."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


class TaskCsvWriter:
    """Writes rows as they stream from the database, so memory stays flat for big projects."""

    def __init__(self, out: IO[bytes]) -> None:
        # "utf-8-sig" writes the BOM before the first row, once.
        self._text = io.TextIOWrapper(out, encoding="utf-8-sig", newline="", write_through=True)
        self._writer = csv.writer(self._text)
        self._writer.writerow(HEADER)
        self.count = 0

    def write(self, rows: Iterable[TaskRow]) -> None:
        for task, assignee_name, assignee_email in rows:
            self._writer.writerow(
                [
                    _cell(v)
                    for v in (
                        task.id,
                        task.title,
                        task.description,
                        task.status.value,
                        priority_name(task.priority),
                        assignee_name,
                        assignee_email,
                        task.due_date.isoformat() if task.due_date else None,
                        csv_timestamp(task.created_at),
                        csv_timestamp(task.updated_at),
                    )
                ]
            )
            self.count += 1

    def finish(self) -> None:
        self._text.flush()
        self._text.detach()  # leave the underlying buffer open for the upload
