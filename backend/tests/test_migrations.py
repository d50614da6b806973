"""Migrations upgrade an empty database, match the models, and downgrade back to empty; the
app role they create may read and write rows and nothing else (ADR 0056)."""

# ruff: noqa: S608  (the SQL here is built from this file's own constants)

from __future__ import annotations

import asyncio
import secrets
import uuid

import pytest
from alembic import command
from pydantic import SecretStr
from sqlalchemy import text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError
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
    base = stack.admin_settings.sqlalchemy_database_url.rsplit("/", 1)[0]

    async def recreate() -> None:
        engine = create_async_engine(f"{base}/postgres", isolation_level="AUTOCOMMIT")
        async with engine.connect() as connection:
            await connection.execute(text(f"DROP DATABASE IF EXISTS {name}"))
            await connection.execute(text(f"CREATE DATABASE {name}"))
        await engine.dispose()

    asyncio.run(recreate())
    return stack.admin_settings.model_copy(update={"database_url": SecretStr(f"{base}/{name}")})


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


SCRATCH_ROLE = "migration_check_app"


async def _execute_as(url: str, *statements: str) -> list[object]:
    engine = create_async_engine(url)
    results: list[object] = []
    try:
        async with engine.begin() as connection:
            for sql in statements:
                result = await connection.execute(text(sql))
                results.append(result.scalar() if result.returns_rows else None)
    finally:
        await engine.dispose()
    return results


def _refused(url: str, sql: str) -> str:
    """The SQLSTATE the server answers `sql` with, run as the app role."""
    with pytest.raises(DBAPIError) as caught:
        asyncio.run(_execute_as(url, sql))
    return str(getattr(caught.value.orig, "sqlstate", ""))


def test_app_role_may_read_and_write_rows_and_nothing_else(empty_database: Settings) -> None:
    admin_url = empty_database.sqlalchemy_database_url
    settings = empty_database.model_copy(update={"database_app_role": SCRATCH_ROLE})
    asyncio.run(_execute_as(admin_url, f"DROP ROLE IF EXISTS {SCRATCH_ROLE}",
                            "DROP ROLE IF EXISTS rds_iam", "CREATE ROLE rds_iam"))  # fmt: skip
    try:
        migrate(settings)
        password = secrets.token_urlsafe(16)
        asyncio.run(_execute_as(admin_url, f"ALTER ROLE {SCRATCH_ROLE} PASSWORD '{password}'"))
        url = make_url(admin_url).set(username=SCRATCH_ROLE, password=password)
        app_url = url.render_as_string(hide_password=False)

        # What the role is: a plain login role, IAM-only on RDS, owner of nothing.
        attributes = asyncio.run(_execute_as(admin_url, (
            "SELECT rolsuper OR rolcreaterole OR rolcreatedb OR rolreplication OR rolbypassrls"
            f" FROM pg_roles WHERE rolname = '{SCRATCH_ROLE}'"),
            f"SELECT pg_has_role('{SCRATCH_ROLE}', 'rds_iam', 'MEMBER')",
            f"SELECT count(*) FROM pg_tables WHERE tableowner = '{SCRATCH_ROLE}'",
        ))  # fmt: skip
        assert attributes == [False, True, 0]

        # DML on the app's tables works.
        user_id = uuid.uuid4()
        assert asyncio.run(_execute_as(app_url,
            "INSERT INTO users (id, email, display_name, password_hash)"
            f" VALUES ('{user_id}', 'a@example.com', 'A', 'x')",
            f"UPDATE users SET display_name = 'B' WHERE id = '{user_id}'",
            f"SELECT display_name FROM users WHERE id = '{user_id}'",
            f"DELETE FROM users WHERE id = '{user_id}'",
            "SELECT current_user",
        )) == [None, None, "B", None, SCRATCH_ROLE]  # fmt: skip

        # No DDL, no TRUNCATE, no schema version: 42501 insufficient privilege, 42501/42P01
        # for the owner-only statements (PostgreSQL reports "must be owner" as 42501).
        denied = {
            "CREATE TABLE intruder (id int)": "42501",
            "DROP TABLE tasks": "42501",
            "ALTER TABLE users ADD COLUMN intruder int": "42501",
            "TRUNCATE users": "42501",
            "CREATE INDEX intruder ON users (display_name)": "42501",
            "UPDATE alembic_version SET version_num = 'x'": "42501",
            "SELECT version_num FROM alembic_version": "42501",
            f"CREATE ROLE {SCRATCH_ROLE}_child": "42501",
        }
        assert {sql: _refused(app_url, sql) for sql in denied} == denied

        # Tables a later migration creates (as the same administrator) get DML by default.
        asyncio.run(_execute_as(admin_url, "CREATE TABLE later_table (id int)"))
        assert asyncio.run(_execute_as(app_url, "INSERT INTO later_table VALUES (1)",
                                       "SELECT count(*) FROM later_table")) == [None, 1]  # fmt: skip
        asyncio.run(_execute_as(admin_url, "DROP TABLE later_table"))

        # Downgrading takes the privileges back.
        downgrade(settings, "0001")
        assert _refused(app_url, "SELECT count(*) FROM users") == "42501"
    finally:
        downgrade(settings)
        asyncio.run(_execute_as(admin_url, f"DROP ROLE IF EXISTS {SCRATCH_ROLE}",
                                "DROP ROLE IF EXISTS rds_iam"))  # fmt: skip


def test_without_an_app_role_setting_no_role_is_created(empty_database: Settings) -> None:
    settings = empty_database.model_copy(update={"database_app_role": None})
    url = settings.sqlalchemy_database_url
    asyncio.run(_execute_as(url, f"DROP ROLE IF EXISTS {SCRATCH_ROLE}"))
    migrate(settings)
    assert asyncio.run(_execute_as(
        url, f"SELECT count(*) FROM pg_roles WHERE rolname = '{SCRATCH_ROLE}'"
    )) == [0]  # fmt: skip


def test_0007_numbers_each_column_newest_first(empty_database: Settings) -> None:
    """Existing tasks keep the board's order (newest first) as their manual order, per column,
    with gaps (ADR 0106)."""
    url = empty_database.sqlalchemy_database_url
    migrate(empty_database, "0006")
    projects = [uuid.uuid4(), uuid.uuid4()]
    inserts = [
        f"INSERT INTO projects (id, name, description) VALUES ('{p}', 'P', '')" for p in projects
    ]
    # (project, title, status, minutes ago): two tasks share an instant, ordered by id then.
    tied = sorted([uuid.uuid4(), uuid.uuid4()], reverse=True)
    rows = [
        (projects[0], uuid.uuid4(), "old", "todo", 30),
        (projects[0], uuid.uuid4(), "new", "todo", 10),
        (projects[0], tied[0], "tie-high-id", "todo", 20),
        (projects[0], tied[1], "tie-low-id", "todo", 20),
        (projects[0], uuid.uuid4(), "done", "done", 5),
        (projects[1], uuid.uuid4(), "other", "todo", 1),
    ]
    inserts += [
        "INSERT INTO tasks (id, project_id, title, description, status, priority, version,"
        f" created_at) VALUES ('{task}', '{project}', '{title}', '', '{status}', 2, 1,"
        f" TIMESTAMPTZ '2026-01-01 12:00:00+00' - interval '{ago} minutes')"
        for project, task, title, status, ago in rows
    ]
    asyncio.run(_execute_as(url, *inserts))
    migrate(empty_database)
    numbered = asyncio.run(_scalar_list(url, (
        "SELECT title || ':' || position FROM tasks ORDER BY project_id = "
        f"'{projects[1]}', status, position, id"
    )))  # fmt: skip
    gap = 2**20
    assert numbered == [
        f"new:{gap}", f"tie-high-id:{2 * gap}", f"tie-low-id:{3 * gap}", f"old:{4 * gap}",
        f"done:{gap}", f"other:{gap}",
    ]  # fmt: skip
