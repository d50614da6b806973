from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import DateTime, ForeignKey, Index, String, func, text
from sqlalchemy.dialects.postgresql import ENUM
from sqlalchemy.orm import Mapped, mapped_column

from taskapp.core.db import Base, new_id
from taskapp.projects.models import Role

# An invitation is pending while neither accepted nor revoked (it may have expired meanwhile).
PENDING = "accepted_at IS NULL AND revoked_at IS NULL"


class Invitation(Base):
    """An owner's offer of a role in a project to whoever holds the link and logs in with the
    invited e-mail (ADR 0083). Only the SHA-256 of the link's token is stored."""

    __tablename__ = "invitations"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=new_id)
    # Indexed for the cascade when a project is deleted (the partial index has pending rows only).
    project_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("projects.id", ondelete="CASCADE"), nullable=False, index=True
    )
    # Normalised: trimmed and lower-cased (accounts' e-mails compare case-insensitively).
    email: Mapped[str] = mapped_column(String(320), nullable=False)
    role: Mapped[Role] = mapped_column(
        # The memberships' type (migration 0001); this table only uses it.
        ENUM(
            Role,
            name="project_role",
            values_callable=lambda e: [m.value for m in e],
            create_type=False,
        ),
        nullable=False,
    )
    invited_by: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL")
    )
    token_hash: Mapped[str] = mapped_column(String(64), nullable=False, unique=True)
    created_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now(), nullable=False
    )
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False)
    accepted_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    accepted_by: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL")
    )
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    __table_args__ = (
        # The owners' list and the per-project cap read the pending ones only; one pending
        # invitation per e-mail and project (inviting again replaces it).
        Index(
            "uq_invitations_project_email_pending",
            project_id,
            email,
            unique=True,
            postgresql_where=text(PENDING),
        ),
    )
