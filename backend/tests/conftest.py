"""Integration test setup: real PostgreSQL and Redis started by the project (ops), moto in
server mode for S3/SQS, the app driven in-process over ASGI. Each test starts from empty
tables and an empty Redis.

As in AWS (ADR 0056), the migrations run as the administrator (the server's owner here, the
RDS master user there) and create the least-privilege role `taskapp_app`; the app under test
logs in as that role, so a query that needs more than DML fails here first."""

from __future__ import annotations

import asyncio
import os
import secrets
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from typing import Any, ClassVar

import boto3
import httpx
import pytest
from redis import Redis as SyncRedis
from sqlalchemy import text
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import create_async_engine

from taskapp.core.ratelimit import LocalWindowCounter
from taskapp.core.settings import Settings
from taskapp.main import create_app
from taskapp_ops.provision import migrate, provision_aws
from taskapp_ops.services import LocalStack, ServiceEndpoints, local_stack

os.environ.setdefault("AWS_ACCESS_KEY_ID", "test-only")
os.environ.setdefault("AWS_SECRET_ACCESS_KEY", "test-only")
os.environ.setdefault("AWS_DEFAULT_REGION", "us-east-1")

TABLES = (
    "activity",
    "comments",
    "invitations",
    "attachments",
    "export_jobs",
    "tasks",
    "memberships",
    "projects",
    "refresh_tokens",
    "users",
)


APP_ROLE = "taskapp_app"


@dataclass
class Stack:
    services: LocalStack
    endpoints: ServiceEndpoints
    settings: Settings  # the app's: logs in as APP_ROLE
    admin_settings: Settings  # the migrations': the server's owner


def make_settings(endpoints: ServiceEndpoints, queue_url: str, **overrides: object) -> Settings:
    values: dict[str, object] = {
        "environment": "test",
        "database_url": endpoints.database_url,
        "redis_url": endpoints.redis_url,
        "aws_endpoint_url": endpoints.aws_endpoint_url,
        "s3_bucket": "taskapp-test",
        "sqs_export_queue_url": queue_url,
        "jwt_signing_key": secrets.token_urlsafe(32),
        "log_level": "WARNING",
        "database_pool_size": 5,
        "database_app_role": APP_ROLE,
        # Teams are built through invitations (tests/factories.py); the limit itself is
        # tested with an app of its own (test_invitations.py).
        "rate_limit_invitations_per_user": 10_000,
    }
    values.update(overrides)
    return Settings(**values)  # type: ignore[arg-type]


@pytest.fixture(scope="session")
def stack() -> Iterator[Stack]:
    with local_stack() as (services, endpoints):
        assert endpoints.aws_endpoint_url is not None
        queue_url = provision_aws(
            endpoints.aws_endpoint_url, "taskapp-test", "taskapp-test-exports"
        )
        admin_settings = make_settings(endpoints, queue_url)
        migrate(admin_settings)
        password = secrets.token_urlsafe(24)
        asyncio.run(set_password(admin_settings, APP_ROLE, password))
        app_url = make_url(endpoints.database_url).set(username=APP_ROLE, password=password)
        settings = make_settings(
            endpoints, queue_url, database_url=app_url.render_as_string(hide_password=False)
        )
        yield Stack(services, endpoints, settings, admin_settings)


async def set_password(admin: Settings, role: str, password: str) -> None:
    """What an operator does locally (in AWS the role has no password: IAM tokens only)."""
    engine = create_async_engine(admin.sqlalchemy_database_url)
    async with engine.begin() as connection:
        quoted = connection.dialect.identifier_preparer.quote_identifier(role)
        literal = password.replace("'", "''")
        await connection.execute(text(f"ALTER ROLE {quoted} PASSWORD '{literal}'"))
    await engine.dispose()


class Figures:
    """Figures a test measured, printed in the session's summary (never asserted on)."""

    lines: ClassVar[list[str]] = []

    def add(self, line: str) -> None:
        self.lines.append(line)


@pytest.fixture(scope="session")
def figures() -> Figures:
    return Figures()


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    if Figures.lines:
        terminalreporter.section("figures")
        for line in Figures.lines:
            terminalreporter.write_line(line)


@pytest.fixture(scope="session")
def settings(stack: Stack) -> Settings:
    return stack.settings


@pytest.fixture(scope="session")
async def app_and_client(stack: Stack) -> AsyncIterator[tuple[object, httpx.AsyncClient]]:
    app = create_app(stack.settings)
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app, client=("203.0.113.10", 5555))
        async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
            yield app, client


@pytest.fixture
def client(app_and_client: tuple[object, httpx.AsyncClient], stack: Stack) -> httpx.AsyncClient:
    return app_and_client[1]


@pytest.fixture
def app(app_and_client: tuple[object, httpx.AsyncClient]) -> object:
    return app_and_client[0]


@pytest.fixture(autouse=True)
async def clean_state(request: pytest.FixtureRequest) -> AsyncIterator[None]:
    """Empty tables and Redis before each test that uses the stack."""
    if "stack" not in request.fixturenames:
        yield
        return
    stack: Stack = request.getfixturevalue("stack")
    engine = create_async_engine(stack.admin_settings.sqlalchemy_database_url)
    async with engine.begin() as connection:
        await connection.execute(text(f"TRUNCATE {', '.join(TABLES)} CASCADE"))
    await engine.dispose()
    # Messages other tests left (the fuzz run queues exports and drains nothing).
    sqs = boto3.client(
        "sqs", endpoint_url=stack.endpoints.aws_endpoint_url, region_name="us-east-1"
    )
    assert stack.settings.sqs_export_queue_url is not None
    # (PurgeQueue is allowed once a minute: receive and delete instead.)
    while messages := sqs.receive_message(
        QueueUrl=stack.settings.sqs_export_queue_url, MaxNumberOfMessages=10, WaitTimeSeconds=0
    ).get("Messages", []):
        sqs.delete_message_batch(
            QueueUrl=stack.settings.sqs_export_queue_url,
            Entries=[
                {"Id": str(n), "ReceiptHandle": m["ReceiptHandle"]} for n, m in enumerate(messages)
            ],
        )
    redis_process = stack.services.redis
    if redis_process is None or (redis_process.process and redis_process.process.running):
        SyncRedis.from_url(stack.endpoints.redis_url).flushdb()
    if "app_and_client" in request.fixturenames:
        # The suite's one app keeps its own count of each rate window (core/ratelimit.py),
        # which Redis's flush does not reach: it starts afresh too.
        shared_app: Any = request.getfixturevalue("app_and_client")[0]
        shared_app.state.rate_limiter.local = LocalWindowCounter()
    yield


@pytest.fixture
def redis_stopped(stack: Stack) -> Iterator[None]:
    """The suite's Redis stopped for the test, running again after it."""
    server = stack.services.redis
    if server is None:
        pytest.skip("REDIS_URL points at a Redis this test suite does not control")
    server.stop()
    try:
        yield
    finally:
        if server.process is None or not server.process.running:
            server.start()


@pytest.fixture
def s3(stack: Stack):  # type: ignore[no-untyped-def]
    return boto3.client(
        "s3", endpoint_url=stack.endpoints.aws_endpoint_url, region_name="us-east-1"
    )
