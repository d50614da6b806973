from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import ColumnElement, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from taskapp.auth.models import User
from taskapp.invitations.models import Invitation
from taskapp.projects.models import Membership


def _pending() -> tuple[ColumnElement[bool], ...]:
    return (Invitation.accepted_at.is_(None), Invitation.revoked_at.is_(None))


async def get_by_token_hash(
    session: AsyncSession, token_hash: str, *, for_update: bool = False
) -> Invitation | None:
    query = select(Invitation).where(Invitation.token_hash == token_hash)
    if for_update:
        query = query.with_for_update().execution_options(populate_existing=True)
    return (await session.execute(query)).scalar_one_or_none()


async def list_pending(
    session: AsyncSession, project_id: uuid.UUID, now: datetime
) -> Sequence[tuple[Invitation, str | None]]:
    result = await session.execute(
        select(Invitation, User.display_name)
        .outerjoin(User, User.id == Invitation.invited_by)
        .where(Invitation.project_id == project_id, Invitation.expires_at > now, *_pending())
        .order_by(Invitation.created_at.desc(), Invitation.id)
    )
    return [(invitation, name) for invitation, name in result.all()]


async def count_pending(session: AsyncSession, project_id: uuid.UUID, now: datetime) -> int:
    result = await session.execute(
        select(func.count())
        .select_from(Invitation)
        .where(Invitation.project_id == project_id, Invitation.expires_at > now, *_pending())
    )
    return int(result.scalar_one())


async def revoke_pending(
    session: AsyncSession,
    project_id: uuid.UUID,
    now: datetime,
    *,
    invitation_id: uuid.UUID | None = None,
    email: str | None = None,
) -> int:
    """Revoke the project's pending invitation with this id, or to this e-mail; how many."""
    conditions = [Invitation.project_id == project_id, *_pending()]
    if invitation_id is not None:
        conditions.append(Invitation.id == invitation_id)
    if email is not None:
        conditions.append(Invitation.email == email)
    result = await session.execute(
        update(Invitation).where(*conditions).values(revoked_at=now).returning(Invitation.id)
    )
    return len(result.all())


async def is_member_by_email(session: AsyncSession, project_id: uuid.UUID, email: str) -> bool:
    result = await session.execute(
        select(Membership.user_id)
        .join(User, User.id == Membership.user_id)
        .where(Membership.project_id == project_id, func.lower(User.email) == email)
        .limit(1)
    )
    return result.first() is not None
