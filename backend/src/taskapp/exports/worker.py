"""The export worker: a second process (its own ECS service in AWS) that turns queued export
jobs into CSV files in S3. Safe on redelivery: a finished job is acknowledged and skipped, and
the object key is fixed per job, so a retry overwrites rather than duplicates."""

from __future__ import annotations

import asyncio
import logging
import signal
import tempfile
import uuid
from typing import Any

import orjson
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from taskapp.core.aws import Aws
from taskapp.core.db import Database
from taskapp.core.settings import Settings
from taskapp.exports.csv_writer import TaskCsvWriter
from taskapp.exports.models import ExportJob, ExportStatus
from taskapp.exports.service import export_key
from taskapp.tasks.models import Task

logger = logging.getLogger("taskapp.worker")
MAX_ATTEMPTS = 5
# Long-poll length: short enough that SIGTERM (ECS gives 30 s) ends the worker promptly, long
# enough that an idle worker makes few empty receives. At most 20 (SQS's maximum).
POLL_WAIT_SECONDS = 10
_STREAM_BATCH = 1000


class ExportWorker:
    def __init__(self, settings: Settings, database: Database | None = None) -> None:
        if not settings.sqs_export_queue_url:
            raise ValueError("APP_SQS_EXPORT_QUEUE_URL is required for the export worker.")
        self.settings = settings
        self.queue_url = settings.sqs_export_queue_url
        self.database = database or Database(settings)
        self.aws = Aws(settings)
        self.stopping = asyncio.Event()

    async def run(self, wait_seconds: int = POLL_WAIT_SECONDS) -> None:
        logger.info("export worker started")
        while not self.stopping.is_set():
            try:
                await self.poll_once(wait_seconds)
            except Exception:
                logger.exception("export worker poll failed; backing off")
                await asyncio.sleep(2)
        logger.info("export worker stopped")

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
            await self.process(job_id)
        except Exception as exc:
            logger.exception("export %s failed (attempt %d)", job_id, attempts)
            if attempts < MAX_ATTEMPTS:
                return  # left on the queue: it becomes visible again after the timeout
            await self._mark_failed(
                job_id, f"Export failed after {attempts} attempts: {type(exc).__name__}"
            )
        await self._acknowledge(message)

    async def process(self, job_id: uuid.UUID) -> None:
        async with self.database.transaction() as session:
            job = await session.get(ExportJob, job_id, with_for_update=True)
            if job is None or job.status == ExportStatus.done:
                return
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

    async def _write_csv(self, session: AsyncSession, project_id: uuid.UUID, buffer: Any) -> int:
        result = await session.stream_scalars(
            select(Task)
            .where(Task.project_id == project_id)
            .order_by(Task.created_at, Task.id)
            .execution_options(yield_per=_STREAM_BATCH)
        )
        writer = TaskCsvWriter(buffer)
        async for batch in result.partitions(_STREAM_BATCH):
            writer.write(batch)
        writer.finish()
        return writer.count

    async def _mark_failed(self, job_id: uuid.UUID, error: str) -> None:
        async with self.database.transaction() as session:
            job = await session.get(ExportJob, job_id)
            if job is not None and job.status != ExportStatus.done:
                job.status = ExportStatus.failed
                job.error = error[:500]

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
