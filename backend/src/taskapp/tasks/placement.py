"""A task's place in its board column (ADR 0106): integer positions with gaps, lower is higher
on the board, ties by id. A task goes between two neighbours at the midpoint of their
positions; when two neighbours have no integer left between them, the column is renumbered
with fresh gaps in the same transaction, then the task is placed.

Every move into or within a column first takes the column's lock, a transaction-level
advisory lock, and only then locks the task's row: so two moves into one gap never read the
same neighbours, a renumbering never races a move, and a renumbering (which writes every row
of the column) never waits on a task row whose holder waits on the column, as it would if the
row were locked first. A new task takes no lock: its one statement puts it above the column's
first task as it reads it (tasks/repository.py CREATE_SQL, ADR 0106's amendment), so tasks
created at the same moment may share a position (ties go by id), and a renumbering keeps the
column's first position, so a new task that read the column before it still lands above
every task that was there."""

from __future__ import annotations

import hashlib
import uuid

from sqlalchemy import func, select, text, tuple_, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from taskapp.core.errors import Conflict, ValidationFailed
from taskapp.tasks.models import POSITION_GAP, Task, TaskStatus

# PostgreSQL's bigint.
MIN_POSITION = -(2**63)
MAX_POSITION = 2**63 - 1


def column_lock_key(project_id: uuid.UUID, status: TaskStatus) -> int:
    """The advisory lock's key for one column: 64 bits of a hash of its name (two columns that
    share a key only wait for each other)."""
    name = f"taskapp.tasks.column:{project_id}:{TaskStatus(status).value}".encode()
    return int.from_bytes(hashlib.blake2b(name, digest_size=8).digest(), "big", signed=True)


async def lock_column(session: AsyncSession, project_id: uuid.UUID, status: TaskStatus) -> None:
    """Wait for the column's lock, held until the transaction ends."""
    await session.execute(
        text("SELECT pg_advisory_xact_lock(:key)"), {"key": column_lock_key(project_id, status)}
    )


async def position_for(
    session: AsyncSession,
    project_id: uuid.UUID,
    task_id: uuid.UUID,
    status: TaskStatus,
    after_id: uuid.UUID | None,
) -> int:
    """The position that puts the task right after `after_id` in the column `status`, or at
    its top if `after_id` is None (the column's lock held). 422 if `after_id` is no task of the
    project, 409 if it is in another column."""
    position = await _free_position(session, project_id, task_id, status, after_id)
    if position is None:
        await renumber(session, project_id, status)
        position = await _free_position(session, project_id, task_id, status, after_id)
    if position is None:  # pragma: no cover - a renumbered column has room everywhere
        raise AssertionError("no room in a renumbered column")
    return position


async def _free_position(
    session: AsyncSession,
    project_id: uuid.UUID,
    task_id: uuid.UUID,
    status: TaskStatus,
    after_id: uuid.UUID | None,
) -> int | None:
    """The position between the neighbours (None if they have no integer between them)."""
    if after_id is None:
        first = await session.scalar(
            select(Task.position)
            .where(Task.project_id == project_id, Task.status == status, Task.id != task_id)
            .order_by(Task.position, Task.id)
            .limit(1)
        )
        if first is None:
            return 0
        return first - POSITION_GAP if first - POSITION_GAP >= MIN_POSITION else None
    after = aliased(Task)
    following = aliased(Task)
    next_position = (
        select(following.position)
        .where(
            following.project_id == project_id,
            following.status == status,
            following.id != task_id,
            tuple_(following.position, following.id) > tuple_(after.position, after.id),
        )
        .order_by(following.position, following.id)
        .limit(1)
        .scalar_subquery()
    )
    found = (
        await session.execute(
            select(after.status, after.position, next_position).where(
                after.id == after_id, after.project_id == project_id
            )
        )
    ).one_or_none()
    if found is None:
        raise ValidationFailed(
            f"`after_id` {after_id} is not a task of this project.",
            details=[
                {"loc": ["body", "after_id"], "message": "not a task of this project",
                 "type": "value_error"}
            ],
        )  # fmt: skip
    after_status, after_position, next_pos = found
    if TaskStatus(after_status) != status:
        raise Conflict(
            f"The task to place this one after is in the column `{TaskStatus(after_status)}`, "
            f"not `{status}`; reload the board and try again.",
            details={"after_status": TaskStatus(after_status).value, "status": status.value},
        )
    if next_pos is None:
        bottom: int = after_position + POSITION_GAP
        return bottom if bottom <= MAX_POSITION else None
    if next_pos - after_position < 2:
        return None
    return int(after_position + (next_pos - after_position) // 2)


# Where a renumbered column may start at most (least): room for 2^42 tasks after it, and as
# many placements at its top, before the bigint's range runs out.
RENUMBER_BOUND = 2**62


async def renumber(session: AsyncSession, project_id: uuid.UUID, status: TaskStatus) -> None:
    """Give the column fresh positions, POSITION_GAP apart, in its current order, starting at
    its first task's position (kept within RENUMBER_BOUND), with the column's lock held.
    Keeping the start means a task created meanwhile (no lock: above the first task it read)
    stays above the column. Versions and update times stay: no task's place against the
    others changes."""
    start = func.greatest(
        func.least(func.min(Task.position).over(), RENUMBER_BOUND), -RENUMBER_BOUND
    )
    numbered = (
        select(
            Task.id,
            (
                start
                + (func.row_number().over(order_by=(Task.position, Task.id)) - 1) * POSITION_GAP
            ).label("place"),
        )
        .where(Task.project_id == project_id, Task.status == status)
        .subquery()
    )
    await session.execute(
        update(Task)
        .where(Task.id == numbered.c.id)
        .values(position=numbered.c.place)
        .execution_options(synchronize_session=False)
    )
