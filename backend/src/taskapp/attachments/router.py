from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Depends, status

from taskapp.attachments.schemas import (
    AttachmentCreate,
    AttachmentList,
    AttachmentOut,
    DownloadLink,
    UploadTicket,
)
from taskapp.attachments.service import AttachmentService, attachment_out
from taskapp.auth.dependencies import SettingsDep
from taskapp.core.aws import AwsDep
from taskapp.core.db import DbSession
from taskapp.core.errors import (
    PROJECT_ERRORS,
    Conflict,
    PayloadTooLarge,
    error_responses,
)
from taskapp.projects.dependencies import ProjectViewer, ProjectWriter

router = APIRouter(
    prefix="/api/projects/{project_id}/tasks/{task_id}/attachments", tags=["attachments"]
)


async def get_attachment_service(
    session: DbSession, aws: AwsDep, settings: SettingsDep
) -> AttachmentService:
    return AttachmentService(session, aws, settings)


Service = Annotated[AttachmentService, Depends(get_attachment_service)]


@router.post(
    "",
    operation_id="start_attachment_upload",
    summary="Start an upload: returns a presigned S3 POST for the browser (members, owners)",
    status_code=status.HTTP_201_CREATED,
    response_model=UploadTicket,
    responses=error_responses(*PROJECT_ERRORS, Conflict, PayloadTooLarge),
)
async def start_attachment_upload(
    task_id: uuid.UUID, body: AttachmentCreate, access: ProjectWriter, service: Service
) -> UploadTicket:
    return await service.start_upload(access, task_id, body)


@router.post(
    "/{attachment_id}/confirm",
    operation_id="confirm_attachment_upload",
    summary="Confirm an upload once the file is in S3; the attachment becomes visible",
    response_model=AttachmentOut,
    responses=error_responses(*PROJECT_ERRORS, Conflict),
)
async def confirm_attachment_upload(
    task_id: uuid.UUID, attachment_id: uuid.UUID, access: ProjectWriter, service: Service
) -> AttachmentOut:
    return attachment_out(await service.confirm(access, task_id, attachment_id))


@router.get(
    "",
    operation_id="list_attachments",
    summary="The task's confirmed attachments",
    response_model=AttachmentList,
    responses=error_responses(*PROJECT_ERRORS),
)
async def list_attachments(
    task_id: uuid.UUID, access: ProjectViewer, service: Service
) -> AttachmentList:
    items = await service.list_ready(access, task_id)
    return AttachmentList(items=[attachment_out(a) for a in items])


@router.get(
    "/{attachment_id}/download",
    operation_id="get_attachment_download",
    summary="A short-lived download link for the file",
    response_model=DownloadLink,
    responses=error_responses(*PROJECT_ERRORS, Conflict),
)
async def get_attachment_download(
    task_id: uuid.UUID, attachment_id: uuid.UUID, access: ProjectViewer, service: Service
) -> DownloadLink:
    return await service.download_link(access, task_id, attachment_id)


@router.delete(
    "/{attachment_id}",
    operation_id="delete_attachment",
    summary="Delete an attachment and its file (members, owners)",
    status_code=status.HTTP_204_NO_CONTENT,
    responses=error_responses(*PROJECT_ERRORS),
)
async def delete_attachment(
    task_id: uuid.UUID, attachment_id: uuid.UUID, access: ProjectWriter, service: Service
) -> None:
    await service.delete(access, task_id, attachment_id)
