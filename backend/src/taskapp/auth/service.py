"""Accounts: sign up, log in, rotate refresh tokens (with reuse detection), log out,
change password. Services never commit: the request's session does. A session is a refresh
token family; ending one also ends its access tokens at once (auth/sessions.py, after the
commit)."""

from __future__ import annotations

import logging
import uuid
from datetime import UTC, datetime, timedelta

from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from taskapp.auth import repository
from taskapp.auth.models import RefreshToken, User
from taskapp.auth.schemas import TokenPair
from taskapp.auth.sessions import SessionRevocations
from taskapp.core.db import after_commit
from taskapp.core.errors import BadRequest, Conflict, Unauthorized
from taskapp.core.security import (
    TokenService,
    hash_password,
    hash_refresh_token,
    new_refresh_token,
    verify_password,
)

logger = logging.getLogger("taskapp.auth")
_INVALID_CREDENTIALS = "The email or password is not correct."
_INVALID_REFRESH = "The refresh token is not valid; log in again."


class AuthService:
    def __init__(
        self,
        session: AsyncSession,
        tokens: TokenService,
        revocations: SessionRevocations,
        reuse_grace: timedelta = timedelta(0),
    ) -> None:
        self.session = session
        self.tokens = tokens
        self.revocations = revocations
        self.reuse_grace = reuse_grace

    def _end_sessions_after_commit(self, session_ids: list[uuid.UUID]) -> None:
        if not session_ids:
            return

        async def end_sessions() -> None:
            await self.revocations.revoke(session_ids)

        after_commit(self.session, end_sessions)

    async def user(self, user_id: uuid.UUID) -> User:
        user = await repository.get_user(self.session, user_id)
        if user is None:
            raise Unauthorized("This account no longer exists.")
        return user

    async def _free_the_connection(self) -> None:
        """End the read so far (nothing is written yet) before hashing: a hash may wait its
        turn (core/security.py), and must not hold a pooled connection meanwhile. The next
        statement starts a new transaction."""
        await self.session.commit()

    async def sign_up(self, email: str, password: str, display_name: str) -> User:
        if await repository.get_user_by_email(self.session, email) is not None:
            raise Conflict("An account with this email already exists.")
        await self._free_the_connection()
        user = User(
            email=email, display_name=display_name, password_hash=await hash_password(password)
        )
        self.session.add(user)
        try:
            await self.session.flush()
        except IntegrityError as exc:  # a concurrent sign-up with the same email
            raise Conflict("An account with this email already exists.") from exc
        return user

    async def authenticate(self, email: str, password: str) -> User:
        user = await repository.get_user_by_email(self.session, email)
        await self._free_the_connection()
        if not await verify_password(user.password_hash if user else None, password):
            raise Unauthorized(_INVALID_CREDENTIALS)
        assert user is not None  # noqa: S101 - verify_password is False without a user
        return user

    async def start_session(self, user: User) -> TokenPair:
        return await self._issue(user.id, family_id=uuid.uuid4())

    async def refresh(self, refresh_token: str) -> TokenPair:
        now = datetime.now(UTC)
        stored = await repository.get_refresh_token_for_update(
            self.session, hash_refresh_token(refresh_token)
        )
        if stored is None or stored.revoked_at is not None or stored.expires_at <= now:
            raise Unauthorized(_INVALID_REFRESH)
        if stored.used_at is not None and now - stored.used_at <= self.reuse_grace:
            # Rotated moments ago: two tabs refreshed at once with the one cookie, or the
            # response that carried the new cookie was lost (a reload, a dropped
            # connection). The row lock serialised us behind that rotation; a sibling token
            # of the same session keeps both callers signed in (ADR 0074).
            logger.info("refresh token reused within the grace window; same session")
            return await self._issue(stored.user_id, family_id=stored.family_id)
        if stored.used_at is not None:
            # Reuse of a rotated token: someone holds a copy. Revoke the whole family; the
            # revocation must persist even though this request fails.
            logger.warning(
                "refresh token reuse; family revoked", extra={"user": str(stored.user_id)}
            )
            await repository.revoke_family(self.session, stored.family_id, now)
            await self.session.commit()
            await self.revocations.revoke([stored.family_id])  # its access tokens too
            raise Unauthorized("This refresh token was already used; log in again.")
        stored.used_at = now
        return await self._issue(stored.user_id, family_id=stored.family_id)

    async def log_out(self, refresh_token: str) -> None:
        stored = await repository.get_refresh_token_for_update(
            self.session, hash_refresh_token(refresh_token)
        )
        if stored is not None:
            await repository.revoke_family(self.session, stored.family_id, datetime.now(UTC))
            self._end_sessions_after_commit([stored.family_id])

    async def change_password(
        self, user: User, keep_session: uuid.UUID, current: str, new: str
    ) -> None:
        """Change the password and end every other session of the user; `keep_session`, the
        caller's, goes on (its refresh and access tokens keep working). The caller checks
        the per-account attempt limit first (auth/router.py)."""
        await self._free_the_connection()
        if not await verify_password(user.password_hash, current):
            raise BadRequest("The current password is not correct.")
        if current == new:
            raise BadRequest("The new password must differ from the current one.")
        user.password_hash = await hash_password(new)
        ended = await repository.revoke_other_sessions(
            self.session, user.id, keep_session, datetime.now(UTC)
        )
        self._end_sessions_after_commit(ended)

    async def _issue(self, user_id: uuid.UUID, family_id: uuid.UUID) -> TokenPair:
        token, token_hash = new_refresh_token()
        self.session.add(
            RefreshToken(
                family_id=family_id,
                user_id=user_id,
                token_hash=token_hash,
                expires_at=datetime.now(UTC) + self.tokens.refresh_ttl,
            )
        )
        await self.session.flush()
        return TokenPair(
            access_token=self.tokens.issue_access_token(user_id, family_id),
            refresh_token=token,
            expires_in=int(self.tokens.access_ttl.total_seconds()),
        )
