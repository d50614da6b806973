from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Depends, status

from taskapp.auth.dependencies import CurrentUserId
from taskapp.core.aws import AwsDep
from taskapp.core.cache import CacheDep
from taskapp.core.db import DbSession
from taskapp.core.errors import (
    AUTHENTICATED_ERRORS,
    PROJECT_ERRORS,
    Conflict,
    error_responses,
)
from taskapp.core.responses import JsonResponse
from taskapp.events.hub import EventHubDep
from taskapp.projects.dependencies import ProjectOwner, ProjectViewer
from taskapp.projects.schemas import (
    MemberList,
    MemberOut,
    MemberUpdate,
    ProjectCreate,
    ProjectList,
    ProjectOut,
    ProjectUpdate,
)
from taskapp.projects.service import ProjectService

router = APIRouter(prefix="/api/projects", tags=["projects"])


async def get_project_service(
    session: DbSession, cache: CacheDep, events: EventHubDep
) -> ProjectService:
    return ProjectService(session, cache, events)


Service = Annotated[ProjectService, Depends(get_project_service)]


@router.post(
    "",
    operation_id="create_project",
    summary="Create a project (you become its owner)",
    status_code=status.HTTP_201_CREATED,
    response_model=ProjectOut,
    responses=error_responses(*AUTHENTICATED_ERRORS),
)
async def create_project(
    body: ProjectCreate, user_id: CurrentUserId, service: Service
) -> ProjectOut:
    return await service.create(user_id, body)


@router.get(
    "",
    operation_id="list_projects",
    summary="The projects you belong to, with your role in each",
    response_model=ProjectList,
    responses=error_responses(*AUTHENTICATED_ERRORS),
)
async def list_projects(user_id: CurrentUserId, service: Service) -> JsonResponse:
    return JsonResponse(await service.list_json(user_id))


@router.get(
    "/{project_id}",
    operation_id="get_project",
    summary="One project",
    response_model=ProjectOut,
    responses=error_responses(*PROJECT_ERRORS),
)
async def get_project(access: ProjectViewer, service: Service) -> ProjectOut:
    return await service.get(access)


@router.patch(
    "/{project_id}",
    operation_id="update_project",
    summary="Rename or describe a project (owners)",
    response_model=ProjectOut,
    responses=error_responses(*PROJECT_ERRORS),
)
async def update_project(body: ProjectUpdate, access: ProjectOwner, service: Service) -> ProjectOut:
    return await service.update(access, body)


@router.delete(
    "/{project_id}",
    operation_id="delete_project",
    summary="Delete a project with its tasks and files (owners)",
    status_code=status.HTTP_204_NO_CONTENT,
    responses=error_responses(*PROJECT_ERRORS),
)
async def delete_project(access: ProjectOwner, service: Service, aws: AwsDep) -> None:
    await service.delete(access, aws)


@router.get(
    "/{project_id}/members",
    operation_id="list_members",
    summary="The project's members and their roles",
    response_model=MemberList,
    responses=error_responses(*PROJECT_ERRORS),
)
async def list_members(access: ProjectViewer, service: Service) -> MemberList:
    return await service.list_members(access)


@router.patch(
    "/{project_id}/members/{user_id}",
    operation_id="change_member_role",
    summary="Change a member's role (owners)",
    response_model=MemberOut,
    responses=error_responses(*PROJECT_ERRORS, Conflict),
)
async def change_member_role(
    user_id: uuid.UUID, body: MemberUpdate, access: ProjectOwner, service: Service
) -> MemberOut:
    return await service.change_role(access, user_id, body.role)


@router.delete(
    "/{project_id}/members/{user_id}",
    operation_id="remove_member",
    summary="Remove a member (owners)",
    status_code=status.HTTP_204_NO_CONTENT,
    responses=error_responses(*PROJECT_ERRORS, Conflict),
)
async def remove_member(user_id: uuid.UUID, access: ProjectOwner, service: Service) -> None:
    await service.remove_member(access, user_id)


@router.post(
    "/{project_id}/leave",
    operation_id="leave_project",
    summary="Leave the project (any member; not its last owner)",
    status_code=status.HTTP_204_NO_CONTENT,
    responses=error_responses(*PROJECT_ERRORS, Conflict),
)
async def leave_project(access: ProjectViewer, service: Service) -> None:
    await service.leave(access)
