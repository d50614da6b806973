"""Health for load balancers and operators. /readyz fails only on the database: Redis is
not critical (the API degrades without it), so its state is reported, not enforced."""

from __future__ import annotations

import asyncio
from typing import Literal

from fastapi import APIRouter, Request, Response, status
from pydantic import BaseModel
from sqlalchemy import text

from taskapp.core.db import Database
from taskapp.core.redis import RedisStore
from taskapp.core.settings import Settings

router = APIRouter(tags=["health"])
CheckState = Literal["ok", "unavailable"]


class Liveness(BaseModel):
    status: Literal["ok"] = "ok"


class Readiness(BaseModel):
    status: Literal["ready", "not_ready"]
    database: CheckState
    redis: CheckState


class VersionInfo(BaseModel):
    version: str
    git_sha: str
    build_time: str
    environment: str


@router.get("/healthz", operation_id="get_liveness", summary="The process is alive",
            response_model=Liveness)  # fmt: skip
async def get_liveness() -> Liveness:
    return Liveness()


async def _database_ok(database: Database) -> bool:
    try:
        async with asyncio.timeout(1.0), database.engine.connect() as connection:
            await connection.execute(text("SELECT 1"))
    except Exception:
        return False
    return True


@router.get(
    "/readyz",
    operation_id="get_readiness",
    summary="Ready to serve: the database answers (Redis is reported, not required)",
    response_model=Readiness,
    responses={503: {"model": Readiness, "description": "The database is unreachable."}},
)
async def get_readiness(request: Request, response: Response) -> Readiness:
    database: Database = request.app.state.database
    redis: RedisStore = request.app.state.redis
    database_ok, redis_ok = await asyncio.gather(_database_ok(database), redis.ping())
    if not database_ok:
        response.status_code = status.HTTP_503_SERVICE_UNAVAILABLE
        response.headers["Retry-After"] = "2"
    return Readiness(
        status="ready" if database_ok else "not_ready",
        database="ok" if database_ok else "unavailable",
        redis="ok" if redis_ok else "unavailable",
    )


@router.get("/version", operation_id="get_version", summary="Build information",
            response_model=VersionInfo)  # fmt: skip
async def get_version(request: Request) -> VersionInfo:
    settings: Settings = request.app.state.settings
    from taskapp import __version__

    return VersionInfo(
        version=__version__,
        git_sha=settings.git_sha,
        build_time=settings.build_time,
        environment=settings.environment,
    )
