"""Database credentials per new connection (ADR 0056): IAM tokens for the right endpoint, and a
credential rotated on the server while the engine runs, without a restart."""

from __future__ import annotations

import secrets
import ssl
from collections.abc import AsyncIterator
from typing import Any
from urllib.parse import parse_qs, urlsplit

import boto3
import pytest
from pydantic import SecretStr
from sqlalchemy import text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine

from taskapp.core import db_auth
from taskapp.core.db import create_engine
from taskapp.core.db_auth import IamAuthTokenProvider
from taskapp.core.settings import DatabaseSettings, Settings
from tests.conftest import Stack

PROXY_HOST = "taskapp-prod-postgres-proxy.proxy-abc123.eu-west-1.rds.amazonaws.com"


def _query(token: str) -> dict[str, list[str]]:
    return parse_qs(urlsplit("https://" + token).query)


class TestIamAuthToken:
    def test_token_is_presigned_for_the_proxy_user_and_region(
        self, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        # Fixed credentials from the environment: the token is signed locally, no network.
        monkeypatch.setenv("AWS_ACCESS_KEY_ID", "AKIDEXAMPLE")
        monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "secret-example")
        monkeypatch.delenv("AWS_SESSION_TOKEN", raising=False)
        # A fresh session: boto3's default one may have cached other credentials already.
        rds = boto3.session.Session().client("rds", region_name="eu-west-1")
        provider = IamAuthTokenProvider(PROXY_HOST, 5432, "taskapp_app", "eu-west-1", client=rds)

        token = provider()

        parts = urlsplit("https://" + token)
        assert (parts.hostname, parts.port) == (PROXY_HOST, 5432)
        query = _query(token)
        assert query["Action"] == ["connect"]
        assert query["DBUser"] == ["taskapp_app"]
        assert query["X-Amz-Expires"] == ["900"]
        assert query["X-Amz-Algorithm"] == ["AWS4-HMAC-SHA256"]
        credential = query["X-Amz-Credential"][0].split("/")
        assert credential[0] == "AKIDEXAMPLE"
        assert credential[2:] == ["eu-west-1", "rds-db", "aws4_request"]
        assert query["X-Amz-Signature"][0]

    def test_settings_choose_the_iam_provider(self) -> None:
        settings = DatabaseSettings(
            environment="prod", database_iam_auth=True, database_ssl="verify-full",
            database_host=PROXY_HOST, database_user="taskapp_app", aws_region="eu-west-1",
        )  # fmt: skip
        provider = db_auth.password_provider(settings)
        assert isinstance(provider, IamAuthTokenProvider)
        assert (provider.host, provider.port, provider.user, provider.region) == (
            PROXY_HOST, 5432, "taskapp_app", "eu-west-1",
        )  # fmt: skip
        assert db_auth.password_provider(DatabaseSettings()) is None
        # No password in the URL: the token is set per connection.
        assert ":@" in settings.sqlalchemy_database_url

    def test_tokens_are_reused_for_ten_minutes_then_renewed(self) -> None:
        calls: list[dict[str, Any]] = []

        class FakeRds:
            def generate_db_auth_token(self, **kwargs: Any) -> str:
                calls.append(kwargs)
                return f"token-{len(calls)}"

        now = [1000.0]
        provider = IamAuthTokenProvider(
            "h", 5432, "u", "us-east-1", client=FakeRds(), clock=lambda: now[0]
        )
        assert provider() == "token-1"
        now[0] += 599
        assert provider() == "token-1"
        now[0] += 1
        assert provider() == "token-2"
        assert calls[0] == {
            "DBHostname": "h",
            "Port": 5432,
            "DBUsername": "u",
            "Region": "us-east-1",
        }
        with pytest.raises(ValueError, match="lifetime"):
            IamAuthTokenProvider("h", 5432, "u", "us-east-1", client=FakeRds(), cache_seconds=900)


class TestTls:
    def test_verify_full_checks_the_chain_and_the_host_name(self) -> None:
        context = db_auth.ssl_context(DatabaseSettings(database_ssl="verify-full"))
        assert isinstance(context, ssl.SSLContext)
        assert context.verify_mode == ssl.CERT_REQUIRED
        assert context.check_hostname is True
        assert context.minimum_version == ssl.TLSVersion.TLSv1_2
        assert db_auth.ssl_context(DatabaseSettings(database_ssl="require")) == "require"
        assert db_auth.ssl_context(DatabaseSettings()) is None

    def test_iam_auth_outside_local_needs_tls(self) -> None:
        with pytest.raises(ValueError, match="TLS"):
            DatabaseSettings(environment="prod", database_iam_auth=True)


ROLE = "rotation_check"


async def _admin_execute(stack: Stack, sql: str) -> None:
    engine = create_async_engine(stack.admin_settings.sqlalchemy_database_url)
    async with engine.begin() as connection:
        await connection.execute(text(sql))
    await engine.dispose()


@pytest.fixture
async def rotating_role(stack: Stack) -> AsyncIterator[str]:
    """A login role with a first password; dropped afterwards."""
    password = secrets.token_urlsafe(16)
    await _admin_execute(stack, f"DROP ROLE IF EXISTS {ROLE}")
    await _admin_execute(stack, f"CREATE ROLE {ROLE} LOGIN PASSWORD '{password}'")
    yield password
    await _admin_execute(stack, f"DROP ROLE IF EXISTS {ROLE}")


def _settings_for(stack: Stack, password: str, **overrides: object) -> Settings:
    url = make_url(stack.endpoints.database_url).set(username=ROLE, password=password)
    values: dict[str, object] = {
        "database_url": SecretStr(url.render_as_string(hide_password=False))
    }
    values.update(overrides)
    return stack.settings.model_copy(update=values)


async def _whoami(engine: AsyncEngine) -> str:
    async with engine.connect() as connection:
        return str((await connection.execute(text("SELECT current_user"))).scalar())


class TestRotation:
    async def test_new_connections_use_the_rotated_password_without_restart(
        self, stack: Stack, rotating_role: str
    ) -> None:
        source = {"password": rotating_role}
        calls: list[str] = []

        def provider() -> str:
            calls.append(source["password"])
            return source["password"]

        settings = _settings_for(stack, "not-used")
        engine = create_engine(settings, password_provider=provider)
        # The engine as it was before ADR 0056: the password read once, at start.
        frozen = create_engine(_settings_for(stack, rotating_role))
        try:
            held = await engine.connect()  # an open connection that survives the rotation
            assert (await held.execute(text("SELECT current_user"))).scalar() == ROLE
            assert await _whoami(frozen) == ROLE
            assert len(calls) == 1

            rotated = secrets.token_urlsafe(16)
            await _admin_execute(stack, f"ALTER ROLE {ROLE} PASSWORD '{rotated}'")
            source["password"] = rotated

            # A second connection while the first is checked out: a new login.
            assert await _whoami(engine) == ROLE
            assert calls == [rotating_role, rotated]
            assert (await held.execute(text("SELECT 1"))).scalar() == 1
            await held.close()

            # The start-time password fails on the next new connection.
            await frozen.dispose()
            with pytest.raises(DBAPIError, match="password authentication failed"):
                await _whoami(frozen)
        finally:
            await engine.dispose()
            await frozen.dispose()

    async def test_iam_setting_asks_the_token_provider_per_new_connection(
        self, stack: Stack, rotating_role: str, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        """APP_DATABASE_IAM_AUTH wires IamAuthTokenProvider into the engine. The local server
        knows no IAM, so the fake RDS client hands out the role's password as the 'token'."""
        issued: list[dict[str, Any]] = []

        class FakeRds:
            def generate_db_auth_token(self, **kwargs: Any) -> str:
                issued.append(kwargs)
                return rotating_role

        real_client = boto3.client
        monkeypatch.setattr(
            db_auth.boto3, "client",
            lambda service, **kw: FakeRds() if service == "rds" else real_client(service, **kw),
        )  # fmt: skip
        url = make_url(stack.endpoints.database_url)
        settings = stack.settings.model_copy(
            update={
                "database_url": None, "database_iam_auth": True, "database_user": ROLE,
                "database_host": url.host, "database_port": url.port,
                "database_name": url.database,
            }
        )  # fmt: skip
        engine = create_engine(settings)
        try:
            assert await _whoami(engine) == ROLE
        finally:
            await engine.dispose()
        assert issued == [
            {"DBHostname": url.host, "Port": url.port, "DBUsername": ROLE, "Region": "us-east-1"}
        ]
