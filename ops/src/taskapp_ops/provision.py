"""Prepare a local stack for the app: schema migrations, and the bucket and queues that
Terraform creates in AWS (here in the emulator)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING

import boto3
from alembic import command
from alembic.config import Config

from taskapp.core.settings import Settings

if TYPE_CHECKING:
    from mypy_boto3_sqs import SQSClient

BACKEND_DIR = Path(__file__).resolve().parents[3] / "backend"


def alembic_config(settings: Settings) -> Config:
    config = Config(str(BACKEND_DIR / "alembic.ini"))
    config.attributes["settings"] = settings
    config.attributes["configure_logger"] = False
    return config


def migrate(settings: Settings, revision: str = "head") -> None:
    command.upgrade(alembic_config(settings), revision)


def downgrade(settings: Settings, revision: str = "base") -> None:
    command.downgrade(alembic_config(settings), revision)


# As in AWS (infra/modules/queue `max_receive_count`, infra/modules/storage): receives before
# SQS moves an export message to the dead-letter queue, the worker's MAX_ATTEMPTS; where
# unconfirmed uploads go and when they expire (ADR 0080, 0081).
MAX_RECEIVE_COUNT = 5
PENDING_UPLOADS_PREFIX = "pending-uploads/"
PENDING_UPLOADS_EXPIRATION_DAYS = 1
EXPORTS_PREFIX = "exports/"
EXPORTS_EXPIRATION_DAYS = 7


def provision_aws(endpoint_url: str, bucket: str, queue: str, region: str = "us-east-1") -> str:
    """Create the bucket (with the CORS rule the browser upload needs and the lifecycle rules of
    AWS) and the export queue with its dead-letter queue; returns the queue URL. Idempotent.

    The emulator stores the lifecycle rules but never applies them; they are here so that the
    bucket reads back as it does in AWS."""
    s3 = boto3.client("s3", endpoint_url=endpoint_url, region_name=region)
    existing = {b["Name"] for b in s3.list_buckets().get("Buckets", [])}
    if bucket not in existing:
        s3.create_bucket(Bucket=bucket)
    s3.put_bucket_cors(
        Bucket=bucket,
        CORSConfiguration={
            "CORSRules": [
                {
                    "AllowedMethods": ["GET", "POST"],
                    "AllowedOrigins": ["*"],
                    "AllowedHeaders": ["*"],
                    "MaxAgeSeconds": 600,
                }
            ]
        },
    )
    s3.put_bucket_lifecycle_configuration(
        Bucket=bucket,
        LifecycleConfiguration={
            "Rules": [
                {
                    "ID": "expire-exports",
                    "Status": "Enabled",
                    "Filter": {"Prefix": EXPORTS_PREFIX},
                    "Expiration": {"Days": EXPORTS_EXPIRATION_DAYS},
                },
                {
                    "ID": "expire-pending-uploads",
                    "Status": "Enabled",
                    "Filter": {"Prefix": PENDING_UPLOADS_PREFIX},
                    "Expiration": {"Days": PENDING_UPLOADS_EXPIRATION_DAYS},
                    "NoncurrentVersionExpiration": {"NoncurrentDays": 1},
                },
            ]
        },
    )
    sqs = boto3.client("sqs", endpoint_url=endpoint_url, region_name=region)
    queue_url, _ = create_queue_with_dlq(sqs, queue)
    return queue_url


def create_queue_with_dlq(
    sqs: SQSClient,
    name: str,
    max_receive_count: int = MAX_RECEIVE_COUNT,
    visibility_timeout_seconds: int = 30,
) -> tuple[str, str]:
    """The queue `name` and its dead-letter queue `name-dlq`, as infra/modules/queue makes them;
    returns both URLs. Idempotent, also on a queue created before it had a DLQ."""
    dlq_url = _queue(sqs, f"{name}-dlq")
    dlq_arn = sqs.get_queue_attributes(QueueUrl=dlq_url, AttributeNames=["QueueArn"])["Attributes"][
        "QueueArn"
    ]
    queue_url = _queue(sqs, name)
    sqs.set_queue_attributes(
        QueueUrl=queue_url,
        Attributes={
            "VisibilityTimeout": str(visibility_timeout_seconds),
            "RedrivePolicy": json.dumps(
                {"deadLetterTargetArn": dlq_arn, "maxReceiveCount": max_receive_count}
            ),
        },
    )
    return queue_url, dlq_url


def _queue(sqs: SQSClient, name: str) -> str:
    try:
        return sqs.get_queue_url(QueueName=name)["QueueUrl"]
    except sqs.exceptions.QueueDoesNotExist:
        return sqs.create_queue(QueueName=name)["QueueUrl"]
