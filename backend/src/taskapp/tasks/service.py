from __future__ import annotations

import hashlib
import uuid
from typing import Any

import orjson
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncSession

from taskapp.activity import repository as activity
from taskapp.core.cache import Cache, project_tasks_key
from taskapp.core.db import after_commit
from taskapp.core.errors import NotFound, PreconditionFailed, ValidationFailed
from taskapp.events.hub import EventHub
from taskapp.projects import repository as projects
from taskapp.projects.dependencies import ProjectAccess
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


def page_json(page: repository.MemberPage) -> bytes:
    """A page as `TaskPage` serialises it (the same bytes; tests/test_tasks.py compares),
    written straight from the rows: no ORM objects, no models per task."""
    items = []
    for row in page.rows:
        item = dict(zip(repository.PAGE_FIELDS, row, strict=False))
        # asyncpg's UUIDs are its own type, which orjson does not know: text, as pydantic.
        item["id"] = str(item["id"])
        item["project_id"] = str(item["project_id"])
        for field in _OPTIONAL_IDS:
            if item[field] is not None:
                item[field] = str(item[field])
        item["priority"] = _PRIORITY_NAMES[item["priority"]]
        items.append(item)
    return orjson.dumps({"items": items, "next_cursor": page.next_cursor}, option=orjson.OPT_UTC_Z)


def counts_json(counts: dict[TaskStatus, int]) -> bytes:
    result = TaskCounts(
        todo=counts.get(TaskStatus.todo, 0),
        in_progress=counts.get(TaskStatus.in_progress, 0),
        done=counts.get(TaskStatus.done, 0),
        total=sum(counts.values()),
    )
    return orjson.dumps(result.model_dump(mode="json"))


async def member_page_json(
    connection: AsyncConnection, project_id: uuid.UUID, user_id: uuid.UUID, query: TaskQuery
) -> tuple[Role, bytes] | None:
    """The caller's role and the page as JSON; None if the caller is not a member."""
    page = await repository.member_page(connection, project_id, user_id, query)
    return None if page is None else (page.role, page_json(page))


async def member_counts_json(
    connection: AsyncConnection, project_id: uuid.UUID, user_id: uuid.UUID, query: TaskCountsQuery
) -> tuple[Role, bytes] | None:
    found = await repository.member_counts(connection, project_id, user_id, query)
    return None if found is None else (found[0], counts_json(found[1]))


class TaskService:
    def __init__(self, session: AsyncSession, cache: Cache, events: EventHub) -> None:
        self.session = session
        self.cache = cache
        self.events = events

    def _invalidate_after_commit(self, access: ProjectAccess, kind: str, task: Task) -> None:
        """Once committed: the project's cached pages go, and its live stream tells browsers
        what changed (events/, ADR 0104)."""
        project_id = access.project_id
        change = {
            "kind": kind,
            "task_id": str(task.id),
            "version": task.version,
            "actor_id": str(access.user_id),
        }

        async def invalidate() -> None:
            await self.cache.invalidate(project_tasks_key(project_id))
            await self.events.publish(project_id, change)

        after_commit(self.session, invalidate)

    async def get(self, access: ProjectAccess, task_id: uuid.UUID) -> Task:
        task = await repository.get_task(self.session, access.project_id, task_id)
        if task is None:
            raise NotFound(TASK_NOT_FOUND)
        return task

    async def create(self, access: ProjectAccess, data: TaskCreate) -> Task:
        await self._check_assignee(access.project_id, data.assignee_id)
        # At the top of its column, under the column's lock (tasks/placement.py).
        await placement.lock_column(self.session, access.project_id, data.status)
        position = await placement.top_of_column(self.session, access.project_id, data.status)
        task = Task(
            project_id=access.project_id,
            title=data.title,
            description=data.description,
            status=data.status,
            position=position,
            priority=priority_value(data.priority),
            assignee_id=data.assignee_id,
            due_date=data.due_date,
            created_by=access.user_id,
            updated_by=access.user_id,
        )
        self.session.add(task)
        # The INSERT returns the server's defaults (timestamps) itself: SQLAlchemy's
        # eager_defaults ("auto": RETURNING where the database has it); no SELECT after it.
        await self.session.flush()
        activity.record(
            self.session,
            access.project_id,
            access.user_id,
            "task.created",
            task_id=task.id,
            changes=activity.diff({}, tracked_fields(task)),
        )
        self._invalidate_after_commit(access, "task.created", task)
        return task

    async def update(
        self, access: ProjectAccess, task_id: uuid.UUID, expected_version: int, data: TaskUpdate
    ) -> Task:
        values: dict[str, Any] = {field: getattr(data, field) for field in data.model_fields_set}
        if "title" in values and values["title"] is None:
            raise ValidationFailed("The title cannot be empty.")
        for field in ("description", "status", "priority"):
            if field in values and values[field] is None:
                raise ValidationFailed(f"`{field}` cannot be null.")
        if "priority" in values:
            values["priority"] = priority_value(values["priority"])
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
            raise self._stale(current.version)
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
            raise self._stale(current.version)
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
    def _stale(current_version: int) -> PreconditionFailed:
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
            raise ValidationFailed(
                "The assignee must be a member of the project.",
                details=[{"loc": ["body", "assignee_id"], "message": "not a project member"}],
            )
