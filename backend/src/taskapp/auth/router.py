from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Body, Request, Response, status

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
from taskapp.auth.transport import (
    BrowserClient,
    RefreshCookie,
    clear_refresh_cookie,
    refuse_cross_site,
    set_refresh_cookie,
)
from taskapp.core.db import DbSession
from taskapp.core.errors import (
    AUTHENTICATED_ERRORS,
    DATABASE_ERRORS,
    BadRequest,
    Conflict,
    Forbidden,
    NotFound,
    RateLimited,
    Unauthorized,
    ValidationFailed,
    error_responses,
)
from taskapp.core.http import client_ip
from taskapp.core.ratelimit import RateLimiterDep
from taskapp.core.schemas import omit_null
from taskapp.core.settings import Settings

router = APIRouter(prefix="/api/auth", tags=["auth"])
# Optional: a browser sends none, its refresh token is the cookie (auth/transport.py).
OptionalRefreshBody = Annotated[RefreshRequest | None, Body(json_schema_extra=omit_null)]


async def _refresh_body(request: Request, body: RefreshRequest | None) -> RefreshRequest | None:
    """The body, or None when there is none; a JSON `null` is not "no body" but a body that
    is not the documented object (422)."""
    if body is None and (await request.body()).strip():
        raise ValidationFailed(
            details=[
                {
                    "loc": ["body"],
                    "message": "Send an object with `refresh_token`, or no body.",
                    "type": "model_type",
                }
            ]
        )
    return body


def _deliver(
    tokens: TokenPair, response: Response, browser: str | None, settings: Settings
) -> TokenPair:
    """A browser gets the refresh token as the cookie, and not in the body (ADR 0074)."""
    if not browser or tokens.refresh_token is None:
        return tokens
    set_refresh_cookie(response, tokens.refresh_token, settings.refresh_token_ttl_seconds)
    return tokens.model_copy(update={"refresh_token": None})


@router.post(
    "/signup",
    operation_id="sign_up",
    summary="Create an account and start a session",
    status_code=status.HTTP_201_CREATED,
    response_model=SessionOut,
    response_model_exclude_none=True,
    responses=error_responses(Conflict, RateLimited, *DATABASE_ERRORS),
)
async def sign_up(
    body: SignupRequest,
    request: Request,
    response: Response,
    service: AuthServiceDep,
    limiter: RateLimiterDep,
    settings: SettingsDep,
    browser: BrowserClient = None,
) -> SessionOut:
    await limiter.hit("signup-ip", client_ip(request, settings), settings.rate_limit_login_per_ip)
    user = await service.sign_up(body.email, body.password, body.display_name)
    tokens = await service.start_session(user)
    return SessionOut(
        user=UserOut.model_validate(user), tokens=_deliver(tokens, response, browser, settings)
    )


@router.post(
    "/login",
    operation_id="log_in",
    summary="Log in with email and password",
    response_model=SessionOut,
    response_model_exclude_none=True,
    responses=error_responses(Unauthorized, RateLimited, *DATABASE_ERRORS),
)
async def log_in(
    body: LoginRequest,
    request: Request,
    response: Response,
    service: AuthServiceDep,
    limiter: RateLimiterDep,
    settings: SettingsDep,
    browser: BrowserClient = None,
) -> SessionOut:
    await limiter.hit("login-ip", client_ip(request, settings), settings.rate_limit_login_per_ip)
    await limiter.hit("login-account", body.email.lower(), settings.rate_limit_login_per_account)
    user = await service.authenticate(body.email, body.password)
    tokens = await service.start_session(user)
    return SessionOut(
        user=UserOut.model_validate(user), tokens=_deliver(tokens, response, browser, settings)
    )


@router.post(
    "/refresh",
    operation_id="refresh_session",
    summary="Exchange a refresh token for a new token pair (the old one stops working)",
    description=(
        "The refresh token comes from the body (`refresh_token`) or, for a browser, from the "
        "session cookie: then `X-Requested-With` is required (403 without it, or when "
        "`Sec-Fetch-Site` names another site), the new refresh token is set as the cookie "
        "and left out of the body. 401 without a token, or with one that is unknown, expired, "
        "revoked or reused: log in again. A token rotated less than "
        "`APP_REFRESH_REUSE_GRACE_SECONDS` ago (two tabs at once, a lost response) gets a new "
        "pair of the same session; a later reuse ends the session as theft."
    ),
    response_model=TokenPair,
    response_model_exclude_none=True,
    responses=error_responses(Unauthorized, Forbidden, RateLimited, *DATABASE_ERRORS),
)
async def refresh_session(
    request: Request,
    response: Response,
    service: AuthServiceDep,
    limiter: RateLimiterDep,
    settings: SettingsDep,
    browser: BrowserClient = None,
    cookie: RefreshCookie = None,
    body: OptionalRefreshBody = None,
) -> TokenPair:
    await limiter.hit(
        "refresh-ip",
        client_ip(request, settings),
        settings.rate_limit_login_per_ip * 4,
    )
    body = await _refresh_body(request, body)
    if body is not None:
        return await service.refresh(body.refresh_token)
    if cookie is None:
        raise Unauthorized("No refresh token: log in.")
    refuse_cross_site(request, browser)
    return _deliver(await service.refresh(cookie), response, browser, settings)


@router.post(
    "/logout",
    operation_id="log_out",
    summary="End a session: its refresh token and its access tokens stop working at once",
    description=(
        "The session is the one of the refresh token in the body or, for a browser "
        "(`X-Requested-With`, required with the cookie), of the session cookie, which the "
        "response clears. Without a token there is nothing to end: 204 all the same."
    ),
    status_code=status.HTTP_204_NO_CONTENT,
    responses=error_responses(Forbidden, *DATABASE_ERRORS),
)
async def log_out(
    request: Request,
    response: Response,
    service: AuthServiceDep,
    browser: BrowserClient = None,
    cookie: RefreshCookie = None,
    body: OptionalRefreshBody = None,
) -> None:
    body = await _refresh_body(request, body)
    if body is not None:
        await service.log_out(body.refresh_token)
    elif cookie is not None:
        refuse_cross_site(request, browser)
        await service.log_out(cookie)
    if browser:
        clear_refresh_cookie(response)


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
