from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Depends, status

from taskapp.auth.dependencies import CurrentUserId, SettingsDep
from taskapp.core.cache import CacheDep
from taskapp.core.db import DbSession
from taskapp.core.errors import (
    AUTHENTICATED_ERRORS,
    PROJECT_ERRORS,
    Conflict,
    Forbidden,
    Gone,
    NotFound,
    error_responses,
)
from taskapp.core.ratelimit import RateLimiterDep
from taskapp.events.hub import EventHubDep
from taskapp.invitations.delivery import InvitationSenderDep
from taskapp.invitations.schemas import (
    InvitationCreate,
    InvitationCreated,
    InvitationList,
    InvitationPreview,
    InvitationToken,
)
from taskapp.invitations.service import InvitationService
from taskapp.projects.dependencies import ProjectOwner
from taskapp.projects.schemas import ProjectOut

router = APIRouter(tags=["invitations"])


async def get_invitation_service(
    session: DbSession,
    cache: CacheDep,
    settings: SettingsDep,
    limiter: RateLimiterDep,
    sender: InvitationSenderDep,
    events: EventHubDep,
) -> InvitationService:
    return InvitationService(session, cache, settings, limiter, sender, events)


Service = Annotated[InvitationService, Depends(get_invitation_service)]

# What the token routes answer for a link that cannot be used.
_LINK_ERRORS = (*AUTHENTICATED_ERRORS, NotFound, Gone)


@router.post(
    "/api/projects/{project_id}/invitations",
    operation_id="create_invitation",
    summary="Invite someone by e-mail (owners); the answer carries the link to share",
    description=(
        "The answer is the same whether or not an account uses the address. Inviting an "
        "address again replaces its pending invitation (the old link stops working)."
    ),
    status_code=status.HTTP_201_CREATED,
    response_model=InvitationCreated,
    responses=error_responses(*PROJECT_ERRORS, Conflict),
)
async def create_invitation(
    body: InvitationCreate, access: ProjectOwner, service: Service
) -> InvitationCreated:
    return await service.invite(access, body)


@router.get(
    "/api/projects/{project_id}/invitations",
    operation_id="list_invitations",
    summary="The project's pending invitations (owners)",
    response_model=InvitationList,
    responses=error_responses(*PROJECT_ERRORS),
)
async def list_invitations(access: ProjectOwner, service: Service) -> InvitationList:
    return await service.list_pending(access)


@router.delete(
    "/api/projects/{project_id}/invitations/{invitation_id}",
    operation_id="revoke_invitation",
    summary="Revoke a pending invitation (owners); its link stops working",
    status_code=status.HTTP_204_NO_CONTENT,
    responses=error_responses(*PROJECT_ERRORS),
)
async def revoke_invitation(
    invitation_id: uuid.UUID, access: ProjectOwner, service: Service
) -> None:
    await service.revoke(access, invitation_id)


@router.post(
    "/api/invitations/preview",
    operation_id="preview_invitation",
    summary="What an invitation link offers (the token in the body, never in a URL)",
    response_model=InvitationPreview,
    responses=error_responses(*_LINK_ERRORS),
)
async def preview_invitation(
    body: InvitationToken, _user_id: CurrentUserId, service: Service
) -> InvitationPreview:
    return await service.preview(body.token)


@router.post(
    "/api/invitations/accept",
    operation_id="accept_invitation",
    summary="Accept an invitation: join its project (logged in with the invited e-mail)",
    response_model=ProjectOut,
    responses=error_responses(*_LINK_ERRORS, Forbidden),
)
async def accept_invitation(
    body: InvitationToken, user_id: CurrentUserId, service: Service
) -> ProjectOut:
    return await service.accept(user_id, body.token)
