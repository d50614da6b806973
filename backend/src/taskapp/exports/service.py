from __future__ import annotations

import re
import unicodedata
import uuid
from datetime import UTC, date
from typing import NamedTuple
from urllib.parse import quote

from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from taskapp.core.aws import Aws
from taskapp.core.db import after_commit
from taskapp.core.errors import NotFound, ServiceUnavailable
from taskapp.core.settings import Settings
from taskapp.exports import repository
from taskapp.exports.models import ONE_ACTIVE_PER_PROJECT, ExportJob, ExportStatus
from taskapp.exports.queue import publish_job
from taskapp.exports.schemas import ExportOut
from taskapp.projects.dependencies import ProjectAccess
from taskapp.projects.models import Project

EXPORT_NOT_FOUND = "Export not found."
_UNIQUE_VIOLATION = "23505"
# Each lost race means another request's job existed and then finished before we could read
# it: a few rounds are plenty; more means something is wrong, not busy.
_CREATE_ATTEMPTS = 3


def export_key(project_id: uuid.UUID, job_id: uuid.UUID) -> str:
    # Deterministic: a redelivered message overwrites the same object (idempotent).
    return f"exports/{project_id}/{job_id}.csv"


_SLUG_MAX = 60
_FALLBACK_SLUG = "project"


class ExportFilename(NamedTuple):
    ascii: str  # e.g. cafe-ete-tasks-2026-12-01.csv: safe in any header, any file system
    unicode: str  # e.g. café-été-tasks-2026-12-01.csv: the same name keeping its letters


def _slug(text: str, not_allowed: str) -> str:
    slug = re.sub(not_allowed, "-", text.lower()).strip("-")
    return slug[:_SLUG_MAX].rstrip("-")


def export_filename(project_name: str, day: date) -> ExportFilename:
    """The download's name: the project's name as a slug, then the export's day (UTC), e.g.
    `launch-plan-tasks-2026-12-01.csv` (docs/decisions/0082). Letters, digits and dashes only,
    so no quote, slash or line break reaches the Content-Disposition header or a file system."""
    name = unicodedata.normalize("NFC", project_name)
    latin = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    suffix = f"-tasks-{day.isoformat()}.csv"
    ascii_slug = _slug(latin, r"[^a-z0-9]+") or _FALLBACK_SLUG
    unicode_slug = _slug(name, r"[\W_]+") or _FALLBACK_SLUG
    return ExportFilename(ascii_slug + suffix, unicode_slug + suffix)


def content_disposition(name: ExportFilename) -> str:
    """RFC 6266: `filename` for every client, `filename*` (RFC 8187, UTF-8) when the name has
    letters beyond ASCII, which browsers prefer."""
    value = f'attachment; filename="{name.ascii}"'
    if name.unicode != name.ascii:
        value += f"; filename*=UTF-8''{quote(name.unicode, safe='')}"
    return value


def _lost_the_race(exc: IntegrityError) -> bool:
    """A concurrent request's active job won the partial unique index."""
    return getattr(
        exc.orig, "sqlstate", None
    ) == _UNIQUE_VIOLATION and ONE_ACTIVE_PER_PROJECT in str(exc.orig)


class ExportService:
    def __init__(self, session: AsyncSession, aws: Aws, settings: Settings) -> None:
        self.session = session
        self.aws = aws
        self.settings = settings

    async def request(self, access: ProjectAccess) -> ExportOut:
        """The project's active export, or a new one. A new job's message is sent only once
        the job is committed (ADR 0080): a worker can never receive a job it cannot see yet.
        If sending fails, the answer is still 202 with the queued job, which is true: the
        worker's sweep sends it again (`export_requeue_after_seconds`)."""
        if not self.aws.export_queue_url:
            raise ServiceUnavailable("Exports are not configured (no queue).")
        for _ in range(_CREATE_ATTEMPTS):
            active = await repository.get_active(self.session, access.project_id)
            if active is not None:
                return self.describe(active)
            job = ExportJob(project_id=access.project_id, requested_by=access.user_id)
            try:
                async with self.session.begin_nested():
                    self.session.add(job)
            except IntegrityError as exc:
                # Waited for a concurrent request's transaction, which committed its own
                # active job: read it (a new statement sees it) and answer with it.
                if not _lost_the_race(exc):
                    raise
                continue
            await self.session.refresh(job)
            self._publish_after_commit(job.id)
            return self.describe(job)
        raise ServiceUnavailable("The project's exports are changing too fast; try again.")

    def _publish_after_commit(self, job_id: uuid.UUID) -> None:
        aws, timeout = self.aws, self.settings.aws_timeout_seconds

        async def publish() -> None:
            await publish_job(aws, job_id, timeout)

        after_commit(self.session, publish)

    async def get(self, access: ProjectAccess, job_id: uuid.UUID) -> ExportOut:
        job = await self.session.get(ExportJob, job_id)
        if job is None or job.project_id != access.project_id:
            raise NotFound(EXPORT_NOT_FOUND)
        project = await self.session.get(Project, job.project_id)
        return self.describe(job, project.name if project is not None else "")

    def describe(self, job: ExportJob, project_name: str = "") -> ExportOut:
        url = None
        if job.status == ExportStatus.done and job.object_key:
            # Named when signed: after the project's current name and the day the file was
            # written (a done job is not updated again).
            name = export_filename(project_name, job.updated_at.astimezone(UTC).date())
            url = self.aws.s3.generate_presigned_url(
                "get_object",
                Params={
                    "Bucket": self.aws.bucket,
                    "Key": job.object_key,
                    "ResponseContentDisposition": content_disposition(name),
                },
                ExpiresIn=self.settings.presign_ttl_seconds,
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
