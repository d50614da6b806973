"""The worker's periodic sweep (ADR 0080, 0081): what no message will finish by itself.

- Jobs queued for longer than `export_requeue_after_seconds` get their message again: the
  send after the commit may have failed (the API answered 202 anyway), or the message went to
  the dead-letter queue. A redelivery is harmless (the worker skips finished jobs).
- Jobs still queued or running `export_fail_after_seconds` after they were requested are
  failed, so every accepted job ends `done` or `failed` and the project may export again.
- Pending attachment uploads past their lifetime are deleted (their objects expire in S3).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import timedelta

from taskapp.attachments.expiry import delete_expired_pending, pending_lifetime
from taskapp.core.aws import Aws
from taskapp.core.db import Database
from taskapp.core.settings import Settings
from taskapp.exports import repository
from taskapp.exports.queue import publish_job

logger = logging.getLogger("taskapp.worker")
OVERDUE_ERROR = "The export was not processed in time; request it again."


@dataclass(frozen=True)
class SweepReport:
    failed: int  # export jobs given up on
    requeued: int  # export jobs whose message was sent again ...
    unsent: int  # ... of which were not sent (tried again one requeue threshold later)
    expired_uploads: int  # pending attachment rows deleted


async def sweep(database: Database, aws: Aws, settings: Settings) -> SweepReport:
    async with database.transaction() as session:
        failed = await repository.fail_overdue(
            session, timedelta(seconds=settings.export_fail_after_seconds), OVERDUE_ERROR
        )
    # Claimed (touched) in one transaction, published after its commit: a job is never
    # published before a worker can see it, and a failed publish waits for the next round.
    async with database.transaction() as session:
        stale = await repository.claim_stale_queued(
            session, timedelta(seconds=settings.export_requeue_after_seconds)
        )
    unsent = 0
    for sent, job_id in enumerate(stale):
        if not await publish_job(aws, job_id, settings.aws_timeout_seconds):
            # The queue is probably down: stop here rather than wait out a timeout per job.
            # These jobs were touched, so they are tried again one threshold from now.
            unsent = len(stale) - sent
            break
    async with database.transaction() as session:
        expired = await delete_expired_pending(session, pending_lifetime(settings))
    report = SweepReport(failed, len(stale), unsent, expired)
    if failed or stale or expired:
        # Failing jobs or resending messages means something went wrong upstream.
        logger.log(logging.WARNING if failed or stale else logging.INFO, "sweep: %s", report)
    return report
