"""Task queries. Lists use keyset pagination over indexes that start with project_id, so a
page costs the same at any depth and any table size."""

from __future__ import annotations

import base64
import binascii
import re
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

import orjson
from sqlalchemy import Row, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from taskapp.core.db import ReadConnection
from taskapp.core.errors import BadRequest
from taskapp.projects.models import Role, roles_at_least
from taskapp.tasks.models import DUE_DATE_KEY_SQL, POSITION_GAP, Priority, Task, TaskStatus
from taskapp.tasks.schemas import TaskCountsQuery, TaskQuery, TaskSort, priority_value


@dataclass(frozen=True)
class SortSpec:
    key_sql: str  # an expression the indexes in tasks/models.py cover
    descending: bool
    kind: type  # of the key, as a cursor carries it


_SORTS: dict[str, SortSpec] = {
    "-created_at": SortSpec("created_at", True, datetime),
    "created_at": SortSpec("created_at", False, datetime),
    "-updated_at": SortSpec("updated_at", True, datetime),
    "due_date": SortSpec(DUE_DATE_KEY_SQL, False, date),
    "-priority": SortSpec("priority", True, Priority),
    "position": SortSpec("position", False, int),
}


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
        parsed = _cursor_value(_SORTS[sort].kind, value)
        if not isinstance(task_id, str):
            raise ValueError("not a task id")
        return parsed, uuid.UUID(task_id)
    except ValueError as exc:
        raise BadRequest(_INVALID_CURSOR) from exc


# PostgreSQL's bigint, which a position is.
_BIGINT = range(-(2**63), 2**63)


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
    # Integers (bool is an int to Python, not here): a priority is one of the enum's values.
    if type(value) is not int:
        raise ValueError("not an integer")
    if kind is Priority and value not in {int(p) for p in Priority}:
        raise ValueError("not a priority")
    if value not in _BIGINT:
        raise ValueError("not a position")
    return value


def _cursor_json(sort_key: Any) -> Any:
    """A sort key as a cursor carries it: dates and instants in ISO 8601, integers (priorities,
    positions) as they are."""
    return sort_key.isoformat() if isinstance(sort_key, date) else sort_key


# What a page shows of a task, in TaskOut's order (not the search vector, the largest column).
PAGE_COLUMNS = (
    "id",
    "project_id",
    "title",
    "description",
    "status",
    "position",
    "priority",
    "assignee_id",
    "due_date",
    "version",
    "created_at",
    "updated_at",
)
# Shown after PAGE_COLUMNS, in TaskOut's order: (the column, TaskOut's name for it).
PAGE_RENAMED = (
    ("created_by", "created_by_id"),
    ("updated_by", "updated_by_id"),
    ("comment_count", "comment_count"),
)
# The names of a page row's values, as TaskOut has them (the row then ends with its sort key).
PAGE_FIELDS = (*PAGE_COLUMNS, *(name for _, name in PAGE_RENAMED))
_INNER_COLUMNS = ", ".join(
    [*PAGE_COLUMNS, *(c if c == name else f"{c} AS {name}" for c, name in PAGE_RENAMED)]
)
_OUTER_COLUMNS = ", ".join(f"p.{name}" for name in PAGE_FIELDS)


# The fields a task's history records (activity), as TaskOut names them.
TRACKED_FIELDS = ("title", "description", "status", "priority", "assignee_id", "due_date")


@dataclass(frozen=True)
class MemberPage:
    role: Role
    rows: list[Sequence[Any]]  # PAGE_FIELDS of each task, in order, then the sort key
    next_cursor: str | None


# A word of a search: letters and digits of any script (`\w` without the underscore, which
# PostgreSQL's parser reads as a separator). Everything else separates words, so no character
# of the user's text can be an operator of the tsquery syntax.
_SEARCH_WORD = re.compile(r"[^\W_]+")


def search_tsquery(text: str) -> str | None:
    """The search box's text as `to_tsquery` input, or None if it holds no word (then there is
    nothing to search for and the filter is left out). Each word outside quotes matches as a
    prefix (`hom:*` finds "home"); the words of a "quoted phrase" match whole, in order
    (`(fix <-> login)`); an unclosed quote runs to the end. All terms must match. The text
    reaches PostgreSQL as a bound parameter, and holds only letters, digits and the operators
    written here: `to_tsquery` cannot fail on it."""
    terms: list[str] = []
    for index, part in enumerate(text.split('"')):
        words = _SEARCH_WORD.findall(part)
        if not words:
            continue
        if index % 2:  # between quotes
            terms.append("(" + " <-> ".join(words) + ")")
        else:
            terms.extend(f"{word}:*" for word in words)
    return " & ".join(terms) or None


# Two configurations, either may match: 'english' stems ("logins" finds "login"), 'simple'
# keeps stop words and unstemmed prefixes ("the" finds "theme"; 'english' drops it).
SEARCH_SQL = "search @@ (to_tsquery('english', {0}) || to_tsquery('simple', {0}))"


def _filter_conditions(
    filters: TaskQuery | TaskCountsQuery, param: Callable[[Any], str]
) -> list[str]:
    """The WHERE conditions of the filters a list and its counts share (not status)."""
    conditions = []
    if filters.assignee_id is not None:
        conditions.append(f"assignee_id = {param(filters.assignee_id)}")
    if filters.priority is not None:
        conditions.append(f"priority = {param(priority_value(filters.priority))}")
    tsquery = search_tsquery(filters.q) if filters.q else None
    if tsquery is not None:
        conditions.append(SEARCH_SQL.format(param(tsquery)))
    return conditions


def member_page_sql(query: TaskQuery) -> tuple[str, list[Any]]:
    """The statement for `member_page` and its parameters ($1 the project, $2 the caller).
    Written out rather than built with SQLAlchemy's expression language: building a lateral
    join per request cost more than the query (issue 9's profile). Only placeholders carry
    values; the text varies only with which filters are present."""
    spec = _SORTS[query.sort]
    key, descending = spec.key_sql, spec.descending
    params: list[Any] = []

    def param(value: Any) -> str:
        params.append(value)
        return f"${len(params) + 2}"

    conditions = ["project_id = $1"]
    if query.status is not None:
        conditions.append(f"status = {param(query.status.value)}")
    conditions.extend(_filter_conditions(query, param))
    if query.cursor:
        value, last_id = decode_cursor(query.cursor, query.sort)
        after = "<" if descending else ">"
        conditions.append(f"({key}, id) {after} ({param(value)}, {param(last_id)})")
    direction = "DESC" if descending else "ASC"
    limit = param(query.limit + 1)
    # Identifiers are this module's constants; every value is a placeholder.
    statement = (
        f"SELECT m.role, {_OUTER_COLUMNS}, p.sort_key "  # noqa: S608
        "FROM memberships m LEFT JOIN LATERAL ("
        f"SELECT {_INNER_COLUMNS}, {key} AS sort_key FROM tasks WHERE {' AND '.join(conditions)} "
        f"ORDER BY {key} {direction}, id {direction} LIMIT {limit}"
        ") p ON true WHERE m.project_id = $1 AND m.user_id = $2 "
        f"ORDER BY p.sort_key {direction}, p.id {direction}"
    )
    return statement, params


async def member_page(
    connection: ReadConnection, project_id: uuid.UUID, user_id: uuid.UUID, query: TaskQuery
) -> MemberPage | None:
    """The caller's role in the project and a page of its tasks, in one statement (None if the
    caller is not a member): the membership row joined laterally to the page, so the page is
    read only for a member and a read costs one round trip."""
    statement, params = member_page_sql(query)
    result: Sequence[Any] = await connection.fetch(statement, project_id, user_id, *params)
    if not result:
        return None
    rows = [row[1:] for row in result if row[1] is not None]
    next_cursor = None
    if len(rows) > query.limit:
        rows = rows[: query.limit]
        last = rows[-1]
        next_cursor = encode_cursor(query.sort, _cursor_json(last[-1]), last[0])
    return MemberPage(Role(result[0][0]), rows, next_cursor)


def member_counts_sql(query: TaskCountsQuery) -> tuple[str, list[Any]]:
    """The statement for `member_counts` and its parameters ($1 the project, $2 the caller),
    written out as `member_page_sql` is, with the same filter conditions."""
    params: list[Any] = []

    def param(value: Any) -> str:
        params.append(value)
        return f"${len(params) + 2}"

    conditions = ["project_id = $1", *_filter_conditions(query, param)]
    statement = (
        "SELECT m.role, c.status, c.count "  # noqa: S608 - every value is a placeholder
        "FROM memberships m LEFT JOIN LATERAL ("
        f"SELECT status, count(*) AS count FROM tasks WHERE {' AND '.join(conditions)} "
        "GROUP BY status"
        ") c ON true WHERE m.project_id = $1 AND m.user_id = $2"
    )
    return statement, params


async def member_counts(
    connection: ReadConnection,
    project_id: uuid.UUID,
    user_id: uuid.UUID,
    query: TaskCountsQuery,
) -> tuple[Role, dict[TaskStatus, int]] | None:
    """The caller's role and the counts by status of the project's tasks that match the
    filters, in one statement (None if the caller is not a member): the membership row joined
    laterally to the counts, as for a page."""
    statement, params = member_counts_sql(query)
    result: Sequence[Any] = await connection.fetch(statement, project_id, user_id, *params)
    if not result:
        return None
    counts = {TaskStatus(status): int(count) for _, status, count in result if status is not None}
    return Role(result[0][0]), counts


# Writes in one statement (ADR 0106's amendment, issue 9): each checks the caller's role in
# the same statement, so a write costs BEGIN, one prepare, one execute and COMMIT.
_WRITER_ROLES = ", ".join(f"'{role.value}'" for role in roles_at_least(Role.member))
_RETURNED_COLUMNS = ", ".join(
    [*(f"t.{c}" for c in PAGE_COLUMNS), *(f"t.{c} AS {name}" for c, name in PAGE_RENAMED)]
)
_PRIORITY_NAME_SQL = (
    "CASE {0} " + " ".join(f"WHEN {int(p)} THEN '{p.name}'" for p in Priority) + " END"
)

# $1 project, $2 caller, $3 the task's id, $4 title, $5 description, $6 status, $7 priority,
# $8 assignee (or null), $9 due date, $10 the activity entry's id, $11 its changes (JSON).
# One row (the caller's role, then PAGE_FIELDS; nulls if nothing was inserted) for a member,
# none otherwise. The position is the column's top (ADR 0106), read in the statement without
# the column's lock: tasks created at the same moment may share one (ties go by id).
CREATE_SQL = f"""
WITH caller AS (
  SELECT role FROM memberships WHERE project_id = $1 AND user_id = $2
), new_task AS (
  INSERT INTO tasks AS t (id, project_id, title, description, status, position, priority,
                          assignee_id, due_date, created_by, updated_by, version)
  SELECT $3::uuid, $1, $4::text, $5::text, $6::task_status,
         coalesce((SELECT min(position) FROM tasks
                   WHERE project_id = $1 AND status = $6::task_status) - {POSITION_GAP}, 0),
         $7::smallint, $8::uuid, $9::date, $2, $2, 1
  FROM caller
  WHERE caller.role IN ({_WRITER_ROLES})
    AND ($8::uuid IS NULL OR EXISTS (
      SELECT 1 FROM memberships WHERE project_id = $1 AND user_id = $8::uuid))
  RETURNING {_RETURNED_COLUMNS}
), entry AS (
  INSERT INTO activity (id, project_id, actor_id, kind, task_id, changes)
  SELECT $10::uuid, $1, $2, 'task.created', id, $11::text::jsonb FROM new_task
)
SELECT caller.role, new_task.* FROM caller LEFT JOIN new_task ON true
"""  # noqa: S608 - constants of this module; every value is a placeholder


# The fields an update can change in one statement: not `status` or a placement, which need
# the column's lock (tasks/placement.py).
SIMPLE_UPDATE_FIELDS = ("title", "description", "priority", "assignee_id", "due_date")


def _json_value(field: str, row: str) -> str:
    """A tracked field of `row` as the history shows it (tracked_fields in service.py)."""
    if field == "priority":
        return _PRIORITY_NAME_SQL.format(f"{row}.priority")
    return f"{row}.{field}"  # text, uuid and date: jsonb writes them as the API does


def simple_update_sql(fields: Sequence[str]) -> str:
    """The statement for an update of `fields` (of SIMPLE_UPDATE_FIELDS): $1 project, $2
    caller, $3 task, $4 the expected version, $5 the activity entry's id, then each field's
    value in order. One row for a member: the role, whether the assignee (if one is set) is
    a member, the task's version under the lock (null: no such task), then PAGE_FIELDS of the
    updated task (nulls if nothing was updated); none for a non-member.

    The task's row is locked first (`prior`), so its values are the "before" the history
    records and its version the one compared; the update and its history entry are the same
    statement's, which commits both or neither."""
    placeholders = {field: f"${n}" for n, field in enumerate(fields, start=6)}
    assignments = "".join(f"{field} = {value}, " for field, value in placeholders.items())
    assignee = "true"
    if "assignee_id" in placeholders:
        value = f"{placeholders['assignee_id']}::uuid"
        assignee = (
            f"({value} IS NULL OR EXISTS (SELECT 1 FROM memberships "  # noqa: S608 - placeholders
            f"WHERE project_id = $1 AND user_id = {value}))"
        )
    changes = " || ".join(
        [
            "'{}'::jsonb",
            *(
                f"CASE WHEN prior.{f} IS DISTINCT FROM updated.{f} THEN jsonb_build_object("
                f"'{f}', jsonb_build_object('before', {_json_value(f, 'prior')}, "
                f"'after', {_json_value(f, 'updated')})) ELSE '{{}}'::jsonb END"
                for f in fields
            ),
        ]
    )
    return f"""
WITH caller AS (
  SELECT role, role IN ({_WRITER_ROLES}) AS allowed, {assignee} AS assignee_ok
  FROM memberships WHERE project_id = $1 AND user_id = $2
), prior AS (
  SELECT t.id, t.version, {", ".join(f"t.{f}" for f in SIMPLE_UPDATE_FIELDS)}
  FROM tasks t, caller
  WHERE t.id = $3 AND t.project_id = $1 AND caller.allowed AND caller.assignee_ok
  FOR UPDATE OF t
), updated AS (
  UPDATE tasks t
  SET {assignments}updated_by = $2, version = t.version + 1,
      updated_at = now()
  FROM prior WHERE t.id = prior.id AND prior.version = $4
  RETURNING {_RETURNED_COLUMNS}
), entry AS (
  INSERT INTO activity (id, project_id, actor_id, kind, task_id, changes)
  SELECT $5::uuid, $1, $2, 'task.updated', updated.id, d.changes
  FROM updated JOIN prior ON prior.id = updated.id, LATERAL (SELECT {changes} AS changes) d
  WHERE d.changes <> '{{}}'::jsonb
)
SELECT caller.role, caller.assignee_ok, prior.version, updated.*
FROM caller LEFT JOIN prior ON true LEFT JOIN updated ON true
"""  # noqa: S608 - constants of this module; every value is a placeholder


async def get_task(session: AsyncSession, project_id: uuid.UUID, task_id: uuid.UUID) -> Task | None:
    result = await session.execute(
        select(Task).where(Task.id == task_id, Task.project_id == project_id)
    )
    return result.scalar_one_or_none()


async def task_status(
    session: AsyncSession, project_id: uuid.UUID, task_id: uuid.UUID
) -> TaskStatus | None:
    """The task's column as it is now, without a lock (None if there is no such task)."""
    status = await session.scalar(
        select(Task.status).where(Task.id == task_id, Task.project_id == project_id)
    )
    return None if status is None else TaskStatus(status)


async def lock_task(
    session: AsyncSession, project_id: uuid.UUID, task_id: uuid.UUID
) -> Row[Any] | None:
    """The task's version and the fields its history records, locked until the transaction
    ends (None if there is no such task): what an update compares and records as before."""
    result = await session.execute(
        select(Task.version, *(getattr(Task, field) for field in TRACKED_FIELDS))
        .where(Task.id == task_id, Task.project_id == project_id)
        .with_for_update()
    )
    return result.one_or_none()


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
