from __future__ import annotations

import enum
import uuid
from datetime import date

from sqlalchemy import (
    BigInteger,
    Computed,
    Date,
    Enum,
    ForeignKey,
    Index,
    Integer,
    SmallInteger,
    String,
    Text,
    text,
)
from sqlalchemy.dialects.postgresql import TSVECTOR
from sqlalchemy.orm import Mapped, mapped_column

from taskapp.core.db import Base, TimestampMixin, new_id


class TaskStatus(enum.StrEnum):
    todo = "todo"
    in_progress = "in_progress"
    done = "done"


class Priority(enum.IntEnum):
    low = 1
    medium = 2
    high = 3
    urgent = 4


# NULL due dates sort last; keyset pagination needs a total order, hence a non-null key.
# Written as SQL text so the query's expression matches the index's exactly.
FAR_FUTURE = date(3000, 1, 1)  # after any accepted due date; date.max means infinity to asyncpg
DUE_DATE_KEY_SQL = "coalesce(due_date, DATE '3000-01-01')"

# The distance between neighbours in a column's board order when positions are handed out
# fresh (a new task at the top, a renumbered column): room for about 20 moves into one gap
# before the column is renumbered (ADR 0106).
POSITION_GAP = 2**20


class Task(TimestampMixin, Base):
    __tablename__ = "tasks"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=new_id)
    project_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("projects.id", ondelete="CASCADE"), nullable=False
    )
    title: Mapped[str] = mapped_column(String(200), nullable=False)
    description: Mapped[str] = mapped_column(Text, nullable=False, default="")
    status: Mapped[TaskStatus] = mapped_column(
        Enum(TaskStatus, name="task_status", values_callable=lambda e: [m.value for m in e]),
        nullable=False,
        default=TaskStatus.todo,
    )
    # The task's place in its column (project and status): lower is higher on the board, ties
    # go by id. Only the order means anything; tasks/placement.py hands the values out.
    position: Mapped[int] = mapped_column(BigInteger, nullable=False)
    priority: Mapped[int] = mapped_column(SmallInteger, nullable=False, default=Priority.medium)
    assignee_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL")
    )
    due_date: Mapped[date | None] = mapped_column(Date)
    # Who created the task and who changed it last (TaskOut's created_by_id, updated_by_id).
    created_by: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL")
    )
    updated_by: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL")
    )
    # Kept by comments/service.py in the transaction that adds or deletes a comment: the board
    # shows it without counting rows per task on every page read.
    comment_count: Mapped[int] = mapped_column(
        Integer, nullable=False, default=0, server_default=text("0")
    )
    version: Mapped[int] = mapped_column(Integer, nullable=False, default=1)
    search: Mapped[str] = mapped_column(
        TSVECTOR,
        Computed(
            "to_tsvector('english', coalesce(title, '') || ' ' || coalesce(description, ''))",
            persisted=True,
        ),
    )

    __table_args__ = (
        Index("ix_tasks_project_created", "project_id", text("created_at DESC"), text("id DESC")),
        Index(
            "ix_tasks_project_status_created",
            "project_id",
            "status",
            text("created_at DESC"),
            text("id DESC"),
        ),
        # The board: one column's tasks in order, keyset-paginated by (position, id).
        Index("ix_tasks_project_status_position", "project_id", "status", "position", "id"),
        Index(
            "ix_tasks_project_assignee_created",
            "project_id",
            "assignee_id",
            text("created_at DESC"),
            text("id DESC"),
        ),
        Index("ix_tasks_project_updated", "project_id", text("updated_at DESC"), text("id DESC")),
        Index("ix_tasks_project_priority", "project_id", text("priority DESC"), text("id DESC")),
        Index("ix_tasks_project_due", "project_id", text(DUE_DATE_KEY_SQL), "id"),
        Index("ix_tasks_search", "search", postgresql_using="gin"),
    )
