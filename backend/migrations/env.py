"""Alembic environment: async engine built from the app's own settings."""

from __future__ import annotations

import asyncio
from logging.config import fileConfig

from alembic import context
from sqlalchemy.engine import Connection

from taskapp.core.db import create_engine
from taskapp.core.settings import DatabaseSettings
from taskapp.models import metadata

config = context.config
if config.config_file_name is not None and config.attributes.get("configure_logger", True):
    fileConfig(config.config_file_name)


def _settings() -> DatabaseSettings:
    """The caller's settings (tests, `make dev`), else the environment's database settings
    only: the migration task gets the master credentials and nothing else (ADR 0056)."""
    settings = config.attributes.get("settings")
    if not isinstance(settings, DatabaseSettings):
        settings = DatabaseSettings()
        config.attributes["settings"] = settings  # revisions read it (e.g. the app role)
    return settings


def run_migrations_offline() -> None:
    context.configure(
        url=_settings().sqlalchemy_database_url,
        target_metadata=metadata,
        literal_binds=True,
        dialect_opts={"paramstyle": "named"},
    )
    with context.begin_transaction():
        context.run_migrations()


# Expression indexes come back from PostgreSQL normalised ('...'::date), which autogenerate
# reports as a change on every run; they are written by hand in the migrations instead.
_EXPRESSION_INDEXES = frozenset({"ix_tasks_project_due"})


def _include_object(obj: object, name: str | None, type_: str, *_: object) -> bool:
    return not (type_ == "index" and name in _EXPRESSION_INDEXES)


def _run(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=metadata,
        compare_type=True,
        include_object=_include_object,
    )
    with context.begin_transaction():
        context.run_migrations()


async def run_migrations_online() -> None:
    engine = create_engine(_settings())
    async with engine.connect() as connection:
        await connection.run_sync(_run)
    await engine.dispose()


if context.is_offline_mode():
    run_migrations_offline()
else:
    asyncio.run(run_migrations_online())
