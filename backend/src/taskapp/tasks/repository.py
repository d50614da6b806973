"""Task queries. Lists use keyset pagination over indexes that start with project_id, so a
page costs the same at any depth and any table size."""

from __future__ import annotations

import base64
import binascii
import uuid
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

import orjson
from sqlalchemy import ColumnElement, Select, func, literal_column, select, tuple_, update
from sqlalchemy.ext.asyncio import AsyncSession

from taskapp.core.errors import BadRequest
from taskapp.tasks.models import DUE_DATE_KEY_SQL, FAR_FUTURE, Priority, Task, TaskStatus
from taskapp.tasks.schemas import TaskQuery, TaskSort, priority_value


@dataclass(frozen=True)
class SortSpec:
    column: Any
    descending: bool
    kind: type


def _sort_spec(sort: TaskSort) -> SortSpec:
    if sort == "-created_at":
        return SortSpec(Task.created_at, True, datetime)
    if sort == "created_at":
        return SortSpec(Task.created_at, False, datetime)
    if sort == "-updated_at":
        return SortSpec(Task.updated_at, True, datetime)
    if sort == "due_date":
        return SortSpec(literal_column(DUE_DATE_KEY_SQL), False, date)
    return SortSpec(Task.priority, True, int)


def encode_cursor(sort: TaskSort, value: Any, task_id: uuid.UUID) -> str:
    raw = orjson.dumps([sort, value, str(task_id)])
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


_INVALID_CURSOR = "The cursor is not valid for this query; start from the first page."
# The oldest and newest instants a cursor may carry: PostgreSQL's timestamptz holds more, but
# Python's datetime cannot move an instant near its own bounds to UTC.
_OLDEST = datetime(1, 1, 2, tzinfo=UTC)
_NEWEST = datetime(9999, 12, 30, tzinfo=UTC)


def decode_cursor(cursor: str, sort: TaskSort) -> tuple[Any, uuid.UUID]:
    """A cursor this API wrote for `sort`, or 400: it is client input, so every part is checked
    for type and range before it reaches the database (a wrong type or an out-of-range value
    would otherwise fail there, as a 500)."""
    try:
        raw = base64.b64decode(cursor + "=" * (-len(cursor) % 4), altchars=b"-_", validate=True)
        decoded = orjson.loads(raw)
    except (ValueError, binascii.Error, orjson.JSONDecodeError) as exc:
        raise BadRequest(_INVALID_CURSOR) from exc
    if not (isinstance(decoded, list) and len(decoded) == 3 and decoded[0] == sort):
        raise BadRequest(_INVALID_CURSOR)
    _, value, task_id = decoded
    try:
        parsed = _cursor_value(_sort_spec(sort).kind, value)
        if not isinstance(task_id, str):
            raise ValueError("not a task id")
        return parsed, uuid.UUID(task_id)
    except ValueError as exc:
        raise BadRequest(_INVALID_CURSOR) from exc


def _cursor_value(kind: type, value: object) -> datetime | date | int:
    if kind is datetime:
        if not isinstance(value, str):
            raise ValueError("not a timestamp")
        instant = datetime.fromisoformat(value)
        if instant.tzinfo is None or not _OLDEST <= instant <= _NEWEST:
            raise ValueError("not an instant in range")
        return instant
    if kind is date:
        if not isinstance(value, str):
            raise ValueError("not a date")
        return date.fromisoformat(value)  # any date fits PostgreSQL's date
    # Priorities: exactly one of the enum's values (bool is an int to Python, not here).
    if type(value) is not int or value not in {int(p) for p in Priority}:
        raise ValueError("not a priority")
    return value


def _sort_value(task: Task, sort: TaskSort) -> Any:
    if sort in ("-created_at", "created_at"):
        return task.created_at.isoformat()
    if sort == "-updated_at":
        return task.updated_at.isoformat()
    if sort == "due_date":
        return (task.due_date or FAR_FUTURE).isoformat()
    return task.priority


def _filters(project_id: uuid.UUID, query: TaskQuery) -> list[ColumnElement[bool]]:
    conditions: list[ColumnElement[bool]] = [Task.project_id == project_id]
    if query.status is not None:
        conditions.append(Task.status == query.status)
    if query.assignee_id is not None:
        conditions.append(Task.assignee_id == query.assignee_id)
    if query.priority is not None:
        conditions.append(Task.priority == priority_value(query.priority))
    if query.q and query.q.strip():
        conditions.append(Task.search.op("@@")(func.websearch_to_tsquery("english", query.q)))
    return conditions


async def list_page(
    session: AsyncSession, project_id: uuid.UUID, query: TaskQuery
) -> tuple[list[Task], str | None]:
    spec = _sort_spec(query.sort)
    statement: Select[Task] = select(Task).where(*_filters(project_id, query))
    if query.cursor:
        value, last_id = decode_cursor(query.cursor, query.sort)
        key = tuple_(spec.column, Task.id)
        statement = statement.where(
            key < (value, last_id) if spec.descending else key > (value, last_id)
        )
    if spec.descending:
        statement = statement.order_by(spec.column.desc(), Task.id.desc())
    else:
        statement = statement.order_by(spec.column.asc(), Task.id.asc())
    rows = list((await session.execute(statement.limit(query.limit + 1))).scalars())
    next_cursor = None
    if len(rows) > query.limit:
        rows = rows[: query.limit]
        last = rows[-1]
        next_cursor = encode_cursor(query.sort, _sort_value(last, query.sort), last.id)
    return rows, next_cursor


async def count_by_status(session: AsyncSession, project_id: uuid.UUID) -> dict[TaskStatus, int]:
    result = await session.execute(
        select(Task.status, func.count()).where(Task.project_id == project_id).group_by(Task.status)
    )
    return {status: int(count) for status, count in result.all()}


async def get_task(session: AsyncSession, project_id: uuid.UUID, task_id: uuid.UUID) -> Task | None:
    result = await session.execute(
        select(Task).where(Task.id == task_id, Task.project_id == project_id)
    )
    return result.scalar_one_or_none()


async def update_if_version(
    session: AsyncSession,
    project_id: uuid.UUID,
    task_id: uuid.UUID,
    expected_version: int,
    values: dict[str, Any],
) -> Task | None:
    """Compare-and-set on `version`: None when another writer got there first."""
    result = await session.execute(
        update(Task)
        .where(Task.id == task_id, Task.project_id == project_id, Task.version == expected_version)
        .values(**values, version=Task.version + 1, updated_at=func.now())
        .returning(Task)
        .execution_options(synchronize_session=False)
    )
    return result.scalar_one_or_none()


async def unassign(session: AsyncSession, project_id: uuid.UUID, user_id: uuid.UUID) -> None:
    await session.execute(
        update(Task)
        .where(Task.project_id == project_id, Task.assignee_id == user_id)
        .values(assignee_id=None, version=Task.version + 1, updated_at=func.now())
    )
