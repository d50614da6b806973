from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Depends, status

from taskapp.auth.dependencies import SettingsDep
from taskapp.core.aws import AwsDep
from taskapp.core.db import DbSession
from taskapp.core.errors import (
    PROJECT_ERRORS,
    error_responses,
)
from taskapp.exports.schemas import ExportOut
from taskapp.exports.service import ExportService
from taskapp.projects.dependencies import ProjectViewer

router = APIRouter(prefix="/api/projects/{project_id}/exports", tags=["exports"])


async def get_export_service(
    session: DbSession, aws: AwsDep, settings: SettingsDep
) -> ExportService:
    return ExportService(session, aws, settings.presign_ttl_seconds)


Service = Annotated[ExportService, Depends(get_export_service)]


@router.post(
    "",
    operation_id="start_export",
    summary="Queue a CSV export of the project's tasks",
    status_code=status.HTTP_202_ACCEPTED,
    response_model=ExportOut,
    responses=error_responses(*PROJECT_ERRORS),
)
async def start_export(access: ProjectViewer, service: Service) -> ExportOut:
    return await service.request(access)


@router.get(
    "/{export_id}",
    operation_id="get_export",
    summary="An export's status, with a download link once done",
    response_model=ExportOut,
    responses=error_responses(*PROJECT_ERRORS),
)
async def get_export(export_id: uuid.UUID, access: ProjectViewer, service: Service) -> ExportOut:
    return await service.get(access, export_id)
