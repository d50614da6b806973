"""Process entry points: the API server and the export worker (same image, two commands)."""

from __future__ import annotations

import asyncio
import gc

import uvicorn

from taskapp.core.logging import configure_logging
from taskapp.core.settings import get_settings


def run_api() -> None:
    from taskapp.main import create_app

    settings = get_settings()
    app = create_app(settings)
    # What exists now (modules, the app, its schemas: a few hundred thousand objects) lives as
    # long as the process: out of the cyclic collector's reach, a full collection walks only
    # what requests created since, instead of pausing every request for tens of ms (ADR 0099).
    gc.collect()
    gc.freeze()
    uvicorn.run(
        app,
        host=settings.host,
        port=settings.port,
        loop="taskapp.core.event_loop:EagerAcceptLoop",  # uvloop, eager accepts (ADR 0110)
        http="httptools",
        access_log=False,  # our middleware logs each request with its request id
        proxy_headers=False,  # client IPs come from X-Forwarded-For by hop count (settings)
        server_header=False,
        timeout_graceful_shutdown=20,
        timeout_keep_alive=settings.http_keep_alive_seconds,
        log_config=None,
    )


def run_worker() -> None:
    from taskapp.exports.worker import run_worker as run

    settings = get_settings()
    configure_logging(settings.log_level)
    asyncio.run(run(settings))
