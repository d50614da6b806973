from __future__ import annotations

import pytest
from pydantic import ValidationError

from taskapp.core.settings import Settings

STRONG = "k" * 40


def test_placeholder_signing_key_refused_outside_local() -> None:
    for key in ("secret", "changeme", "short-key"):
        with pytest.raises(ValidationError, match="APP_JWT_SIGNING_KEY"):
            Settings(environment="prod", jwt_signing_key=key, database_password="p")  # type: ignore[arg-type]


def test_local_accepts_any_key_but_requires_one(monkeypatch: pytest.MonkeyPatch) -> None:
    assert Settings(environment="local", jwt_signing_key="dev").is_local  # type: ignore[arg-type]
    monkeypatch.delenv("APP_JWT_SIGNING_KEY", raising=False)
    with pytest.raises(ValidationError, match="jwt_signing_key"):
        Settings(environment="local")


def test_database_url_from_parts_escapes_the_password() -> None:
    settings = Settings(
        environment="prod", jwt_signing_key=STRONG, database_host="proxy.example",  # type: ignore[arg-type]
        database_user="app", database_password="p@ss:/w#rd", database_ssl="require",  # type: ignore[arg-type]
    )  # fmt: skip
    assert settings.sqlalchemy_database_url == (
        "postgresql+asyncpg://app:p%40ss%3A%2Fw%23rd@proxy.example:5432/taskapp"
    )


def test_prod_requires_database_credentials() -> None:
    with pytest.raises(ValidationError, match="APP_DATABASE_PASSWORD"):
        Settings(environment="prod", jwt_signing_key=STRONG)  # type: ignore[arg-type]


def test_redis_url_from_parts_uses_tls_and_password() -> None:
    settings = Settings(
        jwt_signing_key=STRONG, redis_host="cache.example", redis_tls=True, redis_password="a/b",  # type: ignore[arg-type]
    )  # fmt: skip
    assert settings.redis_connection_url == "rediss://:a%2Fb@cache.example:6379/0"


def test_comma_separated_lists_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("APP_JWT_SIGNING_KEY", STRONG)
    monkeypatch.setenv("APP_CORS_ORIGINS", "https://a.example, https://b.example")
    assert Settings().cors_origins == ["https://a.example", "https://b.example"]


def test_secrets_do_not_leak_through_repr() -> None:
    settings = Settings(jwt_signing_key=STRONG, database_password="hunter2")  # type: ignore[arg-type]
    assert STRONG not in repr(settings) and "hunter2" not in repr(settings)


def test_verified_token_cache_still_expires_tokens() -> None:
    import time

    from taskapp.core.errors import Unauthorized
    from taskapp.core.security import TokenService

    tokens = TokenService(Settings(jwt_signing_key=STRONG, access_token_ttl_seconds=1))  # type: ignore[arg-type]
    user_id = __import__("uuid").uuid4()
    token = tokens.issue_access_token(user_id)
    assert tokens.verify_access_token(token).user_id == user_id
    assert tokens.verify_access_token(token).user_id == user_id  # served from the cache
    time.sleep(1.1)
    with pytest.raises(Unauthorized, match="expired"):
        tokens.verify_access_token(token)
