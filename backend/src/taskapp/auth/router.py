from __future__ import annotations

from fastapi import APIRouter, Request, status

from taskapp.auth import repository
from taskapp.auth.dependencies import (
    AuthServiceDep,
    CurrentSession,
    CurrentUserId,
    SettingsDep,
)
from taskapp.auth.schemas import (
    ChangePasswordRequest,
    LoginRequest,
    RefreshRequest,
    SessionOut,
    SignupRequest,
    TokenPair,
    UserOut,
)
from taskapp.core.db import DbSession
from taskapp.core.errors import (
    AUTHENTICATED_ERRORS,
    DATABASE_ERRORS,
    BadRequest,
    Conflict,
    NotFound,
    RateLimited,
    Unauthorized,
    error_responses,
)
from taskapp.core.http import client_ip
from taskapp.core.ratelimit import RateLimiterDep

router = APIRouter(prefix="/api/auth", tags=["auth"])


@router.post(
    "/signup",
    operation_id="sign_up",
    summary="Create an account and start a session",
    status_code=status.HTTP_201_CREATED,
    response_model=SessionOut,
    responses=error_responses(Conflict, RateLimited, *DATABASE_ERRORS),
)
async def sign_up(
    body: SignupRequest,
    request: Request,
    service: AuthServiceDep,
    limiter: RateLimiterDep,
    settings: SettingsDep,
) -> SessionOut:
    await limiter.hit("signup-ip", client_ip(request, settings), settings.rate_limit_login_per_ip)
    user = await service.sign_up(body.email, body.password, body.display_name)
    tokens = await service.start_session(user)
    return SessionOut(user=UserOut.model_validate(user), tokens=tokens)


@router.post(
    "/login",
    operation_id="log_in",
    summary="Log in with email and password",
    response_model=SessionOut,
    responses=error_responses(Unauthorized, RateLimited, *DATABASE_ERRORS),
)
async def log_in(
    body: LoginRequest,
    request: Request,
    service: AuthServiceDep,
    limiter: RateLimiterDep,
    settings: SettingsDep,
) -> SessionOut:
    await limiter.hit("login-ip", client_ip(request, settings), settings.rate_limit_login_per_ip)
    await limiter.hit("login-account", body.email.lower(), settings.rate_limit_login_per_account)
    user = await service.authenticate(body.email, body.password)
    tokens = await service.start_session(user)
    return SessionOut(user=UserOut.model_validate(user), tokens=tokens)


@router.post(
    "/refresh",
    operation_id="refresh_session",
    summary="Exchange a refresh token for a new token pair (the old one stops working)",
    response_model=TokenPair,
    responses=error_responses(Unauthorized, RateLimited, *DATABASE_ERRORS),
)
async def refresh_session(
    body: RefreshRequest,
    request: Request,
    service: AuthServiceDep,
    limiter: RateLimiterDep,
    settings: SettingsDep,
) -> TokenPair:
    await limiter.hit(
        "refresh-ip",
        client_ip(request, settings),
        settings.rate_limit_login_per_ip * 4,
    )
    return await service.refresh(body.refresh_token)


@router.post(
    "/logout",
    operation_id="log_out",
    summary="End a session: its refresh token and its access tokens stop working at once",
    status_code=status.HTTP_204_NO_CONTENT,
    responses=error_responses(*DATABASE_ERRORS),
)
async def log_out(body: RefreshRequest, service: AuthServiceDep) -> None:
    await service.log_out(body.refresh_token)


@router.post(
    "/password",
    operation_id="change_password",
    summary="Change the password: ends every other session at once; this one goes on",
    description=(
        "The sessions on other devices end immediately: their access tokens are refused from "
        "the next request and their refresh tokens no longer work. The session that made the "
        "change keeps its access and refresh tokens. Attempts count against the same "
        "per-account limit as logging in (429 past it, before the password is checked)."
    ),
    status_code=status.HTTP_204_NO_CONTENT,
    responses=error_responses(*AUTHENTICATED_ERRORS, BadRequest),
)
async def change_password(
    body: ChangePasswordRequest,
    session: CurrentSession,
    service: AuthServiceDep,
    limiter: RateLimiterDep,
    settings: SettingsDep,
) -> None:
    user = await service.user(session.user_id)
    # The login limit, shared with login and spent before the (costly) Argon2 check: a
    # stolen access token buys no more guesses than the login form.
    await limiter.hit("login-account", user.email.lower(), settings.rate_limit_login_per_account)
    await service.change_password(
        user, session.session_id, body.current_password, body.new_password
    )


@router.get(
    "/me",
    operation_id="get_current_user",
    summary="The logged-in user",
    response_model=UserOut,
    responses=error_responses(*AUTHENTICATED_ERRORS, NotFound),
)
async def get_current_user(user_id: CurrentUserId, session: DbSession) -> UserOut:
    user = await repository.get_user(session, user_id)
    if user is None:
        raise NotFound("This account no longer exists.")
    return UserOut.model_validate(user)
