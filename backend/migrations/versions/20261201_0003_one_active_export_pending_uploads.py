"""one active export per project; pending uploads findable by age

- `uq_export_jobs_project_active`: at most one queued or running export per project (ADR 0080),
  so concurrent requests cannot both create one. Projects that already have several (issue 8:
  any viewer could queue exports without limit) keep their newest; the older ones are failed.
- `ix_attachments_pending_created`: the worker's sweep deletes pending uploads by age
  (ADR 0081) without reading the whole table.

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-01 12:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

ACTIVE = "status IN ('queued', 'running')"


def upgrade() -> None:
    op.execute(
        "UPDATE export_jobs SET status = 'failed', updated_at = now(),"
        " error = 'Superseded by a newer export of the project.'"
        " WHERE status IN ('queued', 'running') AND id NOT IN ("
        "  SELECT DISTINCT ON (project_id) id FROM export_jobs"
        "  WHERE status IN ('queued', 'running') ORDER BY project_id, created_at DESC, id DESC)"
    )
    op.create_index(
        "uq_export_jobs_project_active",
        "export_jobs",
        ["project_id"],
        unique=True,
        postgresql_where=sa.text(ACTIVE),
    )
    op.create_index(
        "ix_attachments_pending_created",
        "attachments",
        ["created_at"],
        unique=False,
        postgresql_where=sa.text("status = 'pending'"),
    )


def downgrade() -> None:
    # The jobs failed on the way up stay failed: they were stuck, not waiting.
    op.drop_index("ix_attachments_pending_created", table_name="attachments")
    op.drop_index("uq_export_jobs_project_active", table_name="export_jobs")
