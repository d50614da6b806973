from __future__ import annotations

import enum
import uuid

from sqlalchemy import Enum, ForeignKey, Index, Integer, String, text
from sqlalchemy.orm import Mapped, mapped_column

from taskapp.core.db import Base, TimestampMixin, new_id


class ExportStatus(enum.StrEnum):
    queued = "queued"
    running = "running"
    done = "done"
    failed = "failed"


# A job in one of these states is "active": a project has at most one (ADR 0080).
ACTIVE_STATUSES = (ExportStatus.queued, ExportStatus.running)
# The partial unique index that enforces it; a losing concurrent insert names it in its error.
ONE_ACTIVE_PER_PROJECT = "uq_export_jobs_project_active"


class ExportJob(TimestampMixin, Base):
    __tablename__ = "export_jobs"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=new_id)
    project_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("projects.id", ondelete="CASCADE"), nullable=False
    )
    requested_by: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL")
    )
    status: Mapped[ExportStatus] = mapped_column(
        Enum(ExportStatus, name="export_status", values_callable=lambda e: [m.value for m in e]),
        nullable=False,
        default=ExportStatus.queued,
    )
    object_key: Mapped[str | None] = mapped_column(String(512))
    row_count: Mapped[int | None] = mapped_column(Integer)
    error: Mapped[str | None] = mapped_column(String(500))

    __table_args__ = (
        Index("ix_export_jobs_project", "project_id", "created_at"),
        Index(
            ONE_ACTIVE_PER_PROJECT,
            "project_id",
            unique=True,
            postgresql_where=text("status IN ('queued', 'running')"),
        ),
    )
