from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable
from typing import Annotated

from fastapi import APIRouter, Depends, Header, Query, Response, status

from taskapp.attachments import storage as attachment_storage
from taskapp.auth.dependencies import CurrentUserId
from taskapp.core.aws import AwsDep
from taskapp.core.cache import CacheDep, project_tasks_key
from taskapp.core.db import DatabaseDep, DbSession, after_commit
from taskapp.core.errors import (
    PROJECT_ERRORS,
    BadRequest,
    NotFound,
    PreconditionFailed,
    PreconditionRequired,
    error_responses,
)
from taskapp.core.responses import JsonResponse
from taskapp.projects import repository as projects
from taskapp.projects.dependencies import PROJECT_NOT_FOUND, ProjectViewer, ProjectWriter
from taskapp.tasks.schemas import TaskCounts, TaskCreate, TaskOut, TaskPage, TaskQuery, TaskUpdate
from taskapp.tasks.service import TaskService, counts_cache_field, list_cache_field, task_out

router = APIRouter(prefix="/api/projects/{project_id}/tasks", tags=["tasks"])


async def get_task_service(session: DbSession, cache: CacheDep) -> TaskService:
    return TaskService(session, cache)


Service = Annotated[TaskService, Depends(get_task_service)]
IfMatch = Annotated[
    str | None,
    Header(max_length=64, description="The task's ETag (its version in quotes) as you read it."),
]


def etag(version: int) -> str:
    return f'"{version}"'


def parse_if_match(if_match: str | None, required: bool) -> int | None:
    if if_match is None:
        if required:
            raise PreconditionRequired()
        return None
    value = if_match.strip().removeprefix("W/").strip('"')
    if not value.isdigit():
        raise BadRequest('If-Match must be the ETag you read, e.g. "3".')
    return int(value)


async def _cached_for_member(
    database: DatabaseDep,
    cache: CacheDep,
    project_id: uuid.UUID,
    user_id: uuid.UUID,
    field: str,
    load: Callable[[TaskService], Awaitable[bytes]],
) -> JsonResponse:
    """Serve from the project's cache when warm (no database round trip); otherwise check
    membership and load in one transaction. Entries are per user and dropped on any change to
    the project's tasks or members, so a cached entry implies current membership."""
    group = project_tasks_key(project_id)
    lookup = await cache.get(group, field)
    if lookup is not None and lookup.value is not None:
        return JsonResponse(lookup.value)
    async with database.transaction() as session:
        if await projects.get_membership(session, project_id, user_id) is None:
            raise NotFound(PROJECT_NOT_FOUND)
        body = await load(TaskService(session, cache))
    if lookup is not None:
        await cache.store(group, field, lookup, body)
    return JsonResponse(body)


@router.get(
    "",
    operation_id="list_tasks",
    summary="List tasks: filter, search, sort, paginate with a cursor",
    response_model=TaskPage,
    responses=error_responses(*PROJECT_ERRORS, BadRequest),
)
async def list_tasks(
    project_id: uuid.UUID,
    query: Annotated[TaskQuery, Query()],
    user_id: CurrentUserId,
    database: DatabaseDep,
    cache: CacheDep,
) -> JsonResponse:
    return await _cached_for_member(
        database,
        cache,
        project_id,
        user_id,
        list_cache_field(user_id, query),
        lambda service: service.page_json(project_id, query),
    )


@router.get(
    "/counts",
    operation_id="count_tasks",
    summary="Task counts by status",
    response_model=TaskCounts,
    responses=error_responses(*PROJECT_ERRORS),
)
async def count_tasks(
    project_id: uuid.UUID, user_id: CurrentUserId, database: DatabaseDep, cache: CacheDep
) -> JsonResponse:
    return await _cached_for_member(
        database,
        cache,
        project_id,
        user_id,
        counts_cache_field(user_id),
        lambda service: service.counts_json(project_id),
    )


@router.post(
    "",
    operation_id="create_task",
    summary="Create a task (members and owners)",
    status_code=status.HTTP_201_CREATED,
    response_model=TaskOut,
    responses=error_responses(*PROJECT_ERRORS),
)
async def create_task(
    body: TaskCreate, access: ProjectWriter, service: Service, response: Response
) -> TaskOut:
    task = await service.create(access, body)
    response.headers["ETag"] = etag(task.version)
    return task_out(task)


@router.get(
    "/{task_id}",
    operation_id="get_task",
    summary="One task, with its ETag",
    response_model=TaskOut,
    responses=error_responses(*PROJECT_ERRORS),
)
async def get_task(
    task_id: uuid.UUID, access: ProjectViewer, service: Service, response: Response
) -> TaskOut:
    task = await service.get(access, task_id)
    response.headers["ETag"] = etag(task.version)
    return task_out(task)


@router.patch(
    "/{task_id}",
    operation_id="update_task",
    summary="Change a task; If-Match with its ETag is required (412 if it changed meanwhile)",
    response_model=TaskOut,
    responses=error_responses(
        *PROJECT_ERRORS, BadRequest, PreconditionFailed, PreconditionRequired
    ),
)
async def update_task(
    task_id: uuid.UUID,
    body: TaskUpdate,
    access: ProjectWriter,
    service: Service,
    response: Response,
    if_match: IfMatch = None,
) -> TaskOut:
    version = parse_if_match(if_match, required=True)
    assert version is not None  # noqa: S101 - required=True raises instead
    task = await service.update(access, task_id, version, body)
    response.headers["ETag"] = etag(task.version)
    return task_out(task)


@router.delete(
    "/{task_id}",
    operation_id="delete_task",
    summary="Delete a task and its attachments (If-Match optional)",
    status_code=status.HTTP_204_NO_CONTENT,
    responses=error_responses(*PROJECT_ERRORS, BadRequest, PreconditionFailed),
)
async def delete_task(
    task_id: uuid.UUID,
    access: ProjectWriter,
    service: Service,
    session: DbSession,
    aws: AwsDep,
    if_match: IfMatch = None,
) -> None:
    keys = await attachment_storage.object_keys_for_task(session, access.project_id, task_id)
    await service.delete(access, task_id, parse_if_match(if_match, required=False))

    async def remove_objects() -> None:
        await attachment_storage.delete_objects(aws, keys)

    after_commit(session, remove_objects)
