"""The export file: one CSV row per task, safe to open in a spreadsheet."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from typing import IO

from taskapp.tasks.models import Task
from taskapp.tasks.schemas import priority_name

HEADER = ["id", "title", "description", "status", "priority", "assignee_id", "due_date",
          "created_at", "updated_at"]  # fmt: skip
_FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def _cell(value: object) -> str:
    text = "" if value is None else str(value)
    # Spreadsheets run cells starting with these as formulas (CSV injection).
    return "'" + text if text.startswith(_FORMULA_PREFIXES) else text


class TaskCsvWriter:
    """Writes rows as they stream from the database, so memory stays flat for big projects."""

    def __init__(self, out: IO[bytes]) -> None:
        self._text = io.TextIOWrapper(out, encoding="utf-8", newline="", write_through=True)
        self._writer = csv.writer(self._text)
        self._writer.writerow(HEADER)
        self.count = 0

    def write(self, tasks: Iterable[Task]) -> None:
        for task in tasks:
            self._writer.writerow(
                [
                    _cell(v)
                    for v in (
                        task.id,
                        task.title,
                        task.description,
                        task.status.value,
                        priority_name(task.priority),
                        task.assignee_id,
                        task.due_date.isoformat() if task.due_date else None,
                        task.created_at.isoformat(),
                        task.updated_at.isoformat(),
                    )
                ]
            )
            self.count += 1

    def finish(self) -> None:
        self._text.flush()
        self._text.detach()  # leave the underlying buffer open for the upload
