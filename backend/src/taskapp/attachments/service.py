from __future__ import annotations

import uuid
from urllib.parse import quote

from botocore.exceptions import ClientError
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from taskapp.attachments.models import Attachment, AttachmentStatus
from taskapp.attachments.schemas import (
    AttachmentCreate,
    AttachmentOut,
    DownloadLink,
    PresignedPost,
    UploadTicket,
)
from taskapp.attachments.storage import delete_objects, object_key
from taskapp.core.aws import Aws, client_error_code
from taskapp.core.db import after_commit
from taskapp.core.errors import Conflict, NotFound, PayloadTooLarge, ValidationFailed
from taskapp.core.settings import Settings
from taskapp.projects.dependencies import ProjectAccess
from taskapp.tasks import repository as tasks

MAX_ATTACHMENTS_PER_TASK = 50
ATTACHMENT_NOT_FOUND = "Attachment not found."


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
        existing = await self.session.scalar(
            select(func.count()).select_from(Attachment).where(Attachment.task_id == task_id)
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
        attachment.object_key = object_key(access.project_id, task_id, attachment.id)
        self.session.add(attachment)
        await self.session.flush()
        await self.session.refresh(attachment)
        ttl = self.settings.presign_ttl_seconds
        # S3 enforces the conditions: exact size, exact content type, this key only, expiry.
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
        attachment = await self._get(access, task_id, attachment_id)
        if attachment.status == AttachmentStatus.ready:
            return attachment
        try:
            head = await self.aws.call(
                self.aws.s3.head_object, Bucket=self.aws.bucket, Key=attachment.object_key
            )
        except ClientError as exc:
            if client_error_code(exc) in {"404", "NoSuchKey", "NotFound"}:
                raise Conflict(
                    "The file has not been uploaded yet; upload it, then confirm."
                ) from exc
            raise
        if head.get("ContentLength") != attachment.size_bytes:
            await delete_objects(self.aws, [attachment.object_key])
            raise Conflict("The uploaded file's size differs from the one declared; upload again.")
        attachment.status = AttachmentStatus.ready
        await self.session.flush()
        return attachment

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
        attachment = await self._get(access, task_id, attachment_id)
        key = attachment.object_key
        await self.session.delete(attachment)
        await self.session.flush()

        async def remove_object() -> None:
            await delete_objects(self.aws, [key])

        after_commit(self.session, remove_object)

    async def _get(
        self, access: ProjectAccess, task_id: uuid.UUID, attachment_id: uuid.UUID
    ) -> Attachment:
        attachment = await self.session.get(Attachment, attachment_id)
        if (
            attachment is None
            or attachment.project_id != access.project_id
            or attachment.task_id != task_id
        ):
            raise NotFound(ATTACHMENT_NOT_FOUND)
        return attachment
