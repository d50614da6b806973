"""Authorisation for everything under /api/projects/{project_id}: a non-member gets 404
(a project's existence is not disclosed), a member without the role gets 403."""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends

from taskapp.auth.dependencies import CurrentUserId
from taskapp.core.db import DbSession
from taskapp.core.errors import Forbidden, NotFound
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


def _require(minimum: Role) -> Callable[..., Awaitable[ProjectAccess]]:
    async def check_access(
        project_id: uuid.UUID, user_id: CurrentUserId, session: DbSession
    ) -> ProjectAccess:
        membership = await repository.get_membership(session, project_id, user_id)
        if membership is None:
            raise NotFound(PROJECT_NOT_FOUND)
        if membership.role.rank < minimum.rank:
            raise Forbidden(f"You are not allowed to {_ACTIONS[minimum]}.")
        return ProjectAccess(project_id, user_id, membership.role)

    return check_access


ProjectViewer = Annotated[ProjectAccess, Depends(_require(Role.viewer))]
ProjectWriter = Annotated[ProjectAccess, Depends(_require(Role.member))]
ProjectOwner = Annotated[ProjectAccess, Depends(_require(Role.owner))]
