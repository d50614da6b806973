from __future__ import annotations

import enum
import uuid
from datetime import datetime
from typing import Annotated

from pydantic import BaseModel, ConfigDict, EmailStr, Field, StringConstraints

from taskapp.projects.models import Role

# As the links carry it: secrets.token_urlsafe, 43 characters today; the bound is loose so a
# longer token later needs no schema change, and tight enough that nothing big is hashed.
URL_SAFE = r"^[A-Za-z0-9_-]+$"


class InvitableRole(enum.StrEnum):
    """The roles an invitation can offer; owners are made by changing a member's role."""

    member = "member"
    viewer = "viewer"


class InvitationCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")
    email: Annotated[EmailStr, Field(max_length=320)]
    role: InvitableRole = InvitableRole.member


class InvitationOut(BaseModel):
    id: uuid.UUID
    email: str = Field(description="The invited address, trimmed and lower-cased.")
    role: Role
    invited_by_name: str | None = Field(
        description="Who invited them (null once that account is gone)."
    )
    created_at: datetime
    expires_at: datetime


class InvitationCreated(BaseModel):
    invitation: InvitationOut
    link: str = Field(
        description=(
            "The app's path that accepts the invitation, `/invitations/<token>`: share it with "
            "the invitee. Shown once; only its hash is stored."
        )
    )


class InvitationList(BaseModel):
    items: list[InvitationOut] = Field(description="Pending invitations, newest first.")


class InvitationToken(BaseModel):
    """The token from the link, in the body (never in a URL the API logs)."""

    model_config = ConfigDict(extra="forbid")
    token: Annotated[str, StringConstraints(min_length=16, max_length=128, pattern=URL_SAFE)]


class InvitationPreview(BaseModel):
    project_name: str
    role: Role
    email: str = Field(description="The address invited: accept while logged in with it.")
    invited_by_name: str | None
    expires_at: datetime
