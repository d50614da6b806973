from __future__ import annotations

import re
import uuid
from collections.abc import Awaitable, Callable
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Header, Query, Response, status

from taskapp.attachments import storage as attachment_storage
from taskapp.auth.dependencies import CurrentUserId
from taskapp.core.aws import AwsDep
from taskapp.core.cache import Cache, CacheDep, Slot, project_members_key, project_tasks_key
from taskapp.core.db import DatabaseDep, DbSession, ReadConnection, after_commit
from taskapp.core.errors import (
    PROJECT_ERRORS,
    BadRequest,
    Conflict,
    NotFound,
    PreconditionFailed,
    PreconditionRequired,
    error_responses,
)
from taskapp.core.responses import JsonResponse
from taskapp.core.schemas import omit_null
from taskapp.events.hub import EventHub, EventHubDep
from taskapp.projects.dependencies import (
    PROJECT_NOT_FOUND,
    ProjectViewer,
    ProjectWriter,
    UncheckedAccess,
    UncheckedWriter,
)
from taskapp.projects.models import Role
from taskapp.tasks import service as tasks
from taskapp.tasks.schemas import (
    TaskCounts,
    TaskCountsQuery,
    TaskCreate,
    TaskOut,
    TaskPage,
    TaskQuery,
    TaskUpdate,
)
from taskapp.tasks.service import (
    TaskService,
    counts_cache_field,
    list_cache_field,
    member_counts_json,
    member_page_json,
    query_digest,
    task_out,
)

router = APIRouter(prefix="/api/projects/{project_id}/tasks", tags=["tasks"])
# Only a UUID is a task id: otherwise `/tasks/counts` would also be `/tasks/{task_id}`, and a
# PATCH there would get 422 (a bad task id) instead of 405 (the document says: concrete paths
# first). The document shows `/{task_id}`.
TASK_PATH = "/{task_id:uuid}"


async def get_task_service(session: DbSession, cache: CacheDep, events: EventHubDep) -> TaskService:
    return TaskService(session, cache, events)


Service = Annotated[TaskService, Depends(get_task_service)]
# An ETag is the task's version in quotes; a version is a PostgreSQL integer (int4).
_ETAG = re.compile(r'(?:W/)?"([0-9]{1,10})"|([0-9]{1,10})')
_MAX_VERSION = 2**31 - 1


def _if_match_schema(schema: dict[str, Any]) -> None:
    omit_null(schema)  # a header is sent or not; it cannot be null
    schema["pattern"] = r'^(W/)?"[0-9]{1,10}"$|^[0-9]{1,10}$'  # larger than int4: 400 too


MAX_IF_MATCH_LENGTH = 64
_IF_MATCH = Header(
    max_length=MAX_IF_MATCH_LENGTH,
    description='The task\'s ETag as you read it: its version in quotes, e.g. `"3"`.',
    json_schema_extra=_if_match_schema,
)
IfMatch = Annotated[str | None, _IF_MATCH]
RequiredIfMatch = Annotated[str, _IF_MATCH]  # missing: 428 (core/errors.py)
ETAG_HEADER = {
    "ETag": {
        "description": "The task's version in quotes, to send back as If-Match.",
        "schema": {"type": "string"},
    }
}


def etag(version: int) -> str:
    return f'"{version}"'


def parse_if_match(if_match: str | None, required: bool) -> int | None:
    """The version an If-Match names, or 400: it reaches the database as an int4, so anything
    but ASCII digits in range is refused here (`"²".isdigit()` is true in Python)."""
    if if_match is None:
        if required:
            raise PreconditionRequired()
        return None
    match = _ETAG.fullmatch(if_match.strip())
    version = int(match.group(1) or match.group(2)) if match else None
    if version is None or version > _MAX_VERSION:
        raise BadRequest(
            f"If-Match must be the ETag you read: a version from 0 to {_MAX_VERSION} in quotes, "
            'e.g. "3".'
        )
    return version


async def _cached_for_member(
    database: DatabaseDep,
    cache: CacheDep,
    project_id: uuid.UUID,
    user_id: uuid.UUID,
    field: str,
    load: Callable[[ReadConnection], Awaitable[tuple[Role, bytes] | None]],
) -> JsonResponse:
    """Serve from the cache when warm: one Redis round trip reads the project's membership
    record for the caller and the entry together, and the entry is served only if the record
    holds the caller (no database round trip; a warm read usually does not even get here:
    tasks/cached_reads.py). Otherwise `load` checks membership and reads in one statement,
    then both are stored. Why this never serves a removed member, even when an invalidation
    failed: core/cache.py."""
    membership = Slot(project_members_key(project_id), str(user_id))
    entry = Slot(project_tasks_key(project_id), field)
    lookup = await cache.get(membership, entry)
    if lookup is not None and lookup.hit:
        body = lookup.values[1]
        assert body is not None  # noqa: S101 - a hit has every value
        return JsonResponse(body)

    async def load_and_store() -> tuple[Role, bytes] | None:
        async with database.read() as connection:
            loaded = await load(connection)
        if loaded is not None and lookup is not None:
            await cache.store(lookup, [loaded[0].value.encode(), loaded[1]])
        return loaded

    # Requests missing the same entry at once share one load, until it is stored (an entry is
    # one user's, so they share their own answer).
    loaded, _ = await cache.misses.run((project_id, field), load_and_store)
    if loaded is None:
        raise NotFound(PROJECT_NOT_FOUND)
    body = loaded[1]
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
        list_cache_field(user_id, query_digest(query)),
        lambda connection: member_page_json(connection, project_id, user_id, query),
    )


@router.get(
    "/counts",
    operation_id="count_tasks",
    summary="Task counts by status, under the list's filters but status",
    response_model=TaskCounts,
    responses=error_responses(*PROJECT_ERRORS),
)
async def count_tasks(
    project_id: uuid.UUID,
    query: Annotated[TaskCountsQuery, Query()],
    user_id: CurrentUserId,
    database: DatabaseDep,
    cache: CacheDep,
) -> JsonResponse:
    return await _cached_for_member(
        database,
        cache,
        project_id,
        user_id,
        counts_cache_field(user_id, query_digest(query)),
        lambda connection: member_counts_json(connection, project_id, user_id, query),
    )


@router.post(
    "",
    operation_id="create_task",
    summary="Create a task (members and owners)",
    status_code=status.HTTP_201_CREATED,
    response_model=TaskOut,
    responses={201: {"headers": ETAG_HEADER}, **error_responses(*PROJECT_ERRORS)},
)
async def create_task(
    body: TaskCreate, access: UncheckedWriter, cache: CacheDep, events: EventHubDep
) -> JsonResponse:
    return await created_response(access, body, cache, events)


async def created_response(
    access: UncheckedAccess, body: TaskCreate, cache: Cache, events: EventHub
) -> JsonResponse:
    """`create_task`'s answer, also given by the hot path of writes (tasks/hot_writes.py).
    One statement checks the caller's role and writes (tasks/service.py)."""
    task = await tasks.create_task(access, body, cache, events)
    return JsonResponse(task.body, status_code=201, headers={"ETag": etag(task.version)})


@router.get(
    TASK_PATH,
    operation_id="get_task",
    summary="One task, with its ETag",
    response_model=TaskOut,
    responses={200: {"headers": ETAG_HEADER}, **error_responses(*PROJECT_ERRORS)},
)
async def get_task(
    task_id: uuid.UUID, access: ProjectViewer, service: Service, response: Response
) -> TaskOut:
    task = await service.get(access, task_id)
    response.headers["ETag"] = etag(task.version)
    return task_out(task)


@router.patch(
    TASK_PATH,
    operation_id="update_task",
    summary="Change a task; If-Match with its ETag is required (412 if it changed meanwhile)",
    response_model=TaskOut,
    responses={
        200: {"headers": ETAG_HEADER},
        **error_responses(
            *PROJECT_ERRORS, BadRequest, Conflict, PreconditionFailed, PreconditionRequired
        ),
    },
)
async def update_task(
    task_id: uuid.UUID,
    body: TaskUpdate,
    access: UncheckedWriter,
    cache: CacheDep,
    events: EventHubDep,
    if_match: RequiredIfMatch,
) -> Response:
    try:
        version = parse_if_match(if_match, required=True)
    except BadRequest:
        await access.check()  # a stranger or a viewer is refused as such first
        raise
    assert version is not None  # noqa: S101 - required=True raises instead
    return await updated_response(access, task_id, version, body, cache, events)


async def updated_response(
    access: UncheckedAccess,
    task_id: uuid.UUID,
    version: int,
    body: TaskUpdate,
    cache: Cache,
    events: EventHub,
) -> JsonResponse:
    """`update_task`'s answer once the If-Match is read, also given by the hot path of writes
    (tasks/hot_writes.py)."""
    task = await tasks.update_task(access, task_id, version, body, cache, events)
    return JsonResponse(task.body, headers={"ETag": etag(task.version)})


@router.delete(
    TASK_PATH,
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
