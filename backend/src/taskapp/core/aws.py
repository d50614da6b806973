"""AWS clients (S3, SQS, SES). boto3 is synchronous: network calls run in worker threads with
explicit connect/read timeouts and bounded retries. The endpoint URL points at an emulator
locally and is unset in AWS; there is no other difference."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Annotated, Any, TypeVar

import anyio.to_thread
import boto3
from botocore.config import Config
from botocore.exceptions import BotoCoreError, ClientError
from fastapi import Depends, Request

from taskapp.core.errors import ServiceUnavailable
from taskapp.core.resilience import CircuitBreaker
from taskapp.core.settings import Settings

if TYPE_CHECKING:
    from mypy_boto3_s3 import S3Client
    from mypy_boto3_sqs import SQSClient

T = TypeVar("T")
SQS_MAX_WAIT_SECONDS = 20  # the SQS maximum for WaitTimeSeconds


class Aws:
    def __init__(self, settings: Settings) -> None:
        config = Config(
            region_name=settings.aws_region,
            connect_timeout=settings.aws_timeout_seconds,
            read_timeout=settings.aws_timeout_seconds,
            retries={"max_attempts": 3, "mode": "standard"},
            signature_version="s3v4",
            s3={"addressing_style": "path" if settings.aws_endpoint_url else "virtual"},
            max_pool_connections=50,
        )
        session = boto3.session.Session()
        self.s3: S3Client = session.client(
            "s3", endpoint_url=settings.aws_endpoint_url, config=config
        )
        # Long polls wait up to SQS_MAX_WAIT_SECONDS for a message: the read timeout must
        # outlast them, or a message received by a timed-out poll stays invisible.
        sqs_config = config.merge(
            Config(read_timeout=settings.aws_timeout_seconds + SQS_MAX_WAIT_SECONDS)
        )
        self.sqs: SQSClient = session.client(
            "sqs", endpoint_url=settings.aws_endpoint_url, config=sqs_config
        )
        # Invitation e-mail (ADR 0105); only used when APP_EMAIL_FROM_ADDRESS is set.
        self.ses: Any = session.client(
            "sesv2", endpoint_url=settings.aws_endpoint_url, config=config
        )
        self.bucket = settings.s3_bucket
        self.export_queue_url = settings.sqs_export_queue_url
        self.breaker = CircuitBreaker("aws", failure_threshold=5, reset_after_seconds=2.0)

    async def call(self, function: Callable[..., T], /, **kwargs: Any) -> T:
        """Call a boto3 method in a thread; service outages become a 503."""
        if not self.breaker.allow():
            raise ServiceUnavailable("Object storage is unavailable; try again shortly.")

        def invoke() -> T:
            return function(**kwargs)

        try:
            result = await anyio.to_thread.run_sync(invoke)
        except ClientError as exc:
            status = exc.response.get("ResponseMetadata", {}).get("HTTPStatusCode", 500)
            if status >= 500:
                self.breaker.record_failure()
                raise ServiceUnavailable("Object storage is unavailable; try again.") from exc
            self.breaker.record_success()
            raise
        except BotoCoreError as exc:
            self.breaker.record_failure()
            raise ServiceUnavailable("Object storage is unavailable; try again.") from exc
        self.breaker.record_success()
        return result


def client_error_code(exc: ClientError) -> str:
    return str(exc.response.get("Error", {}).get("Code", ""))


async def get_aws(request: Request) -> Aws:
    aws: Aws = request.app.state.aws
    return aws


AwsDep = Annotated[Aws, Depends(get_aws)]
