"""The export worker: a second process (its own ECS service in AWS) that turns queued export
jobs into CSV files in S3. Safe on redelivery: a finished job is acknowledged and skipped, and
the object key is fixed per job, so a retry overwrites rather than duplicates.

A message whose job the worker cannot see is never acknowledged (ADR 0080): it comes back after
`unseen_retry_seconds`, and after the queue's maxReceiveCount receives SQS moves it to the
dead-letter queue. Between polls, the worker sweeps (exports/sweep.py) what no message will
finish: jobs whose message was lost, jobs far too old, expired pending uploads."""

from __future__ import annotations

import asyncio
import logging
import signal
import tempfile
import uuid
from typing import Any

import orjson
from sqlalchemy import and_, select
from sqlalchemy.ext.asyncio import AsyncSession

from taskapp.auth.models import User
from taskapp.core.aws import Aws
from taskapp.core.db import Database
from taskapp.core.settings import Settings
from taskapp.exports.csv_writer import TaskCsvWriter, TaskRow
from taskapp.exports.models import ExportJob, ExportStatus
from taskapp.exports.service import export_key
from taskapp.exports.sweep import SweepReport, sweep
from taskapp.projects.models import Membership
from taskapp.tasks.models import Task

logger = logging.getLogger("taskapp.worker")
# Attempts before a failing job is marked failed: at most the queue's maxReceiveCount
# (infra/modules/queue, ops provision), or SQS moves the message to the DLQ first and the job
# waits for the sweep to fail it.
MAX_ATTEMPTS = 5
# A job not visible yet: its request's transaction is still committing (or it was deleted with
# its project). Try again soon rather than after the whole visibility timeout.
UNSEEN_RETRY_SECONDS = 5
_TERMINAL = frozenset({ExportStatus.done, ExportStatus.failed})
# Long-poll length: short enough that SIGTERM (ECS gives 30 s) ends the worker promptly, long
# enough that an idle worker makes few empty receives. At most 20 (SQS's maximum).
POLL_WAIT_SECONDS = 10
_STREAM_BATCH = 1000


class ExportWorker:
    def __init__(
        self,
        settings: Settings,
        database: Database | None = None,
        *,
        unseen_retry_seconds: int = UNSEEN_RETRY_SECONDS,
    ) -> None:
        if not settings.sqs_export_queue_url:
            raise ValueError("APP_SQS_EXPORT_QUEUE_URL is required for the export worker.")
        self.settings = settings
        self.queue_url = settings.sqs_export_queue_url
        self.database = database or Database(settings)
        self.aws = Aws(settings)
        self.unseen_retry_seconds = unseen_retry_seconds
        self.stopping = asyncio.Event()

    async def run(self, wait_seconds: int = POLL_WAIT_SECONDS) -> None:
        logger.info("export worker started")
        loop = asyncio.get_running_loop()
        next_sweep = loop.time()
        while not self.stopping.is_set():
            if loop.time() >= next_sweep:
                try:
                    await self.sweep()
                except Exception:
                    logger.exception("export worker sweep failed; trying again next time")
                next_sweep = loop.time() + self.settings.export_sweep_interval_seconds
            try:
                await self.poll_once(wait_seconds)
            except Exception:
                logger.exception("export worker poll failed; backing off")
                await asyncio.sleep(2)
        logger.info("export worker stopped")

    async def sweep(self) -> SweepReport:
        return await sweep(self.database, self.aws, self.settings)

    async def poll_once(self, wait_seconds: int = POLL_WAIT_SECONDS) -> int:
        response = await self.aws.call(
            self.aws.sqs.receive_message,
            QueueUrl=self.queue_url,
            MaxNumberOfMessages=5,
            WaitTimeSeconds=wait_seconds,
            MessageSystemAttributeNames=["ApproximateReceiveCount"],
        )
        messages = response.get("Messages", [])
        for message in messages:
            await self.handle(message)
        return len(messages)

    async def handle(self, message: Any) -> None:
        attempts = int(message.get("Attributes", {}).get("ApproximateReceiveCount", "1"))
        try:
            job_id = uuid.UUID(orjson.loads(message["Body"])["job_id"])
        except (ValueError, KeyError, TypeError, orjson.JSONDecodeError):
            logger.error("dropping malformed export message")
            await self._acknowledge(message)
            return
        try:
            seen = await self.process(job_id)
        except Exception as exc:
            logger.exception("export %s failed (attempt %d)", job_id, attempts)
            if attempts < MAX_ATTEMPTS:
                return  # left on the queue: it becomes visible again after the timeout
            await self._mark_failed(
                job_id, f"Export failed after {attempts} attempts: {type(exc).__name__}"
            )
        else:
            if not seen:
                logger.warning(
                    "export %s not visible (receive %d); retried later", job_id, attempts
                )
                await self._retry_later(message)
                return
        await self._acknowledge(message)

    async def process(self, job_id: uuid.UUID) -> bool:
        """Run the job unless it is finished already; False if there is no such job (yet)."""
        async with self.database.transaction() as session:
            job = await session.get(ExportJob, job_id, with_for_update=True)
            if job is None:
                return False
            if job.status in _TERMINAL:
                return True
            job.status = ExportStatus.running
            project_id = job.project_id
        key = export_key(project_id, job_id)
        with tempfile.SpooledTemporaryFile(max_size=8 * 1024 * 1024) as buffer:
            async with self.database.transaction() as session:
                rows = await self._write_csv(session, project_id, buffer)
            buffer.seek(0)
            await self.aws.call(
                self.aws.s3.upload_fileobj,
                Fileobj=buffer,
                Bucket=self.aws.bucket,
                Key=key,
                ExtraArgs={"ContentType": "text/csv; charset=utf-8"},
            )
        async with self.database.transaction() as session:
            job = await session.get(ExportJob, job_id, with_for_update=True)
            if job is not None:
                job.status = ExportStatus.done
                job.object_key = key
                job.row_count = rows
                job.error = None
        logger.info("export %s done: %d rows", job_id, rows)
        return True

    async def _write_csv(self, session: AsyncSession, project_id: uuid.UUID, buffer: Any) -> int:
        # The assignee's name and e-mail only while they are a member of the project, as the
        # board names them (docs/decisions/0082): someone who left is not disclosed.
        result = await session.stream(
            select(Task, User.display_name, User.email)
            .outerjoin(
                Membership,
                and_(
                    Membership.project_id == Task.project_id,
                    Membership.user_id == Task.assignee_id,
                ),
            )
            .outerjoin(User, User.id == Membership.user_id)
            .where(Task.project_id == project_id)
            .order_by(Task.created_at, Task.id)
            .execution_options(yield_per=_STREAM_BATCH)
        )
        writer = TaskCsvWriter(buffer)
        async for batch in result.partitions(_STREAM_BATCH):
            writer.write(TaskRow(task, name, email) for task, name, email in batch)
        writer.finish()
        return writer.count

    async def _mark_failed(self, job_id: uuid.UUID, error: str) -> None:
        async with self.database.transaction() as session:
            job = await session.get(ExportJob, job_id)
            if job is not None and job.status != ExportStatus.done:
                job.status = ExportStatus.failed
                job.error = error[:500]

    async def _retry_later(self, message: Any) -> None:
        """Back on the queue soon; if this fails, it comes back after the visibility timeout."""
        try:
            await self.aws.call(
                self.aws.sqs.change_message_visibility,
                QueueUrl=self.queue_url,
                ReceiptHandle=message["ReceiptHandle"],
                VisibilityTimeout=self.unseen_retry_seconds,
            )
        except Exception:
            logger.warning("could not shorten a message's visibility timeout", exc_info=True)

    async def _acknowledge(self, message: Any) -> None:
        await self.aws.call(
            self.aws.sqs.delete_message,
            QueueUrl=self.queue_url,
            ReceiptHandle=message["ReceiptHandle"],
        )

    async def close(self) -> None:
        await self.database.dispose()


async def run_worker(settings: Settings) -> None:
    worker = ExportWorker(settings)
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, worker.stopping.set)
    try:
        await worker.run()
    finally:
        await worker.close()
