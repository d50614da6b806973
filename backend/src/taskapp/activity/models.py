from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import DateTime, ForeignKey, Index, String, text
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column

from taskapp.core.db import Base, new_id


class Activity(Base):
    """One change in a project, written in the transaction that made it (ADR 0103): who, what
    kind, when, the task it concerns (if any) and the changed fields' values before and after.
    Rows are only ever inserted; they go with their project."""

    __tablename__ = "activity"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=new_id)
    project_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("projects.id", ondelete="CASCADE"), nullable=False
    )
    # No foreign key: a task's history outlives the task (its deletion is an entry too).
    task_id: Mapped[uuid.UUID | None] = mapped_column()
    actor_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    kind: Mapped[str] = mapped_column(String(40), nullable=False)
    # What the entry is about besides the task: the comment, the attachment, or the member
    # whose membership changed (no foreign key: it may be gone since).
    target_id: Mapped[uuid.UUID | None] = mapped_column()
    # {field: {"before": value, "after": value}}, values as the API shows them.
    changes: Mapped[dict[str, Any]] = mapped_column(
        JSONB, nullable=False, server_default=text("'{}'::jsonb")
    )
    # The clock at the insert, not the transaction's start: entries of one change keep the
    # order they were written in.
    created_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), server_default=text("clock_timestamp()"), nullable=False
    )

    __table_args__ = (
        Index(
            "ix_activity_project_created", "project_id", text("created_at DESC"), text("id DESC")
        ),
        Index(
            "ix_activity_task_created",
            "task_id",
            text("created_at DESC"),
            text("id DESC"),
            postgresql_where=text("task_id IS NOT NULL"),
        ),
    )
