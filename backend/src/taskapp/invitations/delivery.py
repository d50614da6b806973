"""How an invitation link reaches the invitee. Locally (and until SES is set up) the link is
written to the API log and returned to the inviting owner, who copies it (ADR 0083); an SES
sender plugs in here later by implementing `InvitationSender`."""

from __future__ import annotations

import logging
import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Annotated, Protocol

from fastapi import Depends, Request

from taskapp.projects.models import Role

logger = logging.getLogger("taskapp.invitations")


@dataclass(frozen=True)
class InvitationMessage:
    """What a sender needs to tell the invitee. `link` is the SPA's path with the token
    (`/invitations/<token>`): the only place the token goes besides the owner's answer."""

    invitation_id: uuid.UUID
    project_id: uuid.UUID
    project_name: str
    inviter_name: str
    email: str
    role: Role
    link: str
    expires_at: datetime


class InvitationSender(Protocol):
    """Delivers an invitation once it is committed. Failing to deliver must not fail the
    invitation: the owner has the link in the answer either way."""

    async def send(self, message: InvitationMessage) -> None: ...


class LogInvitationSender:
    """The copy-link flow: one INFO line with the link (absolute when the app's public address
    is known), for whoever runs the stack locally. No other log line carries the token (the
    accept route takes it in the body)."""

    def __init__(self, public_app_url: str | None = None) -> None:
        self.base = (public_app_url or "").rstrip("/")

    async def send(self, message: InvitationMessage) -> None:
        logger.info(
            "invitation link",
            extra={
                "invitation_id": str(message.invitation_id),
                "project_id": str(message.project_id),
                "link": self.base + message.link,
                "expires_at": message.expires_at.isoformat(),
            },
        )


async def get_invitation_sender(request: Request) -> InvitationSender:
    sender: InvitationSender = request.app.state.invitation_sender
    return sender


InvitationSenderDep = Annotated[InvitationSender, Depends(get_invitation_sender)]
