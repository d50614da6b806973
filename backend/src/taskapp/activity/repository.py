"""Activity rows: written by the services in the transaction of the change they record,
read newest first with keyset pagination over (created_at, id)."""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import select, tuple_
from sqlalchemy.ext.asyncio import AsyncSession

from taskapp.activity.models import Activity
from taskapp.core import cursors

CURSOR_KIND = "activity"


def record(
    session: AsyncSession,
    project_id: uuid.UUID,
    actor_id: uuid.UUID | None,
    kind: str,
    *,
    task_id: uuid.UUID | None = None,
    target_id: uuid.UUID | None = None,
    changes: dict[str, dict[str, Any]] | None = None,
) -> Activity:
    """Add an entry to the session: it is inserted with the change's own statements and
    commits or rolls back with them (never on its own, never through Redis or the worker)."""
    entry = Activity(
        project_id=project_id,
        actor_id=actor_id,
        kind=kind,
        task_id=task_id,
        target_id=target_id,
        changes=changes or {},
    )
    session.add(entry)
    return entry


def change(before: Any, after: Any) -> dict[str, Any]:
    return {"before": before, "after": after}


def diff(before: dict[str, Any], after: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """The fields whose values differ, each with its value before and after."""
    return {
        field: change(before.get(field), value)
        for field, value in after.items()
        if before.get(field) != value
    }


async def page(
    session: AsyncSession,
    project_id: uuid.UUID,
    task_id: uuid.UUID | None,
    limit: int,
    cursor: str | None,
) -> tuple[list[Activity], str | None]:
    """A page of the project's entries (or one task's), newest first, and the next cursor."""
    statement = select(Activity).where(Activity.project_id == project_id)
    if task_id is not None:
        statement = statement.where(Activity.task_id == task_id)
    if cursor is not None:
        created_at, last_id = cursors.decode(cursor, CURSOR_KIND)
        statement = statement.where(
            tuple_(Activity.created_at, Activity.id) < tuple_(created_at, last_id)
        )
    statement = statement.order_by(Activity.created_at.desc(), Activity.id.desc()).limit(limit + 1)
    rows = list((await session.execute(statement)).scalars())
    next_cursor = None
    if len(rows) > limit:
        rows = rows[:limit]
        next_cursor = cursors.encode(CURSOR_KIND, rows[-1].created_at, rows[-1].id)
    return rows, next_cursor
