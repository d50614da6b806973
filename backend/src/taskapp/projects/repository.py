from __future__ import annotations

import uuid
from collections.abc import Sequence

from sqlalchemy import delete, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from taskapp.auth.models import User
from taskapp.core.db import ReadConnection
from taskapp.projects.models import Membership, Project, Role


async def get_membership(
    session: AsyncSession, project_id: uuid.UUID, user_id: uuid.UUID
) -> Membership | None:
    return await session.get(Membership, (project_id, user_id))


async def member_role(
    connection: ReadConnection, project_id: uuid.UUID, user_id: uuid.UUID
) -> Role | None:
    """The caller's role in the project (None: not a member), on a connection of its own."""
    rows = await connection.fetch(
        "SELECT role FROM memberships WHERE project_id = $1 AND user_id = $2", project_id, user_id
    )
    role = rows[0][0] if rows else None
    return None if role is None else Role(role)


async def lock_project(session: AsyncSession, project_id: uuid.UUID) -> bool:
    """Lock the project's row until the transaction ends (False: no such project). Every
    change to a project's owners takes this lock first, so the "at least one owner" check and
    the change it allows are one step for concurrent requests."""
    result = await session.execute(
        select(Project.id).where(Project.id == project_id).with_for_update()
    )
    return result.scalar_one_or_none() is not None


async def get_membership_now(
    session: AsyncSession, project_id: uuid.UUID, user_id: uuid.UUID
) -> Membership | None:
    """The membership as the database has it now (read again even if this session loaded it
    before, e.g. before waiting for a lock)."""
    result = await session.execute(
        select(Membership)
        .where(Membership.project_id == project_id, Membership.user_id == user_id)
        .execution_options(populate_existing=True)
    )
    return result.scalar_one_or_none()


async def get_project(session: AsyncSession, project_id: uuid.UUID) -> Project | None:
    return await session.get(Project, project_id)


async def list_projects_for_user(
    session: AsyncSession, user_id: uuid.UUID
) -> Sequence[tuple[Project, Role]]:
    result = await session.execute(
        select(Project, Membership.role)
        .join(Membership, Membership.project_id == Project.id)
        .where(Membership.user_id == user_id)
        .order_by(Project.name, Project.id)
    )
    return [(project, role) for project, role in result.all()]


async def member_ids(session: AsyncSession, project_id: uuid.UUID) -> list[uuid.UUID]:
    result = await session.execute(
        select(Membership.user_id).where(Membership.project_id == project_id)
    )
    return list(result.scalars())


async def list_members(
    session: AsyncSession, project_id: uuid.UUID
) -> Sequence[tuple[Membership, User]]:
    result = await session.execute(
        select(Membership, User)
        .join(User, User.id == Membership.user_id)
        .where(Membership.project_id == project_id)
        .order_by(User.display_name, User.id)
    )
    return [(m, u) for m, u in result.all()]


async def count_owners(session: AsyncSession, project_id: uuid.UUID) -> int:
    result = await session.execute(
        select(func.count())
        .select_from(Membership)
        .where(Membership.project_id == project_id, Membership.role == Role.owner)
    )
    return int(result.scalar_one())


async def delete_project(session: AsyncSession, project_id: uuid.UUID) -> None:
    await session.execute(delete(Project).where(Project.id == project_id))
