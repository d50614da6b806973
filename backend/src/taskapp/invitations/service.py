"""Invitations (ADR 0083): an owner invites an e-mail address with a role; whoever holds the
link and is logged in with that address becomes a member. The answer to an invitation never
depends on whether an account uses the address, so it tells nobody which ones do."""

from __future__ import annotations

import hashlib
import logging
import secrets
import uuid
from datetime import UTC, datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from taskapp.auth import repository as users
from taskapp.core.cache import Cache
from taskapp.core.db import after_commit
from taskapp.core.errors import Conflict, Forbidden, Gone, NotFound
from taskapp.core.ratelimit import RateLimiter
from taskapp.core.settings import Settings
from taskapp.events.hub import EventHub
from taskapp.invitations import repository
from taskapp.invitations.delivery import InvitationMessage, InvitationSender
from taskapp.invitations.models import Invitation
from taskapp.invitations.schemas import (
    InvitationCreate,
    InvitationCreated,
    InvitationList,
    InvitationOut,
    InvitationPreview,
)
from taskapp.projects import repository as project_repository
from taskapp.projects.dependencies import ProjectAccess
from taskapp.projects.models import Role
from taskapp.projects.schemas import ProjectOut
from taskapp.projects.service import ProjectService

logger = logging.getLogger("taskapp.invitations")

LINK_PREFIX = "/invitations/"
INVALID_LINK = "This invitation link is not valid; check that you copied all of it."


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def normalise_email(email: str) -> str:
    return email.strip().lower()


def _out(invitation: Invitation, inviter_name: str | None) -> InvitationOut:
    return InvitationOut(
        id=invitation.id,
        email=invitation.email,
        role=invitation.role,
        invited_by_name=inviter_name,
        created_at=invitation.created_at,
        expires_at=invitation.expires_at,
    )


class InvitationService:
    def __init__(
        self,
        session: AsyncSession,
        cache: Cache,
        settings: Settings,
        limiter: RateLimiter,
        sender: InvitationSender,
        events: EventHub,
    ) -> None:
        self.session = session
        self.settings = settings
        self.limiter = limiter
        self.sender = sender
        self.projects = ProjectService(session, cache, events)

    async def invite(self, access: ProjectAccess, data: InvitationCreate) -> InvitationCreated:
        await self.limiter.hit(
            "invitations", str(access.user_id), self.settings.rate_limit_invitations_per_user
        )
        # Under the project lock (ADR 0088): the caller is still an owner, and the "already a
        # member", replacement and cap checks hold until the commit.
        await self.projects.lock_as_owner(access)
        email = normalise_email(str(data.email))
        if await repository.is_member_by_email(self.session, access.project_id, email):
            raise Conflict("Someone with this e-mail is already a member of the project.")
        now = datetime.now(UTC)
        # Inviting again replaces the pending invitation (and its link).
        await repository.revoke_pending(self.session, access.project_id, now, email=email)
        cap = self.settings.invitations_pending_per_project
        if await repository.count_pending(self.session, access.project_id, now) >= cap:
            raise Conflict(
                f"This project already has {cap} pending invitations; revoke some, or wait "
                "for them to be accepted or to expire."
            )
        token = secrets.token_urlsafe(32)
        invitation = Invitation(
            project_id=access.project_id,
            email=email,
            role=Role(data.role.value),
            invited_by=access.user_id,
            token_hash=hash_token(token),
            created_at=now,
            expires_at=now + timedelta(seconds=self.settings.invitation_ttl_seconds),
        )
        self.session.add(invitation)
        await self.session.flush()
        inviter = await users.get_user(self.session, access.user_id)
        project = await self.projects.get(access)
        inviter_name = inviter.display_name if inviter else None
        link = LINK_PREFIX + token
        message = InvitationMessage(
            invitation_id=invitation.id,
            project_id=access.project_id,
            project_name=project.name,
            inviter_name=inviter_name or "",
            email=email,
            role=invitation.role,
            link=link,
            expires_at=invitation.expires_at,
        )

        async def deliver() -> None:
            # After the commit: no link goes out for an invitation that was rolled back. A
            # failed delivery is logged (without the link) and the owner still has the link.
            try:
                await self.sender.send(message)
            except Exception:
                logger.exception(
                    "invitation delivery failed", extra={"invitation_id": str(invitation.id)}
                )

        after_commit(self.session, deliver)
        return InvitationCreated(invitation=_out(invitation, inviter_name), link=link)

    async def list_pending(self, access: ProjectAccess) -> InvitationList:
        rows = await repository.list_pending(self.session, access.project_id, datetime.now(UTC))
        return InvitationList(items=[_out(invitation, name) for invitation, name in rows])

    async def revoke(self, access: ProjectAccess, invitation_id: uuid.UUID) -> None:
        await self.projects.lock_as_owner(access)
        revoked = await repository.revoke_pending(
            self.session, access.project_id, datetime.now(UTC), invitation_id=invitation_id
        )
        if not revoked:
            raise NotFound("No pending invitation with this id in the project.")

    async def preview(self, token: str) -> InvitationPreview:
        invitation = self._usable(
            await repository.get_by_token_hash(self.session, hash_token(token))
        )
        project = await project_repository.get_project(self.session, invitation.project_id)
        if project is None:  # deleted since: its invitations go with it, this is a race
            raise NotFound(INVALID_LINK)
        inviter = None
        if invitation.invited_by is not None:
            inviter = await users.get_user(self.session, invitation.invited_by)
        return InvitationPreview(
            project_name=project.name,
            role=invitation.role,
            email=invitation.email,
            invited_by_name=inviter.display_name if inviter else None,
            expires_at=invitation.expires_at,
        )

    async def accept(self, user_id: uuid.UUID, token: str) -> ProjectOut:
        token_hash = hash_token(token)
        found = self._usable(await repository.get_by_token_hash(self.session, token_hash))
        # Locks in the order every membership change takes them: the project, then the
        # invitation (read again: a concurrent accept or revoke may have got there first).
        await self.projects.lock(found.project_id)
        invitation = self._usable(
            await repository.get_by_token_hash(self.session, token_hash, for_update=True)
        )
        user = await users.get_user(self.session, user_id)
        if user is None or normalise_email(user.email) != invitation.email:
            raise Forbidden(
                f"This invitation is for {invitation.email}; log in with that account to "
                "accept it (or sign up with that address)."
            )
        project = await self.projects.join(invitation.project_id, user_id, invitation.role)
        invitation.accepted_at = datetime.now(UTC)
        invitation.accepted_by = user_id
        await self.session.flush()
        return project

    @staticmethod
    def _usable(invitation: Invitation | None) -> Invitation:
        if invitation is None:
            raise NotFound(INVALID_LINK)
        if invitation.revoked_at is not None:
            raise Gone("This invitation was withdrawn; ask the project's owner for a new one.")
        if invitation.accepted_at is not None:
            raise Gone("This invitation has already been used; each link works once.")
        if invitation.expires_at <= datetime.now(UTC):
            raise Gone("This invitation has expired; ask the project's owner for a new one.")
        return invitation
