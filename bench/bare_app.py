"""The baseline: a bare Starlette JSON endpoint, served with the same uvicorn settings."""

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route


async def hello(_: Request) -> JSONResponse:
    return JSONResponse({"items": [{"id": 1, "title": "baseline"}], "next_cursor": None})


app = Starlette(routes=[Route("/", hello)])
