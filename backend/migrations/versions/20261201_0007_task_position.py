"""task position

ADR 0106: the board's manual order, kept on the server. Each task gets a place in
its column (project and status), lower is higher; existing tasks keep the order the board
showed them in (newest first), numbered per column with gaps of 2^20 between neighbours. The
index serves one column's tasks in order, keyset-paginated by (position, id).

The app role needs no new grant: its table-level DML covers columns added later (0002).

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-01 22:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

GAP = 2**20  # tasks/models.py POSITION_GAP, as it was when this revision was written


def upgrade() -> None:
    op.add_column("tasks", sa.Column("position", sa.BigInteger(), nullable=True))
    op.execute(
        "UPDATE tasks SET position = numbered.place * "  # noqa: S608 - a constant
        f"{GAP} FROM (SELECT id, row_number() OVER ("
        "PARTITION BY project_id, status ORDER BY created_at DESC, id DESC) AS place "
        "FROM tasks) AS numbered WHERE tasks.id = numbered.id"
    )
    op.alter_column("tasks", "position", nullable=False)
    op.create_index(
        "ix_tasks_project_status_position",
        "tasks",
        ["project_id", "status", "position", "id"],
        unique=False,
    )


def downgrade() -> None:
    op.drop_index("ix_tasks_project_status_position", table_name="tasks")
    op.drop_column("tasks", "position")
