from __future__ import annotations

import uuid

import orjson
from sqlalchemy.ext.asyncio import AsyncSession

from taskapp.activity import repository as activity
from taskapp.attachments import storage as attachment_storage
from taskapp.auth import repository as users
from taskapp.core.aws import Aws
from taskapp.core.cache import (
    Cache,
    Slot,
    project_members_key,
    project_tasks_key,
    user_projects_key,
)
from taskapp.core.db import after_commit
from taskapp.core.errors import Conflict, Forbidden, NotFound
from taskapp.events.hub import EventHub
from taskapp.projects import repository
from taskapp.projects.dependencies import PROJECT_NOT_FOUND, ProjectAccess
from taskapp.projects.models import Membership, Project, Role
from taskapp.projects.schemas import (
    MemberList,
    MemberOut,
    ProjectCreate,
    ProjectList,
    ProjectOut,
    ProjectUpdate,
)


def _project_out(project: Project, role: Role) -> ProjectOut:
    return ProjectOut(
        id=project.id,
        name=project.name,
        description=project.description,
        role=role,
        created_at=project.created_at,
        updated_at=project.updated_at,
    )


class ProjectService:
    def __init__(self, session: AsyncSession, cache: Cache, events: EventHub) -> None:
        self.session = session
        self.cache = cache
        self.events = events

    def _invalidate_after_commit(self, *groups: str) -> None:
        async def invalidate() -> None:
            await self.cache.invalidate(*groups)

        after_commit(self.session, invalidate)

    async def _invalidate_project(self, project_id: uuid.UUID) -> None:
        members = await repository.member_ids(self.session, project_id)
        self._invalidate_after_commit(
            project_tasks_key(project_id),
            project_members_key(project_id),
            *(user_projects_key(m) for m in members),
        )

    def _invalidate_membership(self, project_id: uuid.UUID, user_id: uuid.UUID, kind: str) -> None:
        """After a membership change: the project's membership record (the cache serves a
        task page only to a user it holds) and the user's project list go; the project's live
        stream says who joined, changed role or left (a removed member's own streams end on
        it: events/router.py)."""
        self._invalidate_after_commit(project_members_key(project_id), user_projects_key(user_id))
        change = {"kind": kind, "user_id": str(user_id)}

        async def publish() -> None:
            await self.events.publish(project_id, change)

        after_commit(self.session, publish)

    def _record(
        self,
        project_id: uuid.UUID,
        actor_id: uuid.UUID,
        kind: str,
        member_id: uuid.UUID,
        before: Role | None,
        after: Role | None,
    ) -> None:
        """A membership change in the project's activity, in this transaction."""
        activity.record(
            self.session,
            project_id,
            actor_id,
            kind,
            target_id=member_id,
            changes={
                "role": activity.change(
                    None if before is None else before.value, None if after is None else after.value
                )
            },
        )

    async def create(self, user_id: uuid.UUID, data: ProjectCreate) -> ProjectOut:
        project = Project(name=data.name, description=data.description)
        self.session.add(project)
        await self.session.flush()
        self.session.add(Membership(project_id=project.id, user_id=user_id, role=Role.owner))
        await self.session.flush()
        await self.session.refresh(project)
        self._invalidate_after_commit(user_projects_key(user_id))
        return _project_out(project, Role.owner)

    async def list_json(self, user_id: uuid.UUID) -> bytes:
        """The caller's projects as JSON, from the cache when it is warm."""

        async def load() -> bytes:
            rows = await repository.list_projects_for_user(self.session, user_id)
            page = ProjectList(items=[_project_out(p, role) for p, role in rows])
            return orjson.dumps(page.model_dump(mode="json"))

        return await self.cache.get_or_load(Slot(user_projects_key(user_id), "list"), load)

    async def get(self, access: ProjectAccess) -> ProjectOut:
        project = await repository.get_project(self.session, access.project_id)
        if project is None:
            raise NotFound(PROJECT_NOT_FOUND)
        return _project_out(project, access.role)

    async def update(self, access: ProjectAccess, data: ProjectUpdate) -> ProjectOut:
        project = await repository.get_project(self.session, access.project_id)
        if project is None:
            raise NotFound(PROJECT_NOT_FOUND)
        changes = data.model_dump(exclude_unset=True, exclude_none=True)
        for field, value in changes.items():
            setattr(project, field, value)
        await self.session.flush()
        await self.session.refresh(project)
        await self._invalidate_project(project.id)
        return _project_out(project, access.role)

    async def delete(self, access: ProjectAccess, aws: Aws) -> None:
        # Locked, so no member is added between reading the members (whose project lists
        # are invalidated) and the delete.
        await self.lock_as_owner(access)
        keys = await attachment_storage.object_keys_for_project(self.session, access.project_id)
        await self._invalidate_project(access.project_id)
        await repository.delete_project(self.session, access.project_id)

        async def remove_objects() -> None:
            await attachment_storage.delete_objects(aws, keys)

        after_commit(self.session, remove_objects)

    async def list_members(self, access: ProjectAccess) -> MemberList:
        rows = await repository.list_members(self.session, access.project_id)
        return MemberList(
            items=[
                MemberOut(
                    user_id=user.id, email=user.email, display_name=user.display_name, role=m.role
                )
                for m, user in rows
            ]
        )

    async def lock(self, project_id: uuid.UUID) -> Project:
        """Lock the project for a membership change by someone who need not be its owner (an
        invitee joining, a member leaving): the same lock as `lock_as_owner` (ADR 0088)."""
        if not await repository.lock_project(self.session, project_id):
            raise NotFound(PROJECT_NOT_FOUND)
        project = await repository.get_project(self.session, project_id)
        assert project is not None  # noqa: S101 - locked above, in this transaction
        return project

    async def join(self, project_id: uuid.UUID, user_id: uuid.UUID, role: Role) -> ProjectOut:
        """Make the user a member with `role` (an accepted invitation); someone already a
        member keeps the role they have."""
        project = await self.lock(project_id)
        membership = await repository.get_membership_now(self.session, project_id, user_id)
        if membership is None:
            self.session.add(Membership(project_id=project_id, user_id=user_id, role=role))
            await self.session.flush()
            self._record(project_id, user_id, "member.joined", user_id, None, role)
            self._invalidate_membership(project_id, user_id, "member.joined")
        else:
            role = membership.role
        return _project_out(project, role)

    async def leave(self, access: ProjectAccess) -> None:
        """The caller leaves the project; its last owner cannot (409)."""
        await self.lock(access.project_id)
        membership = await repository.get_membership_now(
            self.session, access.project_id, access.user_id
        )
        if membership is None:
            raise NotFound(PROJECT_NOT_FOUND)
        if membership.role == Role.owner and (
            await repository.count_owners(self.session, access.project_id) <= 1
        ):
            raise Conflict(
                "You are the last owner of this project, so you cannot leave it: make someone "
                "else owner first, or delete the project."
            )
        self._record(
            access.project_id, access.user_id, "member.left", access.user_id, membership.role, None
        )
        await self.session.delete(membership)
        await self.session.flush()
        self._invalidate_membership(access.project_id, access.user_id, "member.removed")

    async def change_role(self, access: ProjectAccess, user_id: uuid.UUID, role: Role) -> MemberOut:
        await self.lock_as_owner(access)
        membership = await self._membership(access.project_id, user_id)
        if membership.role == Role.owner and role != Role.owner:
            await self._keep_an_owner(access.project_id)
        if membership.role != role:
            self._record(
                access.project_id, access.user_id, "member.role_changed", user_id,
                membership.role, role,
            )  # fmt: skip
        membership.role = role
        await self.session.flush()
        user = await users.get_user(self.session, user_id)
        assert user is not None  # noqa: S101 - membership rows reference existing users
        self._invalidate_membership(access.project_id, user_id, "member.changed")
        return MemberOut(
            user_id=user.id, email=user.email, display_name=user.display_name, role=role
        )

    async def remove_member(self, access: ProjectAccess, user_id: uuid.UUID) -> None:
        await self.lock_as_owner(access)
        membership = await self._membership(access.project_id, user_id)
        if membership.role == Role.owner:
            await self._keep_an_owner(access.project_id)
        self._record(
            access.project_id, access.user_id, "member.removed", user_id, membership.role, None
        )
        await self.session.delete(membership)
        await self.session.flush()
        self._invalidate_membership(access.project_id, user_id, "member.removed")

    async def lock_as_owner(self, access: ProjectAccess) -> None:
        """Serialise membership changes per project (ADR 0088): lock the project row, then
        read again what the checks rely on. Without the lock two owners leaving (or demoting
        each other) at once each count two owners and both go ahead, leaving none. The
        caller's own role is read again too: a concurrent change may have taken it away
        while this request waited for the lock."""
        if not await repository.lock_project(self.session, access.project_id):
            raise NotFound(PROJECT_NOT_FOUND)
        caller = await repository.get_membership_now(
            self.session, access.project_id, access.user_id
        )
        if caller is None:
            raise NotFound(PROJECT_NOT_FOUND)
        if caller.role != Role.owner:
            raise Forbidden("You are not allowed to manage this project (owners only).")

    async def _membership(self, project_id: uuid.UUID, user_id: uuid.UUID) -> Membership:
        membership = await repository.get_membership_now(self.session, project_id, user_id)
        if membership is None:
            raise NotFound("This person is not a member of the project.")
        return membership

    async def _keep_an_owner(self, project_id: uuid.UUID) -> None:
        # Counted under the project lock (lock_as_owner), so no concurrent change slips in.
        if await repository.count_owners(self.session, project_id) <= 1:
            raise Conflict("A project needs at least one owner; make someone else owner first.")
