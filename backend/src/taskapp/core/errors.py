"""One error shape for every 4xx/5xx: {"error": {"code", "message", "details"}}."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import Any, ClassVar

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.routing import iter_route_contexts
from pydantic import BaseModel, Field
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.routing import Match

from taskapp.core.responses import JsonResponse

logger = logging.getLogger("taskapp.errors")


class ErrorBody(BaseModel):
    code: str = Field(description="Stable machine-readable error code.")
    message: str = Field(description="What went wrong, in words a user can act on.")
    details: list[dict[str, Any]] | dict[str, Any] | None = None


class ErrorResponse(BaseModel):
    error: ErrorBody


_RETRY_AFTER = {
    "Retry-After": {
        "description": "Seconds to wait before trying again.",
        "schema": {"type": "string", "pattern": "^[0-9]+$"},
    }
}


class AppError(Exception):
    status_code = 500
    code = "internal_error"
    message = "Something went wrong on our side."
    # For the OpenAPI document: what the status means, and the headers always sent with it.
    description: ClassVar[str | None] = None
    documented_headers: ClassVar[dict[str, dict[str, Any]]] = {}

    def __init__(
        self,
        message: str | None = None,
        *,
        details: list[dict[str, Any]] | dict[str, Any] | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(message or self.message)
        self.message = message or self.message
        self.details = details
        self.headers = headers or {}


class BadRequest(AppError):
    status_code = 400
    code = "bad_request"
    message = "The request is not valid."


class Unauthorized(AppError):
    status_code = 401
    code = "unauthorized"
    message = "Authentication is required."
    documented_headers: ClassVar[dict[str, dict[str, Any]]] = {
        "WWW-Authenticate": {"description": "`Bearer`.", "schema": {"type": "string"}}
    }

    def __init__(self, message: str | None = None, **kwargs: Any) -> None:
        super().__init__(message, **kwargs)
        self.headers.setdefault("WWW-Authenticate", "Bearer")


class Forbidden(AppError):
    status_code = 403
    code = "forbidden"
    message = "You are not allowed to do this."


class NotFound(AppError):
    status_code = 404
    code = "not_found"
    message = "Not found."


class Conflict(AppError):
    status_code = 409
    code = "conflict"
    message = "The request conflicts with the current state."


class Gone(AppError):
    status_code = 410
    code = "gone"
    message = "This is no longer available."


class PreconditionFailed(AppError):
    status_code = 412
    code = "precondition_failed"
    message = "The resource changed since you read it; reload and try again."


class PayloadTooLarge(AppError):
    status_code = 413
    code = "payload_too_large"
    message = "The request body is too large."
    description = "The request body, or the file announced, is over its size limit."


class ValidationFailed(AppError):
    status_code = 422
    code = "validation_error"
    message = "The request did not pass validation."
    description = (
        "The request did not pass validation, or its body is not JSON in UTF-8; `details` "
        "lists the problems, each with `loc` (where), `message` and `type`."
    )


class PreconditionRequired(AppError):
    status_code = 428
    code = "precondition_required"
    message = "Send an If-Match header with the ETag you read."


class RateLimited(AppError):
    status_code = 429
    code = "rate_limited"
    message = "Too many requests; slow down."
    documented_headers = _RETRY_AFTER

    def __init__(self, retry_after: int, message: str | None = None) -> None:
        super().__init__(message, headers={"Retry-After": str(max(1, retry_after))})


class ServiceUnavailable(AppError):
    status_code = 503
    code = "service_unavailable"
    message = "A dependency is unavailable; try again shortly."
    description = (
        "A dependency (the database, object storage or the queue) is unavailable or did not "
        "answer in time; try again after Retry-After seconds."
    )
    documented_headers = _RETRY_AFTER

    def __init__(self, message: str | None = None, retry_after: int = 2) -> None:
        super().__init__(message, headers={"Retry-After": str(retry_after)})


# What any route that uses the database can answer (it may be down or past the deadline),
# what any authenticated route can, and what a route under a project can add.
DATABASE_ERRORS: tuple[type[AppError], ...] = (ServiceUnavailable,)
AUTHENTICATED_ERRORS: tuple[type[AppError], ...] = (Unauthorized, RateLimited, *DATABASE_ERRORS)
PROJECT_ERRORS: tuple[type[AppError], ...] = (*AUTHENTICATED_ERRORS, NotFound, Forbidden)


def error_responses(*errors: type[AppError]) -> dict[int | str, dict[str, Any]]:
    """OpenAPI `responses=` entries for the errors a route can raise (422 always: FastAPI
    validates every request). Errors of one status share its entry."""
    result: dict[int | str, dict[str, Any]] = {}
    documented: tuple[type[AppError], ...] = (*errors, ValidationFailed)
    for error in documented:
        entry = result.setdefault(error.status_code, {"model": ErrorResponse})
        description = error.description or error.message
        if "description" not in entry:
            entry["description"] = description
        elif description not in entry["description"]:
            entry["description"] += " Or: " + description
        if error.documented_headers:
            entry.setdefault("headers", {}).update(error.documented_headers)
    return result


def payload_too_large_response(max_bytes: int) -> dict[str, Any]:
    """The 413 every operation with a request body can answer (core/middleware.py)."""
    return {
        "description": f"The request body is larger than {max_bytes} bytes.",
        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/ErrorResponse"}}},
    }


def error_payload(code: str, message: str, details: Any = None) -> dict[str, Any]:
    return {"error": {"code": code, "message": message, "details": details}}


_STATUS_CODES = {
    400: "bad_request",
    401: "unauthorized",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    406: "not_acceptable",
    413: "payload_too_large",
    415: "unsupported_media_type",
}


# FastAPI's answer when reading the body fails other than as a JSON syntax error: bytes that are
# not UTF-8, nesting deeper than the parser recurses, an integer longer than Python converts.
# It is a body that is not JSON in UTF-8, so it gets the 422 a JSON syntax error gets.
_BODY_PARSE_ERROR = "There was an error parsing the body"

# A missing precondition header is 428 (RFC 6585: the request must be conditional), not 422.
_PRECONDITION_HEADERS = frozenset({"if-match"})


def _allowed_methods(request: Request) -> str:
    """Every method the request's path answers (Starlette's 405 names only the first route's
    methods, and FastAPI has one route per method)."""
    methods: set[str] = set()
    for route in iter_route_contexts(request.app.routes):
        if route.methods:
            match, _ = route.matches(request.scope)
            if match is not Match.NONE:
                methods |= route.methods
    return ", ".join(sorted(methods))


def app_error_response(exc: AppError) -> JsonResponse:
    return JsonResponse(
        error_payload(exc.code, exc.message, exc.details),
        status_code=exc.status_code,
        headers=exc.headers,
    )


_BEFORE_VALIDATION_ERROR = "before_validation_error"


def before_validation_error(request: Request, check: Callable[[], Awaitable[object]]) -> None:
    """Have a request that fails validation run `check` first, and answer with its AppError
    if it raises one: for a dependency that defers a check it would otherwise make before
    FastAPI validates the rest of the request (projects/dependencies.py's UncheckedWriter), so
    the check keeps its precedence over a 422 or 428."""
    setattr(request.state, _BEFORE_VALIDATION_ERROR, check)


async def _deferred_refusal(request: Request) -> AppError | None:
    check = getattr(request.state, _BEFORE_VALIDATION_ERROR, None)
    if check is None:
        return None
    try:
        await check()
    except AppError as refused:
        return refused
    return None


def install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(AppError)
    async def handle_app_error(_: Request, exc: AppError) -> JsonResponse:
        return app_error_response(exc)

    @app.exception_handler(RequestValidationError)
    async def handle_validation_error(
        request: Request, exc: RequestValidationError
    ) -> JsonResponse:
        refused = await _deferred_refusal(request)
        if refused is not None:
            return app_error_response(refused)
        errors = exc.errors()
        if errors and all(
            err.get("type") == "missing"
            and len(err.get("loc", ())) == 2
            and err["loc"][0] == "header"
            and err["loc"][1] in _PRECONDITION_HEADERS
            for err in errors
        ):
            return await handle_app_error(request, PreconditionRequired())
        details = [
            {
                "loc": list(err.get("loc", ())),
                "message": err.get("msg", ""),
                "type": err.get("type", ""),
            }
            for err in errors
        ]
        return JsonResponse(
            error_payload("validation_error", ValidationFailed.message, details), status_code=422
        )

    @app.exception_handler(StarletteHTTPException)
    async def handle_http_error(request: Request, exc: StarletteHTTPException) -> JsonResponse:
        if exc.status_code == 400 and exc.detail == _BODY_PARSE_ERROR:
            details = [{"loc": ["body"], "message": "Not JSON in UTF-8.", "type": "json_invalid"}]
            return JsonResponse(
                error_payload("validation_error", ValidationFailed.message, details),
                status_code=422,
            )
        code = _STATUS_CODES.get(exc.status_code, "http_error")
        message = exc.detail if isinstance(exc.detail, str) else "Request failed."
        headers = dict(exc.headers or {})
        if exc.status_code == 405:
            headers["Allow"] = _allowed_methods(request)
        return JsonResponse(
            error_payload(code, message), status_code=exc.status_code, headers=headers
        )

    @app.exception_handler(Exception)
    async def handle_unexpected(_: Request, exc: Exception) -> JsonResponse:
        logger.exception("unhandled error", exc_info=exc)
        return JsonResponse(error_payload(AppError.code, AppError.message), status_code=500)
