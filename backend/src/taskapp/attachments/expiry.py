"""Pending uploads expire: an upload URL that was issued but never confirmed stops counting
against the task's cap, cannot be confirmed, and its row is deleted by the worker's sweep. Its
object, under the pending prefix, is expired by the bucket's lifecycle rule (ADR 0081)."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import delete, func
from sqlalchemy.ext.asyncio import AsyncSession

from taskapp.attachments.models import Attachment, AttachmentStatus
from taskapp.core.settings import Settings


def pending_lifetime(settings: Settings) -> timedelta:
    """How long a pending upload lives: never shorter than its upload URL."""
    return timedelta(
        seconds=max(settings.attachment_pending_expiry_seconds, settings.presign_ttl_seconds)
    )


async def delete_expired_pending(session: AsyncSession, lifetime: timedelta) -> int:
    """Delete the pending uploads older than `lifetime`; how many."""
    result = await session.execute(
        delete(Attachment)
        .where(
            Attachment.status == AttachmentStatus.pending,
            Attachment.created_at < func.now() - lifetime,
        )
        .returning(Attachment.id)
    )
    return len(result.all())
