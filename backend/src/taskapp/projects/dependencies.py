"""Authorisation for everything under /api/projects/{project_id}: a non-member gets 404
(a project's existence is not disclosed), a member without the role gets 403."""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Request
from sqlalchemy.ext.asyncio import AsyncSession

from taskapp.auth.dependencies import CurrentUserId
from taskapp.core.db import Database, DatabaseDep, DbSession
from taskapp.core.errors import Forbidden, NotFound, before_validation_error
from taskapp.projects import repository
from taskapp.projects.models import Role

PROJECT_NOT_FOUND = "Project not found."


@dataclass(frozen=True)
class ProjectAccess:
    project_id: uuid.UUID
    user_id: uuid.UUID
    role: Role


_ACTIONS = {
    Role.viewer: "view this project",
    Role.member: "change this project's tasks (viewers are read-only)",
    Role.owner: "manage this project (owners only)",
}


def check_role(role: Role | None, minimum: Role) -> Role:
    """The caller's role if it is at least `minimum`; else 404 for a non-member (None), 403
    for a lower role."""
    if role is None:
        raise NotFound(PROJECT_NOT_FOUND)
    if role.rank < minimum.rank:
        raise Forbidden(f"You are not allowed to {_ACTIONS[minimum]}.")
    return role


def _require(minimum: Role) -> Callable[..., Awaitable[ProjectAccess]]:
    async def check_access(
        project_id: uuid.UUID, user_id: CurrentUserId, session: DbSession
    ) -> ProjectAccess:
        membership = await repository.get_membership(session, project_id, user_id)
        role = check_role(None if membership is None else membership.role, minimum)
        return ProjectAccess(project_id, user_id, role)

    return check_access


@dataclass(frozen=True)
class UncheckedAccess:
    """A caller whose access the route checks itself, in the statement that does the work
    (e.g. a task's creation: tasks/service.py), with `minimum` as the role it needs."""

    project_id: uuid.UUID
    user_id: uuid.UUID
    minimum: Role
    database: Database

    async def check(self) -> ProjectAccess:
        """Check the access on its own (one statement): 404 or 403 as `_require` would."""
        async with self.database.read() as connection:
            role = await repository.member_role(connection, self.project_id, self.user_id)
        return ProjectAccess(self.project_id, self.user_id, check_role(role, self.minimum))

    async def check_in(self, session: AsyncSession) -> ProjectAccess:
        """Check the access in the caller's transaction, as `_require` does."""
        membership = await repository.get_membership(session, self.project_id, self.user_id)
        role = check_role(None if membership is None else membership.role, self.minimum)
        return ProjectAccess(self.project_id, self.user_id, role)


def _defer(minimum: Role) -> Callable[..., Awaitable[UncheckedAccess]]:
    async def defer_access(
        project_id: uuid.UUID, user_id: CurrentUserId, database: DatabaseDep, request: Request
    ) -> UncheckedAccess:
        access = UncheckedAccess(project_id, user_id, minimum, database)
        # Refused before the route runs (a body or header that does not validate), the
        # request still gets the 404 or 403 the access check would have given first.
        before_validation_error(request, access.check)
        return access

    return defer_access


ProjectViewer = Annotated[ProjectAccess, Depends(_require(Role.viewer))]
ProjectWriter = Annotated[ProjectAccess, Depends(_require(Role.member))]
ProjectOwner = Annotated[ProjectAccess, Depends(_require(Role.owner))]
# As ProjectWriter, for a route that checks access in the statement that does its work.
UncheckedWriter = Annotated[UncheckedAccess, Depends(_defer(Role.member))]
