"""The export queue's message: one per job, sent only once the job is committed (ADR 0080)."""

from __future__ import annotations

import logging
import uuid

import anyio
import anyio.to_thread
import orjson

from taskapp.core.aws import Aws

logger = logging.getLogger("taskapp.exports")


def message_body(job_id: uuid.UUID) -> str:
    return orjson.dumps({"job_id": str(job_id)}).decode()


async def publish_job(aws: Aws, job_id: uuid.UUID, timeout_seconds: float) -> bool:
    """Send the job's message; True once SQS has it. Never raises: a job whose message could not
    be sent stays `queued` and the worker's sweep publishes it again, so the caller's answer
    (202, the job exists) stays true.

    Bounded by `timeout_seconds` whatever boto3 does (its SQS read timeout is long enough for
    long polls, and it retries): on timeout the call is abandoned in its thread and, if it
    lands after all, the job gets a second message, which the worker handles as a redelivery."""
    queue_url = aws.export_queue_url
    if not queue_url:
        return False
    body = message_body(job_id)

    def send() -> None:
        aws.sqs.send_message(QueueUrl=queue_url, MessageBody=body)

    try:
        with anyio.fail_after(timeout_seconds):
            await anyio.to_thread.run_sync(send, abandon_on_cancel=True)
    except Exception:
        logger.warning("export %s: message not sent; the sweep will send it", job_id, exc_info=True)
        return False
    return True
