from __future__ import annotations

import uuid
from datetime import timedelta
from typing import Annotated

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from starlette.datastructures import State
from starlette.types import Scope

from taskapp.auth.service import AuthService
from taskapp.auth.sessions import revocations_for
from taskapp.core.db import DbSession
from taskapp.core.errors import Unauthorized
from taskapp.core.ratelimit import RateLimiter
from taskapp.core.security import AccessClaims, TokenService
from taskapp.core.settings import Settings

_bearer = HTTPBearer(auto_error=False, description="Access token from /api/auth/login.")


async def get_settings_dep(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


async def get_token_service(request: Request) -> TokenService:
    tokens: TokenService = request.app.state.tokens
    return tokens


SettingsDep = Annotated[Settings, Depends(get_settings_dep)]
TokensDep = Annotated[TokenService, Depends(get_token_service)]


async def _authenticate(
    request: Request, credentials: HTTPAuthorizationCredentials | None
) -> AccessClaims:
    if credentials is None or credentials.scheme.lower() != "bearer":
        raise Unauthorized("Send an access token as 'Authorization: Bearer <token>'.")
    return await authenticate(request.app.state, credentials.credentials)


def bearer_token(scope: Scope) -> str | None:
    """The token FastAPI's HTTPBearer reads from a request's first Authorization header, or
    None where it finds none (for the hot paths, which run before FastAPI: tasks/)."""
    for name, value in scope["headers"]:
        if name == b"authorization":
            scheme, _, token = value.decode("latin-1").partition(" ")
            token = token.strip()
            return token if scheme.lower() == "bearer" and token else None
    return None


async def authenticate(state: State, token: str) -> AccessClaims:
    """The caller's verified claims from a valid access token of a live session; counts
    against the per-user limit. The session check and the rate-limit counting share one
    Redis round trip (auth/sessions.py). (Reads app.state directly: this runs on every
    request, and each sub-dependency costs.)"""
    tokens: TokenService = state.tokens
    settings: Settings = state.settings
    limiter: RateLimiter = state.rate_limiter
    claims = tokens.verify_access_token(token)
    spend = limiter.begin(
        "api", str(claims.user_id), settings.rate_limit_api_per_user, settings.rate_limit_api_batch
    )
    await revocations_for(state).check(claims, spend)
    return claims


async def get_current_user_id(
    request: Request,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> uuid.UUID:
    return (await _authenticate(request, credentials)).user_id


async def get_current_session(
    request: Request,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> AccessClaims:
    """As CurrentUserId, with the session the token belongs to."""
    return await _authenticate(request, credentials)


CurrentUserId = Annotated[uuid.UUID, Depends(get_current_user_id)]
CurrentSession = Annotated[AccessClaims, Depends(get_current_session)]


async def get_auth_service(
    request: Request, session: DbSession, tokens: TokensDep, settings: SettingsDep
) -> AuthService:
    return AuthService(
        session,
        tokens,
        revocations_for(request.app.state),
        reuse_grace=timedelta(seconds=settings.refresh_reuse_grace_seconds),
    )


AuthServiceDep = Annotated[AuthService, Depends(get_auth_service)]
