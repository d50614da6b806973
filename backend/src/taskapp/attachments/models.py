from __future__ import annotations

import enum
import uuid
from datetime import datetime

from sqlalchemy import BigInteger, DateTime, Enum, ForeignKey, Index, String, func, text
from sqlalchemy.orm import Mapped, mapped_column

from taskapp.core.db import Base, new_id


class AttachmentStatus(enum.StrEnum):
    pending = "pending"  # upload URL issued, object not confirmed yet
    ready = "ready"


class Attachment(Base):
    __tablename__ = "attachments"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=new_id)
    project_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("projects.id", ondelete="CASCADE"), nullable=False
    )
    task_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("tasks.id", ondelete="CASCADE"), nullable=False
    )
    object_key: Mapped[str] = mapped_column(String(512), nullable=False, unique=True)
    filename: Mapped[str] = mapped_column(String(255), nullable=False)
    content_type: Mapped[str] = mapped_column(String(127), nullable=False)
    size_bytes: Mapped[int] = mapped_column(BigInteger, nullable=False)
    status: Mapped[AttachmentStatus] = mapped_column(
        Enum(
            AttachmentStatus,
            name="attachment_status",
            values_callable=lambda e: [m.value for m in e],
        ),
        nullable=False,
        default=AttachmentStatus.pending,
    )
    uploaded_by: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL")
    )
    created_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now(), nullable=False
    )

    __table_args__ = (
        Index("ix_attachments_task", "task_id", "created_at"),
        Index("ix_attachments_project", "project_id"),
        # The worker's sweep finds expired pending uploads by age (attachments/expiry.py).
        Index(
            "ix_attachments_pending_created",
            "created_at",
            postgresql_where=text("status = 'pending'"),
        ),
    )
