from __future__ import annotations

import uuid
from typing import Annotated, Any

from fastapi import APIRouter, Depends, status

from taskapp.auth.dependencies import SettingsDep
from taskapp.core.aws import AwsDep
from taskapp.core.db import DbSession
from taskapp.core.errors import (
    PROJECT_ERRORS,
    RateLimited,
    error_responses,
)
from taskapp.core.ratelimit import RateLimiterDep
from taskapp.exports.schemas import ExportOut
from taskapp.exports.service import ExportService
from taskapp.projects.dependencies import ProjectViewer

router = APIRouter(prefix="/api/projects/{project_id}/exports", tags=["exports"])


async def get_export_service(
    session: DbSession, aws: AwsDep, settings: SettingsDep
) -> ExportService:
    return ExportService(session, aws, settings)


Service = Annotated[ExportService, Depends(get_export_service)]


def _start_export_responses() -> dict[int | str, dict[str, Any]]:
    responses = error_responses(*PROJECT_ERRORS)
    responses[RateLimited.status_code] = {
        **responses[RateLimited.status_code],
        "description": (
            "Too many requests: the API's limit per user, or the exports' own, "
            "`APP_RATE_LIMIT_EXPORTS_PER_USER` export requests per minute per user; try "
            "again after Retry-After seconds."
        ),
    }
    return responses


@router.post(
    "",
    operation_id="start_export",
    summary="Queue a CSV export of the project's tasks",
    description=(
        "A project has at most one export queued or running: while one is, this answers with "
        "it instead of queuing another. The job is committed before its message is sent; if "
        "the queue cannot be reached the answer is still 202 (the job exists, `queued`) and "
        "the worker sends it within a few minutes. Every accepted job ends `done` or `failed`."
    ),
    status_code=status.HTTP_202_ACCEPTED,
    response_model=ExportOut,
    responses=_start_export_responses(),
)
async def start_export(
    access: ProjectViewer, service: Service, limiter: RateLimiterDep, settings: SettingsDep
) -> ExportOut:
    await limiter.hit("exports", str(access.user_id), settings.rate_limit_exports_per_user)
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
