"""All configuration, read once from the environment (prefix APP_).

In AWS, ECS injects secrets (Secrets Manager) and parameters (SSM) as environment variables,
so nothing here calls an AWS API at start-up. The database password is not among them: the app
signs an IAM token per connection (core/db_auth.py, ADR 0056).
"""

from __future__ import annotations

from functools import lru_cache
from typing import Annotated, Literal, Self
from urllib.parse import quote

from pydantic import Field, SecretStr, model_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

Environment = Literal["local", "test", "dev", "stage", "prod"]
LOCAL_ENVIRONMENTS: frozenset[str] = frozenset({"local", "test"})
_PLACEHOLDER_SECRETS = frozenset({"changeme", "change-me", "secret", "password", "dev", "test"})


class DatabaseSettings(BaseSettings):
    """What a database connection needs, and nothing else: the migration task (ADR 0056) reads
    only these, so it needs neither the JWT key nor the cache token. `Settings` extends it."""

    model_config = SettingsConfigDict(env_prefix="APP_", extra="ignore", frozen=True)

    environment: Environment = "local"

    # Database: a full URL, or its parts.
    database_url: SecretStr | None = None
    database_host: str = "127.0.0.1"
    database_port: int = Field(default=5432, ge=1, le=65535)
    database_name: str = "taskapp"
    database_user: str = "taskapp"
    database_password: SecretStr | None = None
    # In AWS the app logs in to RDS Proxy with IAM: every new connection gets a fresh 15-minute
    # token signed with the task role (core/db_auth.py), so there is no password to rotate.
    database_iam_auth: bool = False
    # verify-full: TLS with the server certificate checked against the CA bundle
    # `database_ssl_root_cert`, or the system trust store when unset (RDS Proxy's certificates
    # come from ACM and chain to Amazon Trust Services roots, which the trust store holds).
    database_ssl: Literal["disable", "require", "verify-full"] = "disable"
    database_ssl_root_cert: str | None = None
    # The least-privilege login role the migrations create and grant DML to (ADR 0056); unset:
    # the migrations create no role (e.g. against a server where you may not create roles).
    database_app_role: str | None = Field(
        default=None, pattern=r"^[a-z_][a-z0-9_]{0,62}$", max_length=63
    )
    database_pool_size: int = Field(default=10, ge=1, le=200)
    database_pool_overflow: int = Field(default=5, ge=0, le=200)
    database_pool_timeout_seconds: float = Field(default=2.0, gt=0, le=30)
    database_connect_timeout_seconds: float = Field(default=2.0, gt=0, le=30)
    database_command_timeout_seconds: float = Field(default=5.0, gt=0, le=120)
    # How long a request may wait for the database before it gets 503 (ADR 0095). COMMIT is
    # not cut short: once sent, its outcome is awaited (up to the command timeout).
    request_deadline_seconds: float = Field(default=2.0, gt=0, le=60)
    aws_region: str = "us-east-1"

    @model_validator(mode="after")
    def _database_credentials_outside_local(self) -> Self:
        if self.environment in LOCAL_ENVIRONMENTS:
            return self
        if self.database_iam_auth:
            if self.database_ssl == "disable":
                raise ValueError("APP_DATABASE_IAM_AUTH needs TLS: set APP_DATABASE_SSL.")
            return self
        if self.database_url is None and self.database_password is None:
            raise ValueError(
                "Set APP_DATABASE_IAM_AUTH=true, APP_DATABASE_URL or APP_DATABASE_PASSWORD."
            )
        return self

    @property
    def is_local(self) -> bool:
        return self.environment in LOCAL_ENVIRONMENTS

    @property
    def sqlalchemy_database_url(self) -> str:
        if self.database_url is not None:
            url = self.database_url.get_secret_value()
            for prefix in ("postgresql://", "postgres://"):
                if url.startswith(prefix):
                    return "postgresql+asyncpg://" + url[len(prefix) :]
            return url
        # With IAM auth the password is a token set per connection (core/db.py), not in the URL.
        password = self.database_password.get_secret_value() if self.database_password else ""
        if self.database_iam_auth:
            password = ""
        return (
            f"postgresql+asyncpg://{quote(self.database_user, safe='')}:{quote(password, safe='')}"
            f"@{self.database_host}:{self.database_port}/{self.database_name}"
        )


class Settings(DatabaseSettings):
    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = "INFO"
    host: str = "127.0.0.1"  # the container image sets 0.0.0.0
    port: int = Field(default=8000, ge=1, le=65535)
    git_sha: str = "unknown"
    build_time: str = "unknown"

    # Redis: cache, rate limits. Not critical: the API degrades without it.
    redis_url: SecretStr | None = None
    redis_host: str = "127.0.0.1"
    redis_port: int = Field(default=6379, ge=1, le=65535)
    redis_password: SecretStr | None = None
    redis_tls: bool = False
    redis_timeout_seconds: float = Field(default=0.25, gt=0, le=10)
    cache_ttl_seconds: int = Field(default=60, ge=1, le=86400)
    # Off: reads go to the database every time (invalidations are still written, so processes
    # with the cache on stay correct while a fleet changes over). For measuring and debugging.
    cache_reads: bool = True

    # AWS (the endpoint URL points at an emulator locally; unset in AWS). `aws_region` is in
    # DatabaseSettings (IAM tokens are signed for it).
    aws_endpoint_url: str | None = None
    aws_timeout_seconds: float = Field(default=5.0, gt=0, le=60)
    s3_bucket: str = "taskapp-local"
    sqs_export_queue_url: str | None = None
    presign_ttl_seconds: int = Field(default=300, ge=30, le=3600)
    attachment_max_bytes: int = Field(default=25 * 1024 * 1024, ge=1, le=5 * 1024**3)
    attachment_content_types: Annotated[list[str], NoDecode] = [
        "image/png", "image/jpeg", "image/gif", "image/webp", "application/pdf",
        "text/plain", "text/csv", "application/zip", "application/json",
    ]  # fmt: skip
    # A pending upload (URL issued, not confirmed) lives this long (at least the presign TTL);
    # then it no longer counts against the per-task cap, cannot be confirmed and the worker's
    # sweep deletes its row. At most one day: S3's lifecycle rule expires the pending objects
    # after one day (infra/modules/storage, ADR 0081).
    attachment_pending_expiry_seconds: int = Field(default=3600, ge=60, le=86400)

    # Export jobs, swept by the worker (ADR 0080): every `export_sweep_interval_seconds` it
    # publishes again the jobs queued for longer than `export_requeue_after_seconds` (e.g. a
    # message that could not be sent after the commit) and fails the jobs still queued or
    # running `export_fail_after_seconds` after they were requested.
    export_sweep_interval_seconds: int = Field(default=60, ge=1, le=3600)
    export_requeue_after_seconds: int = Field(default=120, ge=10, le=86400)
    export_fail_after_seconds: int = Field(default=3600, ge=300, le=7 * 86400)

    # Auth
    jwt_signing_key: SecretStr
    jwt_issuer: str = "taskapp"
    access_token_ttl_seconds: int = Field(default=900, ge=1, le=86400)
    refresh_token_ttl_seconds: int = Field(default=14 * 86400, ge=60, le=90 * 86400)
    # A rotated refresh token presented again within this many seconds of its rotation gets
    # a new pair of the same session instead of ending it as theft: two tabs refreshing at
    # once with the one cookie, or a reload that dropped the response carrying the new
    # cookie (ADR 0074). 0 treats every reuse as theft.
    refresh_reuse_grace_seconds: int = Field(default=10, ge=0, le=60)

    # HTTP edge
    cors_origins: Annotated[list[str], NoDecode] = []
    max_body_bytes: int = Field(default=1_000_000, ge=1024, le=50_000_000)
    # Proxies that append to X-Forwarded-For in front of the API: 0 when clients connect
    # directly, 1 behind the local edge, 2 in AWS (CloudFront, then the ALB). Used for per-IP
    # rate limits, and trusted only on requests that prove they came through the edge: they
    # carry `origin_verify_header` with `origin_verify_secret` (CloudFront adds it as an
    # origin custom header; the local edge as well). Other requests count by their socket
    # peer address (ADR 0087). Required outside local/test when forwarded_hops > 0.
    forwarded_hops: int = Field(default=0, ge=0, le=5)
    origin_verify_header: str = Field(
        default="X-Origin-Verify", pattern=r"^[A-Za-z0-9-]{1,64}$", max_length=64
    )
    origin_verify_secret: SecretStr | None = None

    # How long the server keeps an idle connection open. Behind an ALB it must outlast the
    # ALB's idle timeout (60 s by default), or the ALB may send a request on a connection the
    # server is closing, and the client gets 502 (uvicorn's own default is 5 s). The compute
    # module sets it from the ALB's timeout (ADR 0099).
    http_keep_alive_seconds: int = Field(default=75, ge=1, le=4000)

    # Argon2 hashes computed at once per process (each uses a core for tens of ms): with more
    # than the task's vCPUs, a burst of logins slows every other request (issue 9).
    password_hash_concurrency: int = Field(default=1, ge=1, le=64)

    # Rate limits (requests per minute)
    rate_limit_login_per_ip: int = Field(default=30, ge=1)
    rate_limit_login_per_account: int = Field(default=10, ge=1)
    rate_limit_api_per_user: int = Field(default=1200, ge=1)
    # Allowance taken from Redis per round trip for the API limit (see core/ratelimit.py).
    rate_limit_api_batch: int = Field(default=10, ge=1, le=1000)
    # Export requests (POST .../exports) per user: each one can cost the single worker a scan
    # of a whole project, and a project has at most one export queued or running anyway.
    rate_limit_exports_per_user: int = Field(default=10, ge=1)

    # Invitations (ADR 0083): how long a link stays valid, how many may wait per project, and
    # how many an owner may send per minute (each one is a link to someone's inbox once SES
    # sends them).
    invitation_ttl_seconds: int = Field(default=7 * 86400, ge=300, le=30 * 86400)
    # The app's address as people open it (e.g. https://tasks.example.com), which makes the
    # invitation links that leave the app (the log line today, e-mail later) absolute. Unset:
    # they are paths (`/invitations/<token>`); `make dev` sets it to the local edge.
    public_app_url: str | None = Field(default=None, pattern=r"^https?://[^/?#\s]+$")
    invitations_pending_per_project: int = Field(default=100, ge=1, le=10_000)
    rate_limit_invitations_per_user: int = Field(default=20, ge=1)
    # Comments (ADR 0103) a user may post per minute, over all projects: a person types far
    # fewer; a script posting in a loop is stopped before it floods a task and its readers.
    rate_limit_comments_per_user: int = Field(default=30, ge=1)

    # Invitation e-mail through SES (invitations/delivery.py, ADR 0105): the sender, an address
    # at a domain identity verified in SES, and the configuration set to send with. Unset: no
    # e-mail; the inviting owner copies the link. Needs public_app_url (links must be absolute).
    email_from_address: str | None = Field(
        default=None, max_length=254, pattern=r"^[^@\s<>\"]{1,64}@[A-Za-z0-9.-]{1,189}$"
    )
    email_configuration_set: str | None = Field(default=None, pattern=r"^[A-Za-z0-9_-]{1,64}$")

    # Live updates over Server-Sent Events (events/, ADR 0104). The heartbeat must stay inside
    # every idle timeout on the way: CloudFront's origin read timeout (30 s) and the ALB's idle
    # timeout (infra/modules/compute, ADR 0104).
    events_heartbeat_seconds: float = Field(default=15.0, ge=1, le=25)
    # Entries kept per project stream (approximate, Redis trims whole nodes): how far back a
    # reconnecting browser can resume before it has to refetch.
    events_stream_length: int = Field(default=1000, ge=10, le=100_000)
    # A project's stream is dropped this long after its last event (no memory for idle ones).
    events_stream_ttl_seconds: int = Field(default=86400, ge=60, le=30 * 86400)
    # Open event streams per process: per user (a few tabs), and in all (each costs a socket and
    # a queue; past it the API answers 503 and browsers poll).
    events_connections_per_user: int = Field(default=8, ge=1, le=1000)
    events_connections_max: int = Field(default=2000, ge=1, le=100_000)

    # Tracing: OTLP over HTTP, e.g. the ADOT collector sidecar at http://localhost:4318.
    otlp_endpoint: str | None = None

    # The OpenAPI document (/api/openapi.json) and the docs page (/api/docs). Unset: served in
    # local, test and dev only; stage and prod serve neither unless this says so (ADR 0091).
    api_docs: bool | None = None

    @model_validator(mode="before")
    @classmethod
    def _split_lists(cls, data: object) -> object:
        if isinstance(data, dict):
            for key in ("cors_origins", "attachment_content_types"):
                value = data.get(key)
                if isinstance(value, str):
                    data[key] = [item.strip() for item in value.split(",") if item.strip()]
        return data

    @model_validator(mode="after")
    def _email_links_are_absolute(self) -> Settings:
        if self.email_from_address is not None and self.public_app_url is None:
            raise ValueError(
                "APP_EMAIL_FROM_ADDRESS needs APP_PUBLIC_APP_URL (e.g. https://tasks.example.com): "
                "an e-mailed invitation link must be absolute."
            )
        return self

    @model_validator(mode="after")
    def _refuse_weak_secrets_outside_local(self) -> Settings:
        if self.environment in LOCAL_ENVIRONMENTS:
            return self
        key = self.jwt_signing_key.get_secret_value()
        if len(key) < 32 or key.lower() in _PLACEHOLDER_SECRETS:
            raise ValueError(
                "APP_JWT_SIGNING_KEY must be a random value of at least 32 characters "
                f"in the {self.environment} environment."
            )
        if self.forwarded_hops > 0:
            origin = self.origin_verify_secret
            value = origin.get_secret_value() if origin is not None else ""
            if len(value) < 32 or value.lower() in _PLACEHOLDER_SECRETS:
                raise ValueError(
                    "APP_ORIGIN_VERIFY_SECRET must be the random value (at least 32 characters) "
                    f"the edge sends in {self.origin_verify_header}: with APP_FORWARDED_HOPS="
                    f"{self.forwarded_hops} and no such proof, X-Forwarded-For is never "
                    f"trusted in the {self.environment} environment."
                )
        return self

    @property
    def serves_api_docs(self) -> bool:
        if self.api_docs is not None:
            return self.api_docs
        return self.environment in {"local", "test", "dev"}

    @property
    def redis_connection_url(self) -> str:
        if self.redis_url is not None:
            return self.redis_url.get_secret_value()
        scheme = "rediss" if self.redis_tls else "redis"
        auth = ""
        if self.redis_password is not None:
            auth = f":{quote(self.redis_password.get_secret_value(), safe='')}@"
        return f"{scheme}://{auth}{self.redis_host}:{self.redis_port}/0"


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    return Settings()  # values come from the environment
