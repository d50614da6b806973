from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Depends, Query, status

from taskapp.auth.dependencies import SettingsDep
from taskapp.comments.schemas import (
    CommentCreate,
    CommentOut,
    CommentPage,
    CommentUpdate,
)
from taskapp.comments.service import CommentService
from taskapp.core.cache import CacheDep
from taskapp.core.db import DbSession
from taskapp.core.errors import PROJECT_ERRORS, BadRequest, error_responses
from taskapp.core.ratelimit import RateLimiterDep
from taskapp.core.schemas import CursorPageQuery
from taskapp.events.hub import EventHubDep
from taskapp.projects.dependencies import ProjectViewer, ProjectWriter

router = APIRouter(prefix="/api/projects/{project_id}/tasks/{task_id}/comments", tags=["comments"])


async def get_comment_service(
    session: DbSession,
    cache: CacheDep,
    events: EventHubDep,
    limiter: RateLimiterDep,
    settings: SettingsDep,
) -> CommentService:
    return CommentService(session, cache, events, limiter, settings)


Service = Annotated[CommentService, Depends(get_comment_service)]


@router.get(
    "",
    operation_id="list_comments",
    summary="The task's comments, oldest first, with a cursor (any member)",
    response_model=CommentPage,
    responses=error_responses(*PROJECT_ERRORS, BadRequest),
)
async def list_comments(
    task_id: uuid.UUID,
    query: Annotated[CursorPageQuery, Query()],
    access: ProjectViewer,
    service: Service,
) -> CommentPage:
    return await service.page(access, task_id, query)


@router.post(
    "",
    operation_id="create_comment",
    summary="Comment on a task (members and owners); mentions must be project members",
    status_code=status.HTTP_201_CREATED,
    response_model=CommentOut,
    responses=error_responses(*PROJECT_ERRORS),
)
async def create_comment(
    task_id: uuid.UUID, body: CommentCreate, access: ProjectWriter, service: Service
) -> CommentOut:
    return await service.create(access, task_id, body)


@router.patch(
    "/{comment_id}",
    operation_id="update_comment",
    summary="Edit your own comment (members and owners)",
    response_model=CommentOut,
    responses=error_responses(*PROJECT_ERRORS),
)
async def update_comment(
    task_id: uuid.UUID,
    comment_id: uuid.UUID,
    body: CommentUpdate,
    access: ProjectWriter,
    service: Service,
) -> CommentOut:
    return await service.update(access, task_id, comment_id, body)


@router.delete(
    "/{comment_id}",
    operation_id="delete_comment",
    summary="Delete your own comment; owners may delete anyone's (moderation)",
    status_code=status.HTTP_204_NO_CONTENT,
    responses=error_responses(*PROJECT_ERRORS),
)
async def delete_comment(
    task_id: uuid.UUID, comment_id: uuid.UUID, access: ProjectWriter, service: Service
) -> None:
    await service.delete(access, task_id, comment_id)
