"""Database credentials asked for per new connection, so a rotation needs no restart.

In AWS the app logs in to RDS Proxy as the least-privilege role with an IAM authentication
token (ADR 0056): `generate_db_auth_token` presigns an `rds-db:connect` request with the task
role's credentials. It is computed locally (no network call) and valid for 15 minutes; a
connection that logged in stays open after the token expires, so only new connections need a
fresh one. Tokens are cached for 10 minutes, well inside their lifetime.

Locally the same hook returns the configured password; tests use it to rotate a password
under a running engine.
"""

from __future__ import annotations

import ssl
import threading
import time
from collections.abc import Callable
from typing import Any

import boto3

from taskapp.core.settings import DatabaseSettings

PasswordProvider = Callable[[], str]

TOKEN_LIFETIME_SECONDS = 900  # fixed by RDS
TOKEN_CACHE_SECONDS = 600


class IamAuthTokenProvider:
    """Returns an RDS IAM authentication token for one host, port, user and Region, reusing it
    for `cache_seconds`. Thread-safe: the pool may open connections from several threads."""

    def __init__(
        self,
        host: str,
        port: int,
        user: str,
        region: str,
        *,
        cache_seconds: float = TOKEN_CACHE_SECONDS,
        clock: Callable[[], float] = time.monotonic,
        client: Any = None,
    ) -> None:
        if not 0 < cache_seconds < TOKEN_LIFETIME_SECONDS:
            raise ValueError("cache_seconds must be shorter than the token's 15-minute lifetime")
        self.host, self.port, self.user, self.region = host, port, user, region
        self._cache_seconds = cache_seconds
        self._clock = clock
        # Credentials come from the default chain: in ECS, the task role (refreshed by botocore).
        self._client = client or boto3.client("rds", region_name=region)
        self._lock = threading.Lock()
        self._token: str | None = None
        self._expires_at = 0.0

    @classmethod
    def from_settings(cls, settings: DatabaseSettings) -> IamAuthTokenProvider:
        return cls(
            settings.database_host,
            settings.database_port,
            settings.database_user,
            settings.aws_region,
        )

    def __call__(self) -> str:
        with self._lock:
            now = self._clock()
            if self._token is None or now >= self._expires_at:
                self._token = str(
                    self._client.generate_db_auth_token(
                        DBHostname=self.host,
                        Port=self.port,
                        DBUsername=self.user,
                        Region=self.region,
                    )
                )
                self._expires_at = now + self._cache_seconds
            return self._token


def password_provider(settings: DatabaseSettings) -> PasswordProvider | None:
    """The per-connection credential source the settings ask for, or None when the URL's
    password is used as is."""
    if settings.database_iam_auth:
        return IamAuthTokenProvider.from_settings(settings)
    return None


def ssl_context(settings: DatabaseSettings) -> ssl.SSLContext | str | None:
    """asyncpg's `ssl` argument. verify-full: certificate chain and host name are checked,
    against `database_ssl_root_cert` if set, else the system trust store."""
    if settings.database_ssl == "verify-full":
        context = ssl.create_default_context(cafile=settings.database_ssl_root_cert)
        context.minimum_version = ssl.TLSVersion.TLSv1_2
        return context
    if settings.database_ssl == "require":
        return "require"
    return None
