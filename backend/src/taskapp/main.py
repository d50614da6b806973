"""The API application: wiring of settings, dependencies, middleware and routers."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from fastapi import FastAPI
from starlette.middleware.cors import CORSMiddleware
from starlette.responses import HTMLResponse

from taskapp import __version__
from taskapp.activity.router import router as activity_router
from taskapp.attachments.router import router as attachments_router
from taskapp.attachments.schemas import document_upload_limits
from taskapp.auth.router import router as auth_router
from taskapp.comments.router import router as comments_router
from taskapp.core.aws import Aws
from taskapp.core.cache import Cache
from taskapp.core.db import Database
from taskapp.core.deadline import RequestDeadlineMiddleware
from taskapp.core.errors import install_error_handlers, payload_too_large_response
from taskapp.core.logging import configure_logging
from taskapp.core.middleware import BodySizeLimitMiddleware, RequestContextMiddleware
from taskapp.core.ratelimit import RateLimiter
from taskapp.core.redis import RedisStore
from taskapp.core.responses import swagger_ui_page
from taskapp.core.security import TokenService, configure_password_hashing
from taskapp.core.settings import Settings, get_settings
from taskapp.core.tracing import configure_tracing
from taskapp.events.hub import EventHub
from taskapp.events.router import router as events_router
from taskapp.exports.router import router as exports_router
from taskapp.health.router import router as health_router
from taskapp.invitations.delivery import invitation_sender
from taskapp.invitations.router import router as invitations_router
from taskapp.projects.router import router as projects_router
from taskapp.tasks.cached_reads import CachedTaskReads
from taskapp.tasks.hot_writes import HotTaskWrites
from taskapp.tasks.router import router as tasks_router

OPENAPI_URL = "/api/openapi.json"
DOCS_URL = "/api/docs"


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or get_settings()
    configure_logging(settings.log_level)
    configure_password_hashing(settings.password_hash_concurrency)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        yield
        await app.state.events.close()
        await app.state.redis.close()
        await app.state.database.dispose()
        if app.state.tracer_provider is not None:
            app.state.tracer_provider.shutdown()

    app = FastAPI(
        title="Task tracker API",
        version=__version__,
        description="Team task tracker: projects, members, tasks, attachments and exports.",
        lifespan=lifespan,
        # Served only where the settings allow (ADR 0091); the docs page is our own (SRI).
        docs_url=None,
        redoc_url=None,
        openapi_url=OPENAPI_URL if settings.serves_api_docs else None,
        # Tracing is ours (core/tracing.py, ADR 0050); FastAPI's own telemetry would otherwise
        # look up the global OpenTelemetry providers on every request (issue 9's profile).
        telemetry={"tracing": False, "metrics": False, "logs": False, "operation_spans": False},
    )
    # Clients are created here, not at import, and connect lazily on first use.
    database = Database(settings)
    redis = RedisStore(settings)
    app.state.settings = settings
    app.state.database = database
    app.state.redis = redis
    app.state.cache = Cache(redis, settings.cache_ttl_seconds, reads=settings.cache_reads)
    app.state.rate_limiter = RateLimiter(redis)
    app.state.events = EventHub(settings, redis)
    app.state.aws = Aws(settings)
    app.state.tokens = TokenService(settings)
    # SES when APP_EMAIL_FROM_ADDRESS is set (ADR 0105); else the copy-link flow (ADR 0083).
    app.state.invitation_sender = invitation_sender(settings, app.state.aws)

    install_error_handlers(app)
    for router in (
        health_router,
        auth_router,
        projects_router,
        invitations_router,
        tasks_router,
        attachments_router,
        comments_router,
        activity_router,
        exports_router,
        events_router,
    ):
        app.include_router(router)
    _document_what_the_app_adds(app, settings)
    if settings.serves_api_docs:

        @app.get(DOCS_URL, include_in_schema=False)
        async def get_api_docs() -> HTMLResponse:
            return swagger_ui_page(OPENAPI_URL, f"{app.title} - docs")

    # Innermost of ours: behind CORS, the deadline and the request context like the routes.
    app.add_middleware(CachedTaskReads, state=app.state)
    app.add_middleware(HotTaskWrites, state=app.state)
    if settings.cors_origins:
        app.add_middleware(
            CORSMiddleware,
            allow_origins=settings.cors_origins,
            allow_methods=["GET", "POST", "PATCH", "DELETE"],
            allow_headers=["Authorization", "Content-Type", "If-Match", "X-Request-ID"],
            expose_headers=["ETag", "Retry-After", "X-Request-ID"],
            max_age=600,
        )
    app.add_middleware(BodySizeLimitMiddleware, max_bytes=settings.max_body_bytes)
    app.add_middleware(RequestDeadlineMiddleware, seconds=settings.request_deadline_seconds)
    app.add_middleware(RequestContextMiddleware)
    app.state.tracer_provider = configure_tracing(app, database.engine, settings)
    return app


def _document_what_the_app_adds(app: FastAPI, settings: Settings) -> None:
    """Complete the generated OpenAPI document with what comes from outside the routes: the
    413 of the body size limit (middleware) on every operation that takes a body, and the
    upload limits, which are settings (ADR 0092)."""

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is not None:
            return app.openapi_schema
        document = FastAPI.openapi(app)
        for methods in document["paths"].values():
            for operation in methods.values():
                if "requestBody" in operation:
                    operation["responses"].setdefault(
                        "413", payload_too_large_response(settings.max_body_bytes)
                    )
        document_upload_limits(
            document, settings.attachment_content_types, settings.attachment_max_bytes
        )
        return document

    app.openapi = openapi  # type: ignore[method-assign]
