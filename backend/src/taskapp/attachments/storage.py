"""Where attachment objects live in S3, and their clean-up."""

from __future__ import annotations

import logging
import uuid

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from taskapp.attachments.models import Attachment
from taskapp.core.aws import Aws

logger = logging.getLogger("taskapp.attachments")
_DELETE_BATCH = 1000  # S3 DeleteObjects limit
# Browsers upload here; a confirmed file is copied to its own key and the upload deleted. The
# bucket's lifecycle rule expires whatever is left under this prefix (never confirmed, or its
# deletion failed): infra/modules/storage `pending_uploads_prefix`, ops provision (ADR 0081).
PENDING_PREFIX = "pending-uploads/"


def object_key(project_id: uuid.UUID, task_id: uuid.UUID, attachment_id: uuid.UUID) -> str:
    """Where a confirmed attachment lives. No user-supplied text in keys: the filename lives in
    the database only."""
    return f"projects/{project_id}/tasks/{task_id}/attachments/{attachment_id}"


def pending_object_key(project_id: uuid.UUID, task_id: uuid.UUID, attachment_id: uuid.UUID) -> str:
    """Where the browser uploads it, until it is confirmed."""
    return f"{PENDING_PREFIX}{project_id}/{task_id}/{attachment_id}"


# `Attachment.object_key` is where the object is now: the pending key until it is confirmed.
async def object_keys_for_project(session: AsyncSession, project_id: uuid.UUID) -> list[str]:
    result = await session.execute(
        select(Attachment.object_key).where(Attachment.project_id == project_id)
    )
    return list(result.scalars())


async def object_keys_for_task(
    session: AsyncSession, project_id: uuid.UUID, task_id: uuid.UUID
) -> list[str]:
    result = await session.execute(
        select(Attachment.object_key).where(
            Attachment.project_id == project_id, Attachment.task_id == task_id
        )
    )
    return list(result.scalars())


async def delete_objects(aws: Aws, keys: list[str]) -> None:
    """Best effort after the rows are gone: a failure leaves an orphan object (reported in
    the log), never a row pointing at a missing object."""
    for start in range(0, len(keys), _DELETE_BATCH):
        batch = keys[start : start + _DELETE_BATCH]
        try:
            await aws.call(
                aws.s3.delete_objects,
                Bucket=aws.bucket,
                Delete={"Objects": [{"Key": key} for key in batch], "Quiet": True},
            )
        except Exception:
            logger.exception("could not delete %d attachment objects", len(batch))
