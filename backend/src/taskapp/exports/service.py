from __future__ import annotations

import uuid

import orjson
from sqlalchemy.ext.asyncio import AsyncSession

from taskapp.core.aws import Aws
from taskapp.core.errors import NotFound, ServiceUnavailable
from taskapp.exports.models import ExportJob, ExportStatus
from taskapp.exports.schemas import ExportOut
from taskapp.projects.dependencies import ProjectAccess

EXPORT_NOT_FOUND = "Export not found."


def export_key(project_id: uuid.UUID, job_id: uuid.UUID) -> str:
    # Deterministic: a redelivered message overwrites the same object (idempotent).
    return f"exports/{project_id}/{job_id}.csv"


class ExportService:
    def __init__(self, session: AsyncSession, aws: Aws, presign_ttl: int) -> None:
        self.session = session
        self.aws = aws
        self.presign_ttl = presign_ttl

    async def request(self, access: ProjectAccess) -> ExportOut:
        if not self.aws.export_queue_url:
            raise ServiceUnavailable("Exports are not configured (no queue).")
        job = ExportJob(project_id=access.project_id, requested_by=access.user_id)
        self.session.add(job)
        await self.session.flush()
        await self.session.refresh(job)
        # Sent before the commit: if the commit then fails, the worker finds no job and drops
        # the message; the reverse order could leave a job queued forever.
        await self.aws.call(
            self.aws.sqs.send_message,
            QueueUrl=self.aws.export_queue_url,
            MessageBody=orjson.dumps({"job_id": str(job.id)}).decode(),
        )
        return self.describe(job)

    async def get(self, access: ProjectAccess, job_id: uuid.UUID) -> ExportOut:
        job = await self.session.get(ExportJob, job_id)
        if job is None or job.project_id != access.project_id:
            raise NotFound(EXPORT_NOT_FOUND)
        return self.describe(job)

    def describe(self, job: ExportJob) -> ExportOut:
        url = None
        if job.status == ExportStatus.done and job.object_key:
            url = self.aws.s3.generate_presigned_url(
                "get_object",
                Params={
                    "Bucket": self.aws.bucket,
                    "Key": job.object_key,
                    "ResponseContentDisposition": (
                        f'attachment; filename="tasks-{job.project_id}.csv"'
                    ),
                },
                ExpiresIn=self.presign_ttl,
            )
        return ExportOut(
            id=job.id,
            project_id=job.project_id,
            status=job.status,
            row_count=job.row_count,
            error=job.error,
            download_url=url,
            created_at=job.created_at,
            updated_at=job.updated_at,
        )
