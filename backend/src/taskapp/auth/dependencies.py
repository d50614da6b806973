from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from taskapp.auth.service import AuthService
from taskapp.core.db import DbSession
from taskapp.core.errors import Unauthorized
from taskapp.core.ratelimit import RateLimiter
from taskapp.core.security import TokenService
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


async def get_current_user_id(
    request: Request,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> uuid.UUID:
    """The caller's user id from a valid access token; counts against the per-user limit.
    (Reads app.state directly: this runs on every request, and each sub-dependency costs.)"""
    if credentials is None or credentials.scheme.lower() != "bearer":
        raise Unauthorized("Send an access token as 'Authorization: Bearer <token>'.")
    state = request.app.state
    tokens: TokenService = state.tokens
    settings: Settings = state.settings
    limiter: RateLimiter = state.rate_limiter
    user_id = tokens.verify_access_token(credentials.credentials).user_id
    await limiter.hit(
        "api", str(user_id), settings.rate_limit_api_per_user, batch=settings.rate_limit_api_batch
    )
    return user_id


CurrentUserId = Annotated[uuid.UUID, Depends(get_current_user_id)]


async def get_auth_service(session: DbSession, tokens: TokensDep) -> AuthService:
    return AuthService(session, tokens)


AuthServiceDep = Annotated[AuthService, Depends(get_auth_service)]
