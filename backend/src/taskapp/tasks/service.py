from __future__ import annotations

import hashlib
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import orjson
from sqlalchemy.ext.asyncio import AsyncSession

from taskapp.activity import repository as activity
from taskapp.core.cache import Cache, project_tasks_key
from taskapp.core.db import ReadConnection, after_commit, new_id
from taskapp.core.errors import NotFound, PreconditionFailed, ValidationFailed
from taskapp.events.hub import EventHub
from taskapp.projects import repository as projects
from taskapp.projects.dependencies import ProjectAccess, UncheckedAccess, check_role
from taskapp.projects.models import Role
from taskapp.tasks import placement, repository
from taskapp.tasks.models import Priority, Task, TaskStatus
from taskapp.tasks.schemas import (
    TaskCounts,
    TaskCountsQuery,
    TaskCreate,
    TaskOut,
    TaskQuery,
    TaskUpdate,
    priority_name,
    priority_value,
)

TASK_NOT_FOUND = "Task not found."
_PRIORITY_NAMES = {int(priority): priority.name for priority in Priority}
_OPTIONAL_IDS = ("assignee_id", "created_by_id", "updated_by_id")


def task_out(task: Task) -> TaskOut:
    return TaskOut(
        id=task.id,
        project_id=task.project_id,
        title=task.title,
        description=task.description,
        status=task.status,
        position=task.position,
        priority=priority_name(task.priority),
        assignee_id=task.assignee_id,
        due_date=task.due_date,
        version=task.version,
        created_at=task.created_at,
        updated_at=task.updated_at,
        created_by_id=task.created_by,
        updated_by_id=task.updated_by,
        comment_count=task.comment_count,
    )


def tracked_fields(task: Any) -> dict[str, Any]:
    """The fields a task's history records, as the API shows them (JSON values): `task` is a
    Task or a row of `repository.lock_task`."""
    return {
        "title": task.title,
        "description": task.description,
        "status": TaskStatus(task.status).value,
        "priority": priority_name(task.priority),
        "assignee_id": None if task.assignee_id is None else str(task.assignee_id),
        "due_date": None if task.due_date is None else task.due_date.isoformat(),
    }


def query_digest(query: TaskQuery | TaskCountsQuery) -> str:
    """Names a validated query in cache fields: equal queries, equal digests."""
    return hashlib.blake2b(query.model_dump_json().encode(), digest_size=12).hexdigest()


def list_cache_field(user_id: uuid.UUID, digest: str) -> str:
    return f"{user_id}:list:{digest}"


def counts_cache_field(user_id: uuid.UUID, digest: str) -> str:
    """The counts under one set of filters: the digest of the validated `TaskCountsQuery`, as
    for a list, so two sets of filters never share an entry."""
    return f"{user_id}:counts:{digest}"


def _item(row: Sequence[Any]) -> dict[str, Any]:
    """A row of PAGE_FIELDS (then anything) as TaskOut's fields, ready for orjson."""
    item = dict(zip(repository.PAGE_FIELDS, row, strict=False))
    # asyncpg's UUIDs are its own type, which orjson does not know: text, as pydantic.
    item["id"] = str(item["id"])
    item["project_id"] = str(item["project_id"])
    for field in _OPTIONAL_IDS:
        if item[field] is not None:
            item[field] = str(item[field])
    item["priority"] = _PRIORITY_NAMES[item["priority"]]
    return item


def page_json(page: repository.MemberPage) -> bytes:
    """A page as `TaskPage` serialises it (the same bytes; tests/test_tasks.py compares),
    written straight from the rows: no ORM objects, no models per task."""
    items = [_item(row) for row in page.rows]
    return orjson.dumps({"items": items, "next_cursor": page.next_cursor}, option=orjson.OPT_UTC_Z)


@dataclass(frozen=True)
class WrittenTask:
    """A task as a one-statement write returned it: TaskOut's JSON and the version (ETag)."""

    body: bytes
    version: int


def _written(row: Sequence[Any]) -> WrittenTask:
    item = _item(row)
    return WrittenTask(orjson.dumps(item, option=orjson.OPT_UTC_Z), item["version"])


def change_entry(
    access: ProjectAccess | UncheckedAccess, kind: str, task_id: object, version: int
) -> dict[str, Any]:
    return {
        "kind": kind,
        "task_id": str(task_id),
        "version": version,
        "actor_id": str(access.user_id),
    }


async def announce(
    cache: Cache, events: EventHub, project_id: uuid.UUID, change: dict[str, Any]
) -> None:
    """Once committed: the project's cached pages go, and its live stream tells browsers what
    changed (events/, ADR 0104), in one Redis round trip (the invalidation first)."""
    await cache.invalidate(
        project_tasks_key(project_id), then_append=events.entry(project_id, change)
    )


def _assignee_not_member() -> ValidationFailed:
    return ValidationFailed(
        "The assignee must be a member of the project.",
        details=[{"loc": ["body", "assignee_id"], "message": "not a project member"}],
    )


def _created_changes(data: TaskCreate) -> dict[str, dict[str, Any]]:
    """The history's "task.created" changes: every tracked field that has a value."""
    return activity.diff(
        {},
        {
            "title": data.title,
            "description": data.description,
            "status": TaskStatus(data.status).value,
            "priority": data.priority,
            "assignee_id": None if data.assignee_id is None else str(data.assignee_id),
            "due_date": None if data.due_date is None else data.due_date.isoformat(),
        },
    )


async def create_task(
    access: UncheckedAccess, data: TaskCreate, cache: Cache, events: EventHub
) -> WrittenTask:
    """Create a task in one statement (`Database.write`): the caller's role, the assignee's
    membership, the task at the top of its column and its history entry
    (repository.CREATE_SQL); then the invalidation and the live update."""
    rows = await access.database.write(
        repository.CREATE_SQL,
        (
            access.project_id,
            access.user_id,
            new_id(),
            data.title,
            data.description,
            TaskStatus(data.status).value,
            priority_value(data.priority),
            data.assignee_id,
            data.due_date,
            new_id(),
            orjson.dumps(_created_changes(data)).decode(),
        ),
    )
    check_role(Role(rows[0][0]) if rows else None, access.minimum)
    if rows[0][1] is None:
        raise _assignee_not_member()
    task = _written(rows[0][1:])
    change = change_entry(access, "task.created", rows[0][1], task.version)
    await announce(cache, events, access.project_id, change)
    return task


def checked_values(data: TaskUpdate) -> dict[str, Any]:
    """The fields an update sets, as the database stores them; 422 for a null where none is
    allowed."""
    values: dict[str, Any] = {field: getattr(data, field) for field in data.model_fields_set}
    if "title" in values and values["title"] is None:
        raise ValidationFailed("The title cannot be empty.")
    for field in ("description", "status", "priority"):
        if field in values and values[field] is None:
            raise ValidationFailed(f"`{field}` cannot be null.")
    if "priority" in values:
        values["priority"] = priority_value(values["priority"])
    return values


def is_simple_update(data: TaskUpdate) -> bool:
    """Whether the update can be one statement: it places nothing (no status, no `after_id`)."""
    return data.model_fields_set <= set(repository.SIMPLE_UPDATE_FIELDS)


async def update_task(
    access: UncheckedAccess,
    task_id: uuid.UUID,
    expected_version: int,
    data: TaskUpdate,
    cache: Cache,
    events: EventHub,
) -> WrittenTask:
    """An update: one statement if it places nothing, else `TaskService.update` in a
    transaction (a placement takes the column's lock before the row: tasks/placement.py)."""
    if is_simple_update(data):
        return await update_task_simply(access, task_id, expected_version, data, cache, events)
    async with access.database.transaction() as session:
        granted = await access.check_in(session)
        service = TaskService(session, cache, events)
        task = await service.update(granted, task_id, expected_version, data)
    return WrittenTask(task_out(task).model_dump_json().encode(), task.version)


async def update_task_simply(
    access: UncheckedAccess,
    task_id: uuid.UUID,
    expected_version: int,
    data: TaskUpdate,
    cache: Cache,
    events: EventHub,
) -> WrittenTask:
    """An update that places nothing (`is_simple_update`), in one statement (`Database.write`):
    the caller's role, the assignee's membership, the row's lock and version check, the
    update and its history entry (repository.simple_update_sql). The same answers, in the same
    order, as `TaskService.update` behind ProjectWriter: 404/403, 422, 404, 412."""
    try:
        values = checked_values(data)
    except ValidationFailed:
        await access.check()  # a stranger's or a viewer's request is refused as such first
        raise
    fields = [field for field in repository.SIMPLE_UPDATE_FIELDS if field in values]
    rows = await access.database.write(
        repository.simple_update_sql(fields),
        (
            access.project_id,
            access.user_id,
            task_id,
            expected_version,
            new_id(),
            *(values[field] for field in fields),
        ),
    )
    check_role(Role(rows[0][0]) if rows else None, access.minimum)
    role_row = rows[0]
    if not role_row[1]:
        raise _assignee_not_member()
    current_version = role_row[2]
    if current_version is None:
        raise NotFound(TASK_NOT_FOUND)
    if current_version != expected_version or role_row[3] is None:
        raise TaskService.stale(current_version)
    task = _written(role_row[3:])
    change = change_entry(access, "task.updated", task_id, task.version)
    await announce(cache, events, access.project_id, change)
    return task


def counts_json(counts: dict[TaskStatus, int]) -> bytes:
    result = TaskCounts(
        todo=counts.get(TaskStatus.todo, 0),
        in_progress=counts.get(TaskStatus.in_progress, 0),
        done=counts.get(TaskStatus.done, 0),
        total=sum(counts.values()),
    )
    return orjson.dumps(result.model_dump(mode="json"))


async def member_page_json(
    connection: ReadConnection, project_id: uuid.UUID, user_id: uuid.UUID, query: TaskQuery
) -> tuple[Role, bytes] | None:
    """The caller's role and the page as JSON; None if the caller is not a member."""
    page = await repository.member_page(connection, project_id, user_id, query)
    return None if page is None else (page.role, page_json(page))


async def member_counts_json(
    connection: ReadConnection, project_id: uuid.UUID, user_id: uuid.UUID, query: TaskCountsQuery
) -> tuple[Role, bytes] | None:
    found = await repository.member_counts(connection, project_id, user_id, query)
    return None if found is None else (found[0], counts_json(found[1]))


class TaskService:
    def __init__(self, session: AsyncSession, cache: Cache, events: EventHub) -> None:
        self.session = session
        self.cache = cache
        self.events = events

    def _invalidate_after_commit(self, access: ProjectAccess, kind: str, task: Task) -> None:
        """Once committed: `announce` the change."""
        change = change_entry(access, kind, task.id, task.version)

        async def invalidate() -> None:
            await announce(self.cache, self.events, access.project_id, change)

        after_commit(self.session, invalidate)

    async def get(self, access: ProjectAccess, task_id: uuid.UUID) -> Task:
        task = await repository.get_task(self.session, access.project_id, task_id)
        if task is None:
            raise NotFound(TASK_NOT_FOUND)
        return task

    async def update(
        self, access: ProjectAccess, task_id: uuid.UUID, expected_version: int, data: TaskUpdate
    ) -> Task:
        values = checked_values(data)
        if values.get("assignee_id") is not None:
            await self._check_assignee(access.project_id, values["assignee_id"])
        placing = "after_id" in values
        after_id: uuid.UUID | None = values.pop("after_id", None)
        if placing and after_id == task_id:
            raise ValidationFailed(
                "A task cannot be placed after itself: send the id of the task it should follow, "
                "or null for the top of the column.",
                details=[{"loc": ["body", "after_id"], "message": "the task itself",
                          "type": "value_error"}],
            )  # fmt: skip
        column = await self._lock_target_column(access, task_id, values.get("status"), placing)
        # Locked next: what the history records as "before" is what this update replaces.
        current = await repository.lock_task(self.session, access.project_id, task_id)
        if current is None:
            raise NotFound(TASK_NOT_FOUND)
        if current.version != expected_version:
            raise self.stale(current.version)
        target = TaskStatus(values.get("status", current.status))
        if column is not None and target != column:
            # Its status changed between the read and the row lock: the right column's lock too.
            await placement.lock_column(self.session, access.project_id, target)
        if placing or target != current.status:
            # Moved, or into another column: there right after `after_id`, else at the top.
            values["position"] = await placement.position_for(
                self.session, access.project_id, task_id, target, after_id
            )
        values["updated_by"] = access.user_id
        updated = await repository.update_if_version(
            self.session, access.project_id, task_id, expected_version, values
        )
        if updated is None:  # pragma: no cover - the row is locked at this version
            raise self.stale(current.version)
        # Only what the history tracks: a move within a column records nothing (ADR 0106).
        changes = activity.diff(tracked_fields(current), tracked_fields(updated))
        if changes:
            activity.record(
                self.session,
                access.project_id,
                access.user_id,
                "task.updated",
                task_id=task_id,
                changes=changes,
            )
        self._invalidate_after_commit(access, "task.updated", updated)
        return updated

    @staticmethod
    def stale(current_version: int) -> PreconditionFailed:
        return PreconditionFailed(
            "Someone else changed this task since you loaded it; reload and try again.",
            details={"current_version": current_version},
        )

    async def _lock_target_column(
        self,
        access: ProjectAccess,
        task_id: uuid.UUID,
        status: TaskStatus | None,
        placing: bool,
    ) -> TaskStatus | None:
        """Lock the column an update may place the task in, before the task's row (the order
        every placement takes them in: tasks/placement.py), and return it; None if the update
        places nothing (no status, no `after_id`). Without a status it is the task's current
        column, read without a lock: the caller checks it again under the row's lock."""
        if status is None:
            if not placing:
                return None
            status = await repository.task_status(self.session, access.project_id, task_id)
            if status is None:
                raise NotFound(TASK_NOT_FOUND)
        await placement.lock_column(self.session, access.project_id, status)
        return status

    async def delete(
        self, access: ProjectAccess, task_id: uuid.UUID, expected_version: int | None
    ) -> Task:
        task = await self.get(access, task_id)
        if expected_version is not None and task.version != expected_version:
            raise PreconditionFailed(details={"current_version": task.version})
        activity.record(
            self.session,
            access.project_id,
            access.user_id,
            "task.deleted",
            task_id=task.id,
            changes=activity.diff(tracked_fields(task), dict.fromkeys(repository.TRACKED_FIELDS)),
        )
        await self.session.delete(task)
        await self.session.flush()
        self._invalidate_after_commit(access, "task.deleted", task)
        return task

    async def _check_assignee(self, project_id: uuid.UUID, assignee_id: uuid.UUID | None) -> None:
        if assignee_id is None:
            return
        if await projects.get_membership(self.session, project_id, assignee_id) is None:
            raise _assignee_not_member()
