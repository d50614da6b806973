"""Comment queries: a task's comments oldest first, keyset-paginated over (created_at, id)."""

from __future__ import annotations

import uuid
from collections.abc import Sequence

from sqlalchemy import select, tuple_, update
from sqlalchemy.ext.asyncio import AsyncSession

from taskapp.auth.models import User
from taskapp.comments.models import Comment
from taskapp.core import cursors
from taskapp.projects.models import Membership
from taskapp.tasks.models import Task

CURSOR_KIND = "comments"


async def count_on_task(
    session: AsyncSession, project_id: uuid.UUID, task_id: uuid.UUID, delta: int
) -> bool:
    """Add `delta` to the task's comment count, locking its row until the transaction ends
    (False: no such task in the project). Taken before a comment is added or deleted, so a
    concurrent task deletion either comes before (then this finds no task) or waits. The
    task's version and updated_at stay: a comment is not a change to the task's fields."""
    result = await session.execute(
        update(Task)
        .where(Task.id == task_id, Task.project_id == project_id)
        .values(comment_count=Task.comment_count + delta)
        .returning(Task.id)
        .execution_options(synchronize_session=False)
    )
    return result.scalar_one_or_none() is not None


async def get_comment(
    session: AsyncSession,
    project_id: uuid.UUID,
    task_id: uuid.UUID,
    comment_id: uuid.UUID,
) -> Comment | None:
    """The comment, locked until the transaction ends (a concurrent edit or delete waits,
    then finds it as this one left it, or gone)."""
    result = await session.execute(
        select(Comment)
        .where(
            Comment.id == comment_id,
            Comment.task_id == task_id,
            Comment.project_id == project_id,
        )
        .with_for_update()
        .execution_options(populate_existing=True)
    )
    return result.scalar_one_or_none()


async def author_name(session: AsyncSession, author_id: uuid.UUID | None) -> str | None:
    if author_id is None:
        return None
    name: str | None = await session.scalar(select(User.display_name).where(User.id == author_id))
    return name


async def members_among(
    session: AsyncSession, project_id: uuid.UUID, user_ids: Sequence[uuid.UUID]
) -> set[uuid.UUID]:
    """Which of `user_ids` are members of the project."""
    if not user_ids:
        return set()
    result = await session.execute(
        select(Membership.user_id).where(
            Membership.project_id == project_id, Membership.user_id.in_(user_ids)
        )
    )
    return set(result.scalars())


async def page(
    session: AsyncSession,
    project_id: uuid.UUID,
    task_id: uuid.UUID,
    limit: int,
    cursor: str | None,
) -> tuple[list[tuple[Comment, str | None]], str | None]:
    """A page of the task's comments, oldest first, each with its author's name; and the
    next cursor."""
    statement = (
        select(Comment, User.display_name)
        .outerjoin(User, User.id == Comment.author_id)
        .where(Comment.task_id == task_id, Comment.project_id == project_id)
    )
    if cursor is not None:
        created_at, last_id = cursors.decode(cursor, CURSOR_KIND)
        statement = statement.where(
            tuple_(Comment.created_at, Comment.id) > tuple_(created_at, last_id)
        )
    statement = statement.order_by(Comment.created_at, Comment.id).limit(limit + 1)
    rows: list[tuple[Comment, str | None]] = [
        (comment, name) for comment, name in (await session.execute(statement)).all()
    ]
    next_cursor = None
    if len(rows) > limit:
        rows = rows[:limit]
        last = rows[-1][0]
        next_cursor = cursors.encode(CURSOR_KIND, last.created_at, last.id)
    return rows, next_cursor
