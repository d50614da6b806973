from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Depends, Query

from taskapp.activity.schemas import ActivityPage
from taskapp.activity.service import ActivityService
from taskapp.core.db import DbSession
from taskapp.core.errors import PROJECT_ERRORS, BadRequest, error_responses
from taskapp.core.schemas import CursorPageQuery
from taskapp.projects.dependencies import ProjectViewer

router = APIRouter(prefix="/api/projects/{project_id}", tags=["activity"])


async def get_activity_service(session: DbSession) -> ActivityService:
    return ActivityService(session)


Service = Annotated[ActivityService, Depends(get_activity_service)]


@router.get(
    "/activity",
    operation_id="list_project_activity",
    summary="The project's activity feed, newest first (any member)",
    response_model=ActivityPage,
    responses=error_responses(*PROJECT_ERRORS, BadRequest),
)
async def list_project_activity(
    query: Annotated[CursorPageQuery, Query()], access: ProjectViewer, service: Service
) -> ActivityPage:
    return await service.project_feed(access, query)


@router.get(
    "/tasks/{task_id}/activity",
    operation_id="list_task_activity",
    summary="A task's history, newest first (any member)",
    response_model=ActivityPage,
    responses=error_responses(*PROJECT_ERRORS, BadRequest),
)
async def list_task_activity(
    task_id: uuid.UUID,
    query: Annotated[CursorPageQuery, Query()],
    access: ProjectViewer,
    service: Service,
) -> ActivityPage:
    return await service.task_history(access, task_id, query)
