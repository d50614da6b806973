"""The API process's entry point (`taskapp api`): the app it serves is built before the server
starts, and what exists then is frozen out of the cyclic garbage collector (ADR 0099)."""

from __future__ import annotations

import gc
from typing import Any

import pytest
import uvicorn
from fastapi import FastAPI

from taskapp import cli
from taskapp.core.event_loop import EagerAcceptLoop
from tests.conftest import Stack


def test_the_api_starts_with_its_startup_objects_frozen(
    stack: Stack, monkeypatch: pytest.MonkeyPatch
) -> None:
    seen: dict[str, Any] = {}

    def serve(app: Any, **options: Any) -> None:
        seen.update(app=app, frozen=gc.get_freeze_count(), options=options)

    monkeypatch.setattr(uvicorn, "run", serve)
    monkeypatch.setattr(cli, "get_settings", lambda: stack.settings)
    gc.unfreeze()
    try:
        cli.run_api()
    finally:
        gc.unfreeze()  # this test process goes on collecting as before
    assert isinstance(seen["app"], FastAPI)
    # The app, its routes and schemas, and every module loaded: far more than a bare
    # interpreter's few thousand objects.
    assert seen["frozen"] > 50_000, seen["frozen"]
    assert seen["options"]["timeout_graceful_shutdown"] == 20
    assert seen["options"]["timeout_keep_alive"] == stack.settings.http_keep_alive_seconds
    # uvloop, accepting every waiting connection per wake (ADR 0110).
    loop = uvicorn.Config(app=seen["app"], loop=seen["options"]["loop"]).get_loop_factory()
    assert loop is EagerAcceptLoop
