from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any
from urllib.parse import quote

from botocore.exceptions import ClientError
from sqlalchemy import func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from taskapp.activity import repository as activity
from taskapp.attachments.expiry import pending_lifetime
from taskapp.attachments.models import Attachment, AttachmentStatus
from taskapp.attachments.schemas import (
    AttachmentCreate,
    AttachmentOut,
    DownloadLink,
    PresignedPost,
    UploadTicket,
)
from taskapp.attachments.storage import delete_objects, object_key, pending_object_key
from taskapp.core.aws import Aws, client_error_code
from taskapp.core.db import after_commit
from taskapp.core.errors import Conflict, NotFound, PayloadTooLarge, ValidationFailed
from taskapp.core.settings import Settings
from taskapp.projects.dependencies import ProjectAccess
from taskapp.tasks import repository as tasks

MAX_ATTACHMENTS_PER_TASK = 50
ATTACHMENT_NOT_FOUND = "Attachment not found."
_MISSING = frozenset({"404", "NoSuchKey", "NotFound"})
_CHANGED = frozenset({"412", "PreconditionFailed"})


def attachment_out(attachment: Attachment) -> AttachmentOut:
    return AttachmentOut(
        id=attachment.id,
        task_id=attachment.task_id,
        filename=attachment.filename,
        content_type=attachment.content_type,
        size_bytes=attachment.size_bytes,
        status=attachment.status,
        created_at=attachment.created_at,
    )


class AttachmentService:
    def __init__(self, session: AsyncSession, aws: Aws, settings: Settings) -> None:
        self.session = session
        self.aws = aws
        self.settings = settings

    async def start_upload(
        self, access: ProjectAccess, task_id: uuid.UUID, data: AttachmentCreate
    ) -> UploadTicket:
        if await tasks.get_task(self.session, access.project_id, task_id) is None:
            raise NotFound("Task not found.")
        if data.size_bytes > self.settings.attachment_max_bytes:
            raise PayloadTooLarge(
                f"Files can be at most {self.settings.attachment_max_bytes} bytes."
            )
        if data.content_type not in self.settings.attachment_content_types:
            raise ValidationFailed(
                "This file type is not accepted.",
                details={"accepted": self.settings.attachment_content_types},
            )
        # Pending uploads past their lifetime do not count (the worker's sweep deletes them).
        existing = await self.session.scalar(
            select(func.count())
            .select_from(Attachment)
            .where(
                Attachment.task_id == task_id,
                or_(
                    Attachment.status == AttachmentStatus.ready,
                    Attachment.created_at >= func.now() - pending_lifetime(self.settings),
                ),
            )
        )
        if (existing or 0) >= MAX_ATTACHMENTS_PER_TASK:
            raise Conflict(f"A task can have at most {MAX_ATTACHMENTS_PER_TASK} attachments.")
        attachment = Attachment(
            id=uuid.uuid4(),
            project_id=access.project_id,
            task_id=task_id,
            filename=data.filename,
            content_type=data.content_type,
            size_bytes=data.size_bytes,
            uploaded_by=access.user_id,
        )
        attachment.object_key = pending_object_key(access.project_id, task_id, attachment.id)
        self.session.add(attachment)
        await self.session.flush()
        await self.session.refresh(attachment)
        ttl = self.settings.presign_ttl_seconds
        # Real S3 enforces the conditions: exact size, exact content type, this key only,
        # expiry (the emulator enforces none: ADR 0081). The confirm step checks size and type
        # again, everywhere.
        post = self.aws.s3.generate_presigned_post(
            Bucket=self.aws.bucket,
            Key=attachment.object_key,
            Fields={"Content-Type": data.content_type},
            Conditions=[
                {"Content-Type": data.content_type},
                ["content-length-range", data.size_bytes, data.size_bytes],
            ],
            ExpiresIn=ttl,
        )
        return UploadTicket(
            attachment=attachment_out(attachment),
            upload=PresignedPost(url=post["url"], fields=post["fields"], expires_in=ttl),
        )

    async def confirm(
        self, access: ProjectAccess, task_id: uuid.UUID, attachment_id: uuid.UUID
    ) -> Attachment:
        """Check the uploaded object against what was declared (size and content type), move it
        out of the pending prefix, and make the attachment visible. The row stays locked
        meanwhile, so a concurrent delete waits and then removes the right object."""
        attachment = await self._get(access, task_id, attachment_id, lock=True)
        if attachment.status == AttachmentStatus.ready:
            return attachment
        if attachment.created_at < datetime.now(UTC) - pending_lifetime(self.settings):
            raise Conflict("This upload expired; start a new one.")
        head = await self._head(attachment.object_key)
        problem = _mismatch(head, attachment)
        if problem is not None:
            await delete_objects(self.aws, [attachment.object_key])
            raise Conflict(problem)
        final_key = object_key(attachment.project_id, attachment.task_id, attachment.id)
        # Uploads started before the pending prefix existed are at their final key already.
        if attachment.object_key != final_key:
            uploaded_key = attachment.object_key
            await self._copy(uploaded_key, final_key, head.get("ETag"))
            attachment.object_key = final_key

            async def remove_upload() -> None:
                # Best effort: the lifecycle rule expires whatever is left under the prefix.
                await delete_objects(self.aws, [uploaded_key])

            after_commit(self.session, remove_upload)
        attachment.status = AttachmentStatus.ready
        await self.session.flush()
        # Added once visible: an upload never confirmed was never on the task.
        activity.record(
            self.session,
            access.project_id,
            access.user_id,
            "attachment.added",
            task_id=task_id,
            target_id=attachment.id,
            changes={"filename": activity.change(None, attachment.filename)},
        )
        return attachment

    async def _head(self, key: str) -> Any:
        try:
            return await self.aws.call(self.aws.s3.head_object, Bucket=self.aws.bucket, Key=key)
        except ClientError as exc:
            if client_error_code(exc) in _MISSING:
                raise Conflict(
                    "The file has not been uploaded yet; upload it, then confirm."
                ) from exc
            raise

    async def _copy(self, source: str, target: str, etag: str | None) -> None:
        """Copy exactly the object that was checked (If-Match on its ETag, which real S3
        enforces), server-side. If the commit then fails, the row stays pending and a second
        confirm copies again onto the same key."""
        condition = {"CopySourceIfMatch": etag} if etag else {}
        try:
            await self.aws.call(
                self.aws.s3.copy_object,
                Bucket=self.aws.bucket,
                Key=target,
                CopySource={"Bucket": self.aws.bucket, "Key": source},
                MetadataDirective="COPY",
                **condition,
            )
        except ClientError as exc:
            if client_error_code(exc) in _CHANGED:
                raise Conflict("The file changed while it was confirmed; confirm again.") from exc
            if client_error_code(exc) in _MISSING:
                raise Conflict(
                    "The file has not been uploaded yet; upload it, then confirm."
                ) from exc
            raise

    async def list_ready(self, access: ProjectAccess, task_id: uuid.UUID) -> list[Attachment]:
        if await tasks.get_task(self.session, access.project_id, task_id) is None:
            raise NotFound("Task not found.")
        result = await self.session.execute(
            select(Attachment)
            .where(
                Attachment.project_id == access.project_id,
                Attachment.task_id == task_id,
                Attachment.status == AttachmentStatus.ready,
            )
            .order_by(Attachment.created_at, Attachment.id)
        )
        return list(result.scalars())

    async def download_link(
        self, access: ProjectAccess, task_id: uuid.UUID, attachment_id: uuid.UUID
    ) -> DownloadLink:
        attachment = await self._get(access, task_id, attachment_id)
        if attachment.status != AttachmentStatus.ready:
            raise Conflict("The upload of this file was not confirmed.")
        ttl = self.settings.presign_ttl_seconds
        disposition = f"attachment; filename*=UTF-8''{quote(attachment.filename, safe='')}"
        url = self.aws.s3.generate_presigned_url(
            "get_object",
            Params={
                "Bucket": self.aws.bucket,
                "Key": attachment.object_key,
                "ResponseContentDisposition": disposition,
                "ResponseContentType": attachment.content_type,
            },
            ExpiresIn=ttl,
        )
        return DownloadLink(url=url, expires_in=ttl)

    async def delete(
        self, access: ProjectAccess, task_id: uuid.UUID, attachment_id: uuid.UUID
    ) -> None:
        attachment = await self._get(access, task_id, attachment_id, lock=True)
        key = attachment.object_key
        if attachment.status == AttachmentStatus.ready:
            activity.record(
                self.session,
                access.project_id,
                access.user_id,
                "attachment.deleted",
                task_id=task_id,
                target_id=attachment.id,
                changes={"filename": activity.change(attachment.filename, None)},
            )
        await self.session.delete(attachment)
        await self.session.flush()

        async def remove_object() -> None:
            await delete_objects(self.aws, [key])

        after_commit(self.session, remove_object)

    async def _get(
        self,
        access: ProjectAccess,
        task_id: uuid.UUID,
        attachment_id: uuid.UUID,
        *,
        lock: bool = False,
    ) -> Attachment:
        attachment = await self.session.get(
            Attachment, attachment_id, with_for_update=True if lock else None
        )
        if (
            attachment is None
            or attachment.project_id != access.project_id
            or attachment.task_id != task_id
        ):
            raise NotFound(ATTACHMENT_NOT_FOUND)
        return attachment


def _mismatch(head: Any, attachment: Attachment) -> str | None:
    """What differs between the stored object and the declaration, if anything."""
    if head.get("ContentLength") != attachment.size_bytes:
        return "The uploaded file's size differs from the one declared; upload again."
    if head.get("ContentType") != attachment.content_type:
        return "The uploaded file's content type differs from the one declared; upload again."
    return None
