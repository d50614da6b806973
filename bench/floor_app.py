"""The framework floor: what FastAPI alone costs for a task-page-shaped request, served with
the same uvicorn settings as the API.

One route with what `list_tasks` declares before it does any work (a UUID path parameter, one
header dependency, a pydantic query model read with `Annotated[Model, Query()]`), returning a
constant body as heavy as the API's page of 50 tasks (`BENCH_PAGE_BYTES`, which the bench sets
from a real page; about 14 KB without it), as raw bytes (no serialisation of our own). No
middleware, no database, no Redis: the API cannot be faster than this.
"""

from __future__ import annotations

import json
import os
import uuid
from typing import Annotated, Literal

from fastapi import Depends, FastAPI, Header, Query, Response
from pydantic import BaseModel, ConfigDict, Field

PAGE_BYTES = int(os.environ.get("BENCH_PAGE_BYTES", str(14 * 1024)))


def _constant_page() -> bytes:
    """A JSON page of 50 task-like items padded to PAGE_BYTES."""
    item = {
        "id": str(uuid.UUID(int=1)),
        "project_id": str(uuid.UUID(int=2)),
        "title": "Task",
        "description": "",
        "status": "todo",
        "priority": "medium",
        "assignee_id": None,
        "due_date": None,
        "version": 1,
        "created_at": "2026-01-01T00:00:00.000000Z",
        "updated_at": "2026-01-01T00:00:00.000000Z",
    }
    body = {"items": [item] * 50, "next_cursor": ""}
    size = len(json.dumps(body, separators=(",", ":")).encode())
    body["next_cursor"] = "x" * max(0, PAGE_BYTES - size)
    return json.dumps(body, separators=(",", ":")).encode()


PAGE = _constant_page()


class PageQuery(BaseModel):
    model_config = ConfigDict(extra="forbid")
    status: Literal["todo", "in_progress", "done"] | None = None
    q: Annotated[str | None, Field(max_length=200)] = None
    sort: Literal["created_at", "-created_at", "priority", "-priority"] = "-created_at"
    limit: Annotated[int, Field(ge=1, le=100)] = 50
    cursor: Annotated[str | None, Field(max_length=512)] = None


async def bearer(authorization: Annotated[str, Header()]) -> str:
    return authorization


app = FastAPI(openapi_url=None, docs_url=None, redoc_url=None)


@app.get("/api/projects/{project_id}/tasks")
async def page(
    project_id: uuid.UUID,
    query: Annotated[PageQuery, Query()],
    token: Annotated[str, Depends(bearer)],
) -> Response:
    return Response(PAGE, media_type="application/json")
