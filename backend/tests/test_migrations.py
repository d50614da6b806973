"""Migrations upgrade an empty database, match the models, and downgrade back to empty."""

from __future__ import annotations

import asyncio

import pytest
from alembic import command
from pydantic import SecretStr
from sqlalchemy import text
from sqlalchemy.ext.asyncio import create_async_engine

from taskapp.core.settings import Settings
from taskapp_ops.provision import alembic_config, downgrade, migrate
from tests.conftest import Stack


async def _scalar_list(url: str, sql: str) -> list[str]:
    engine = create_async_engine(url)
    async with engine.connect() as connection:
        rows = (await connection.execute(text(sql))).scalars().all()
    await engine.dispose()
    return [str(r) for r in rows]


@pytest.fixture
def empty_database(stack: Stack) -> Settings:
    if stack.services.postgres is None:
        pytest.skip("needs a PostgreSQL the suite controls, to create a scratch database")
    name = "migration_check"
    base = stack.settings.sqlalchemy_database_url.rsplit("/", 1)[0]

    async def recreate() -> None:
        engine = create_async_engine(f"{base}/postgres", isolation_level="AUTOCOMMIT")
        async with engine.connect() as connection:
            await connection.execute(text(f"DROP DATABASE IF EXISTS {name}"))
            await connection.execute(text(f"CREATE DATABASE {name}"))
        await engine.dispose()

    asyncio.run(recreate())
    return stack.settings.model_copy(update={"database_url": SecretStr(f"{base}/{name}")})


def test_upgrade_check_downgrade_upgrade(empty_database: Settings) -> None:
    url = empty_database.sqlalchemy_database_url
    tables_sql = "SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY 1"
    types_sql = "SELECT typname FROM pg_type WHERE typtype = 'e' ORDER BY 1"

    migrate(empty_database)
    tables = asyncio.run(_scalar_list(url, tables_sql))
    assert set(tables) >= {"users", "projects", "memberships", "tasks", "attachments", "export_jobs",
                           "refresh_tokens", "alembic_version"}  # fmt: skip
    command.check(alembic_config(empty_database))  # the models and the migrations agree
    indexes = asyncio.run(
        _scalar_list(url, "SELECT indexname FROM pg_indexes WHERE tablename = 'tasks'")
    )
    assert {"ix_tasks_project_due", "ix_tasks_search", "ix_tasks_project_created"} <= set(indexes)

    downgrade(empty_database)
    assert asyncio.run(_scalar_list(url, tables_sql)) == ["alembic_version"]
    assert asyncio.run(_scalar_list(url, types_sql)) == []

    migrate(empty_database)
    assert "tasks" in asyncio.run(_scalar_list(url, tables_sql))
