"""How a refresh token travels (ADR 0074): to a browser as an `HttpOnly; Secure;
SameSite=Strict` cookie scoped to the auth routes, never readable by script; to other clients
in the JSON body, as before.

A client asks for the cookie by sending `X-Requested-With` (any value; the SPA sends `fetch`).
The same header is the cross-site guard of the routes that act on the cookie (refresh, log
out): a page on another origin cannot add a custom header without a CORS preflight, which the
API never grants for it (core CORS settings: no `X-Requested-With`, no credentials). A request
that carries the cookie without the header, or that the browser labels as coming from
another site (`Sec-Fetch-Site`), is refused before the cookie is read.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import Cookie, Header, Request, Response

from taskapp.core.errors import Forbidden
from taskapp.core.schemas import omit_null

REFRESH_COOKIE = "taskapp_refresh"
# Sent only to the auth routes: never to the rest of the API, never to the static site.
REFRESH_COOKIE_PATH = "/api/auth"
BROWSER_HEADER = "X-Requested-With"
# What Sec-Fetch-Site may say for a request of ours: "none" is the user's own navigation.
_SAME_ORIGIN = frozenset({"same-origin", "none"})

BrowserClient = Annotated[
    str | None,
    Header(
        alias=BROWSER_HEADER,
        max_length=64,
        json_schema_extra=omit_null,  # a header is sent or not; it cannot be null
        description=(
            "Any value (the SPA sends `fetch`): the refresh token travels as the "
            f"`{REFRESH_COOKIE}` cookie (HttpOnly, Secure, SameSite=Strict, Path="
            f"{REFRESH_COOKIE_PATH}) and is left out of the response body. Required to use "
            "that cookie (the cross-site guard); without it the refresh token is in the body."
        ),
    ),
]
RefreshCookie = Annotated[
    str | None,
    Cookie(
        alias=REFRESH_COOKIE,
        max_length=256,
        json_schema_extra=omit_null,
        description="The refresh token set by log in, sign up or refresh for a browser client.",
    ),
]


def cookie_header(token: str, max_age: int) -> str:
    """The Set-Cookie value; written out so its attributes are exactly these."""
    return (
        f"{REFRESH_COOKIE}={token}; Path={REFRESH_COOKIE_PATH}; Max-Age={max_age}; "
        "HttpOnly; Secure; SameSite=Strict"
    )


def set_refresh_cookie(response: Response, token: str, max_age: int) -> None:
    response.headers.append("set-cookie", cookie_header(token, max_age))
    response.headers["cache-control"] = "no-store"


def clear_refresh_cookie(response: Response) -> None:
    response.headers.append("set-cookie", cookie_header("", 0))
    response.headers["cache-control"] = "no-store"


def refuse_cross_site(request: Request, browser: str | None) -> None:
    """The guard of the routes that act on the cookie (see the module docstring)."""
    if not browser:
        raise Forbidden(
            f"Send the {BROWSER_HEADER} header to use the session cookie, or the refresh "
            "token in the body."
        )
    site = request.headers.get("sec-fetch-site")
    if site is not None and site not in _SAME_ORIGIN:
        raise Forbidden("The session cookie is used only by requests from this site.")
