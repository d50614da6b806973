"""Password hashing (Argon2id, OWASP parameters) and access tokens (short-lived JWTs)."""

from __future__ import annotations

import asyncio
import hashlib
import secrets
import uuid
import weakref
from collections import OrderedDict
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import anyio
import anyio.to_thread
import jwt
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from taskapp.core.errors import Unauthorized
from taskapp.core.settings import Settings

# OWASP Password Storage Cheat Sheet: Argon2id, m=19 MiB, t=2, p=1.
_hasher = PasswordHasher(time_cost=2, memory_cost=19 * 1024, parallelism=1)
_DUMMY_HASH = _hasher.hash("not-a-real-password")
_ALGORITHM = "HS256"


# Hashes running at once in this process; the rest wait their turn (within the request's
# deadline, then 503 "busy"). Each takes tens of milliseconds of a whole core: a login storm
# with as many hashes at once as threads (anyio's default is 40) would starve the event loop
# and every other request with it (issue 9). Set from APP_PASSWORD_HASH_CONCURRENCY.
_hash_concurrency = 1
_hash_limiters: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, anyio.CapacityLimiter] = (
    weakref.WeakKeyDictionary()
)


def configure_password_hashing(concurrency: int) -> None:
    global _hash_concurrency  # noqa: PLW0603 - one process-wide limit, set at start-up
    _hash_concurrency = concurrency
    _hash_limiters.clear()


def _hash_limiter() -> anyio.CapacityLimiter:
    loop = asyncio.get_running_loop()
    limiter = _hash_limiters.get(loop)
    if limiter is None:
        limiter = _hash_limiters[loop] = anyio.CapacityLimiter(_hash_concurrency)
    return limiter


async def hash_password(password: str) -> str:
    # Hashing takes tens of milliseconds of CPU: keep it off the event loop.
    return await anyio.to_thread.run_sync(_hasher.hash, password, limiter=_hash_limiter())


async def verify_password(password_hash: str | None, password: str) -> bool:
    """Constant-ish time whether or not the account exists (a dummy hash is checked)."""

    def verify() -> bool:
        try:
            return _hasher.verify(password_hash or _DUMMY_HASH, password) and bool(password_hash)
        except (VerificationError, InvalidHashError):
            return False

    return await anyio.to_thread.run_sync(verify, limiter=_hash_limiter())


def new_refresh_token() -> tuple[str, str]:
    """A random refresh token and the hash we store (the token itself is never stored)."""
    token = secrets.token_urlsafe(32)
    return token, hash_refresh_token(token)


def hash_refresh_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@dataclass(frozen=True)
class AccessClaims:
    user_id: uuid.UUID
    # The session: the refresh token family the token was issued for (ADR 0086). A request
    # is refused when its session was revoked (auth/sessions.py), however valid the JWT.
    session_id: uuid.UUID
    expires_at: datetime


class TokenService:
    # Verified tokens are remembered (until they expire) so a client's repeated requests skip
    # the signature check and JSON parsing; bounded, least recently used out first. This says
    # only that the token is genuine: whether its session was revoked is checked on every
    # request after it (auth/dependencies.py).
    _VERIFIED_CACHE_SIZE = 4096

    def __init__(self, settings: Settings) -> None:
        self._verified: OrderedDict[str, AccessClaims] = OrderedDict()
        self._key = settings.jwt_signing_key.get_secret_value()
        self._issuer = settings.jwt_issuer
        self.access_ttl = timedelta(seconds=settings.access_token_ttl_seconds)
        self.refresh_ttl = timedelta(seconds=settings.refresh_token_ttl_seconds)

    def issue_access_token(self, user_id: uuid.UUID, session_id: uuid.UUID | None = None) -> str:
        """A token for `session_id`, the refresh token family (auth/service.py always passes
        it). Without one the token gets a session of its own that no logout can end: for
        tests of the token itself only."""
        session_id = session_id or uuid.uuid4()
        now = datetime.now(UTC)
        claims = {
            "sub": str(user_id),
            "sid": str(session_id),
            "iss": self._issuer,
            "iat": now,
            "exp": now + self.access_ttl,
            "typ": "access",
        }
        return jwt.encode(claims, self._key, algorithm=_ALGORITHM)

    def verify_access_token(self, token: str) -> AccessClaims:
        cached = self._verified.get(token)
        if cached is not None:
            if cached.expires_at > datetime.now(UTC):
                self._verified.move_to_end(token)
                return cached
            del self._verified[token]
        claims = self._verify(token)
        self._verified[token] = claims
        if len(self._verified) > self._VERIFIED_CACHE_SIZE:
            self._verified.popitem(last=False)
        return claims

    def _verify(self, token: str) -> AccessClaims:
        try:
            claims = jwt.decode(
                token,
                self._key,
                algorithms=[_ALGORITHM],
                issuer=self._issuer,
                options={"require": ["exp", "iat", "sub", "iss", "sid"]},
            )
        except jwt.ExpiredSignatureError as exc:
            raise Unauthorized("The access token has expired; refresh it.") from exc
        except jwt.MissingRequiredClaimError as exc:  # e.g. issued before sessions had ids
            raise Unauthorized("The access token is not valid; refresh it.") from exc
        except jwt.PyJWTError as exc:
            raise Unauthorized("The access token is not valid.") from exc
        if claims.get("typ") != "access":
            raise Unauthorized("The access token is not valid.")
        try:
            user_id = uuid.UUID(claims["sub"])
            session_id = uuid.UUID(claims["sid"])
        except (ValueError, TypeError, AttributeError) as exc:
            raise Unauthorized("The access token is not valid.") from exc
        return AccessClaims(user_id, session_id, datetime.fromtimestamp(claims["exp"], UTC))
