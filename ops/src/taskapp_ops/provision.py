"""Prepare a local stack for the app: schema migrations, and the bucket and queue that
Terraform creates in AWS (here in the emulator)."""

from __future__ import annotations

from pathlib import Path

import boto3
from alembic import command
from alembic.config import Config

from taskapp.core.settings import Settings

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


def provision_aws(endpoint_url: str, bucket: str, queue: str, region: str = "us-east-1") -> str:
    """Create the bucket (with the CORS rule the browser upload needs) and the export queue;
    returns the queue URL. Idempotent."""
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
    sqs = boto3.client("sqs", endpoint_url=endpoint_url, region_name=region)
    return sqs.create_queue(QueueName=queue, Attributes={"VisibilityTimeout": "30"})["QueueUrl"]
