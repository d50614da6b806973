from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from taskapp.auth.models import RefreshToken, User


async def get_user(session: AsyncSession, user_id: uuid.UUID) -> User | None:
    return await session.get(User, user_id)


async def get_user_by_email(session: AsyncSession, email: str) -> User | None:
    result = await session.execute(select(User).where(func.lower(User.email) == email.lower()))
    return result.scalar_one_or_none()


async def get_refresh_token_for_update(
    session: AsyncSession, token_hash: str
) -> RefreshToken | None:
    result = await session.execute(
        select(RefreshToken).where(RefreshToken.token_hash == token_hash).with_for_update()
    )
    return result.scalar_one_or_none()


async def revoke_family(session: AsyncSession, family_id: uuid.UUID, at: datetime) -> None:
    await session.execute(
        update(RefreshToken)
        .where(RefreshToken.family_id == family_id, RefreshToken.revoked_at.is_(None))
        .values(revoked_at=at)
    )


async def revoke_other_sessions(
    session: AsyncSession, user_id: uuid.UUID, keep: uuid.UUID, at: datetime
) -> list[uuid.UUID]:
    """Revoke every session (refresh token family) of the user but `keep`; the ids of the
    sessions that were still live."""
    result = await session.execute(
        update(RefreshToken)
        .where(
            RefreshToken.user_id == user_id,
            RefreshToken.family_id != keep,
            RefreshToken.revoked_at.is_(None),
        )
        .values(revoked_at=at)
        .returning(RefreshToken.family_id)
    )
    return sorted(set(result.scalars()))


async def session_revoked(session: AsyncSession, family_id: uuid.UUID) -> bool:
    """Whether the session was revoked (its family's rows are revoked together)."""
    result = await session.execute(
        select(RefreshToken.id)
        .where(RefreshToken.family_id == family_id, RefreshToken.revoked_at.is_not(None))
        .limit(1)
    )
    return result.first() is not None


async def sessions_revoked_since(
    session: AsyncSession, since: datetime
) -> list[tuple[uuid.UUID, datetime]]:
    """Sessions revoked after `since`, with when (the partial index on revoked_at serves
    this: migration 0004)."""
    result = await session.execute(
        select(RefreshToken.family_id, func.max(RefreshToken.revoked_at))
        .where(RefreshToken.revoked_at.is_not(None), RefreshToken.revoked_at > since)
        .group_by(RefreshToken.family_id)
    )
    return [(family_id, revoked_at) for family_id, revoked_at in result.all() if revoked_at]
