"""How an invitation link reaches the invitee. Locally (and wherever SES is not set up) the
link is written to the API log and returned to the inviting owner, who copies it (ADR 0083);
with APP_EMAIL_FROM_ADDRESS the API e-mails it through SES (ADR 0105)."""

from __future__ import annotations

import logging
import re
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Annotated, Any, Protocol

from fastapi import Depends, Request

from taskapp.core.aws import Aws
from taskapp.core.settings import Settings
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


_CONTROL = re.compile(r"[\x00-\x1f\x7f]+")


def _plain(text: str, limit: int = 120) -> str:
    """One line of someone's text, for a subject or a sentence (no line breaks smuggled in)."""
    line = _CONTROL.sub(" ", text).strip()
    return line if len(line) <= limit else line[: limit - 1] + "…"


class SesInvitationSender:
    """E-mails the link through SES v2 (ADR 0105), as plain text, from the one address the
    task role may send from, with the configuration set (TLS required, bounces suppressed)."""

    def __init__(
        self, aws: Aws, from_address: str, configuration_set: str | None, public_app_url: str
    ) -> None:
        self.aws = aws
        self.from_address = from_address
        self.configuration_set = configuration_set
        self.base = public_app_url.rstrip("/")

    def content(self, message: InvitationMessage) -> tuple[str, str]:
        """The subject and the body of the e-mail for `message`."""
        inviter = _plain(message.inviter_name) or "Someone"
        project = _plain(message.project_name)
        subject = f"{inviter} invited you to {project}"
        expires = message.expires_at.astimezone(UTC).strftime("%Y-%m-%d %H:%M UTC")
        body = (
            f'{inviter} invited you to join the project "{project}" as a '
            f"{message.role.value}.\n\n"
            f"Open this link to accept. It works once, until {expires}:\n"
            f"{self.base}{message.link}\n\n"
            "Sign up or log in with this e-mail address to join. If you did not expect this "
            "invitation, ignore this e-mail: nothing happens until the link is opened.\n"
        )
        return subject, body

    async def send(self, message: InvitationMessage) -> None:
        subject, body = self.content(message)
        request: dict[str, Any] = {
            "FromEmailAddress": self.from_address,
            "Destination": {"ToAddresses": [message.email]},
            "Content": {
                "Simple": {
                    "Subject": {"Data": subject, "Charset": "UTF-8"},
                    "Body": {"Text": {"Data": body, "Charset": "UTF-8"}},
                }
            },
        }
        if self.configuration_set is not None:
            request["ConfigurationSetName"] = self.configuration_set
        result = await self.aws.call(self.aws.ses.send_email, **request)
        logger.info(
            "invitation e-mailed",
            extra={
                "invitation_id": str(message.invitation_id),
                "project_id": str(message.project_id),
                "ses_message_id": result.get("MessageId"),
            },
        )


def invitation_sender(settings: Settings, aws: Aws) -> InvitationSender:
    """SES when an address to send from is set, else the copy-link flow."""
    if settings.email_from_address is None or settings.public_app_url is None:
        return LogInvitationSender(settings.public_app_url)
    return SesInvitationSender(
        aws, settings.email_from_address, settings.email_configuration_set, settings.public_app_url
    )


async def get_invitation_sender(request: Request) -> InvitationSender:
    sender: InvitationSender = request.app.state.invitation_sender
    return sender


InvitationSenderDep = Annotated[InvitationSender, Depends(get_invitation_sender)]
