"""Queries on export jobs."""

from __future__ import annotations

import uuid
from datetime import timedelta

from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from taskapp.exports.models import ACTIVE_STATUSES, ExportJob, ExportStatus

_SWEEP_BATCH = 500


async def get_active(session: AsyncSession, project_id: uuid.UUID) -> ExportJob | None:
    """The project's queued or running export, if any (there is at most one)."""
    result = await session.scalars(
        select(ExportJob).where(
            ExportJob.project_id == project_id, ExportJob.status.in_(ACTIVE_STATUSES)
        )
    )
    return result.first()


async def fail_overdue(session: AsyncSession, older_than: timedelta, error: str) -> int:
    """Fail the active jobs requested longer ago than `older_than`; how many."""
    result = await session.execute(
        update(ExportJob)
        .where(
            ExportJob.status.in_(ACTIVE_STATUSES),
            ExportJob.created_at < func.now() - older_than,
        )
        .values(status=ExportStatus.failed, error=error[:500])
        .returning(ExportJob.id)
    )
    return len(result.all())


async def claim_stale_queued(session: AsyncSession, older_than: timedelta) -> list[uuid.UUID]:
    """The jobs queued and untouched for longer than `older_than`, touched now so that the next
    sweep leaves them alone for as long again (skipping rows another sweeper holds)."""
    stale = (
        select(ExportJob.id)
        .where(
            ExportJob.status == ExportStatus.queued,
            ExportJob.updated_at < func.now() - older_than,
        )
        .order_by(ExportJob.updated_at)
        .limit(_SWEEP_BATCH)
        .with_for_update(skip_locked=True)
    )
    result = await session.execute(
        update(ExportJob)
        .where(ExportJob.id.in_(stale))
        .values(updated_at=func.now())
        .returning(ExportJob.id)
    )
    return list(result.scalars())
