"""least-privilege application role

The app logs in as this role, never as the master user (ADR 0056): it may read and write the
app's rows and nothing else (no DDL, no TRUNCATE, not the owner of anything, not the schema
version). Migrations keep running as the master user, which owns the tables; default
privileges give the role DML on the tables later migrations create.

The role's name comes from the setting `APP_DATABASE_APP_ROLE`; unset, this revision does
nothing (e.g. on a server where you may not create roles). On RDS the role is granted
`rds_iam`, so it can log in only with an IAM token and has no password at all; elsewhere the
operator (or the test suite) sets a password if it needs one.

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-01 09:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import context, op

from taskapp.core.settings import DatabaseSettings

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

DML = "SELECT, INSERT, UPDATE, DELETE"


def _app_role() -> str | None:
    settings = context.config.attributes.get("settings")
    if not isinstance(settings, DatabaseSettings):
        settings = DatabaseSettings()
    return settings.database_app_role


def _quote(name: str) -> str:
    return op.get_bind().dialect.identifier_preparer.quote_identifier(name)


def _role_exists(name: str) -> bool:
    found = op.get_bind().execute(
        sa.text("SELECT 1 FROM pg_roles WHERE rolname = :name"), {"name": name}
    )
    return found.scalar() is not None


def upgrade() -> None:
    name = _app_role()
    if name is None:
        return
    role = _quote(name)
    database = _quote(str(op.get_bind().execute(sa.text("SELECT current_database()")).scalar()))
    if not _role_exists(name):
        # CREATE ROLE's defaults: NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS.
        op.execute(f"CREATE ROLE {role} LOGIN")
    if _role_exists("rds_iam"):  # RDS: log in with IAM tokens only
        op.execute(f"GRANT rds_iam TO {role}")
    op.execute(f"GRANT CONNECT ON DATABASE {database} TO {role}")
    # Before PostgreSQL 15 every role may create objects in `public`; nobody but the owner may.
    op.execute("REVOKE CREATE ON SCHEMA public FROM PUBLIC")
    op.execute(f"GRANT USAGE ON SCHEMA public TO {role}")
    op.execute(f"GRANT {DML} ON ALL TABLES IN SCHEMA public TO {role}")
    op.execute(f"GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO {role}")
    # The schema version is the migrations' business only.
    op.execute(f"REVOKE ALL ON TABLE alembic_version FROM {role}")
    # Tables and sequences that later migrations (run by this same user) create.
    op.execute(f"ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT {DML} ON TABLES TO {role}")
    op.execute(
        f"ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT USAGE, SELECT ON SEQUENCES TO {role}"
    )


def downgrade() -> None:
    # The role itself stays: roles belong to the whole server, not to this database.
    name = _app_role()
    if name is None or not _role_exists(name):
        return
    role = _quote(name)
    database = _quote(str(op.get_bind().execute(sa.text("SELECT current_database()")).scalar()))
    op.execute(f"ALTER DEFAULT PRIVILEGES IN SCHEMA public REVOKE {DML} ON TABLES FROM {role}")
    revoke_sequences = "ALTER DEFAULT PRIVILEGES IN SCHEMA public REVOKE USAGE, SELECT ON SEQUENCES"
    op.execute(f"{revoke_sequences} FROM {role}")
    op.execute(f"REVOKE ALL ON ALL SEQUENCES IN SCHEMA public FROM {role}")
    op.execute(f"REVOKE ALL ON ALL TABLES IN SCHEMA public FROM {role}")
    op.execute(f"REVOKE USAGE ON SCHEMA public FROM {role}")
    op.execute(f"REVOKE CONNECT ON DATABASE {database} FROM {role}")
