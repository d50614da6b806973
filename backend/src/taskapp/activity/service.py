"""Reading the activity: the project's feed and a task's history. (Writing is
`activity.repository.record`, called by each service inside its own change.)"""

from __future__ import annotations

import uuid

from sqlalchemy.ext.asyncio import AsyncSession

from taskapp.activity import repository
from taskapp.activity.models import Activity
from taskapp.activity.schemas import ActivityOut, ActivityPage, FieldChange
from taskapp.core.errors import NotFound
from taskapp.core.schemas import CursorPageQuery
from taskapp.projects.dependencies import ProjectAccess
from taskapp.tasks import repository as tasks

TASK_NOT_FOUND = "Task not found."


def activity_out(entry: Activity) -> ActivityOut:
    return ActivityOut(
        id=entry.id,
        project_id=entry.project_id,
        task_id=entry.task_id,
        actor_id=entry.actor_id,
        kind=entry.kind,  # written from ActivityKind only (validated here too)
        target_id=entry.target_id,
        changes={
            field: FieldChange.model_validate(values) for field, values in entry.changes.items()
        },
        created_at=entry.created_at,
    )


class ActivityService:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def project_feed(self, access: ProjectAccess, query: CursorPageQuery) -> ActivityPage:
        return await self._page(access.project_id, None, query)

    async def task_history(
        self, access: ProjectAccess, task_id: uuid.UUID, query: CursorPageQuery
    ) -> ActivityPage:
        if await tasks.get_task(self.session, access.project_id, task_id) is None:
            raise NotFound(TASK_NOT_FOUND)
        return await self._page(access.project_id, task_id, query)

    async def _page(
        self, project_id: uuid.UUID, task_id: uuid.UUID | None, query: CursorPageQuery
    ) -> ActivityPage:
        rows, next_cursor = await repository.page(
            self.session, project_id, task_id, query.limit, query.cursor
        )
        return ActivityPage(items=[activity_out(row) for row in rows], next_cursor=next_cursor)
