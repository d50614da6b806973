"""Comments on tasks (ADR 0103): members and owners write, everyone in the project reads;
authors edit and delete their own, owners may delete anyone's (moderation). Each change is
recorded in the activity in its own transaction, and keeps the task's comment count."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from taskapp.activity import repository as activity
from taskapp.comments import repository
from taskapp.comments.models import Comment
from taskapp.comments.schemas import (
    CommentCreate,
    CommentOut,
    CommentPage,
    CommentUpdate,
)
from taskapp.core.cache import Cache, project_tasks_key
from taskapp.core.db import after_commit
from taskapp.core.errors import Forbidden, NotFound, ValidationFailed
from taskapp.core.ratelimit import RateLimiter
from taskapp.core.schemas import CursorPageQuery
from taskapp.core.settings import Settings
from taskapp.events.hub import EventHub
from taskapp.projects.dependencies import ProjectAccess
from taskapp.projects.models import Role
from taskapp.tasks import repository as tasks

TASK_NOT_FOUND = "Task not found."
COMMENT_NOT_FOUND = "Comment not found."


def comment_out(comment: Comment, author_name: str | None) -> CommentOut:
    return CommentOut(
        id=comment.id,
        task_id=comment.task_id,
        author_id=comment.author_id,
        author_name=author_name,
        body=comment.body,
        mentions=list(comment.mentions),
        created_at=comment.created_at,
        edited_at=comment.edited_at,
    )


class CommentService:
    def __init__(
        self,
        session: AsyncSession,
        cache: Cache,
        events: EventHub,
        limiter: RateLimiter,
        settings: Settings,
    ) -> None:
        self.session = session
        self.cache = cache
        self.events = events
        self.limiter = limiter
        self.settings = settings

    async def page(
        self, access: ProjectAccess, task_id: uuid.UUID, query: CursorPageQuery
    ) -> CommentPage:
        if await tasks.get_task(self.session, access.project_id, task_id) is None:
            raise NotFound(TASK_NOT_FOUND)
        rows, next_cursor = await repository.page(
            self.session, access.project_id, task_id, query.limit, query.cursor
        )
        return CommentPage(
            items=[comment_out(comment, name) for comment, name in rows], next_cursor=next_cursor
        )

    async def create(
        self, access: ProjectAccess, task_id: uuid.UUID, data: CommentCreate
    ) -> CommentOut:
        await self.limiter.hit(
            "comments", str(access.user_id), self.settings.rate_limit_comments_per_user
        )
        if not await repository.count_on_task(self.session, access.project_id, task_id, 1):
            raise NotFound(TASK_NOT_FOUND)
        mentions = await self._mentions(access.project_id, data.mentions)
        comment = Comment(
            project_id=access.project_id,
            task_id=task_id,
            author_id=access.user_id,
            body=data.body,
            mentions=mentions,
        )
        self.session.add(comment)
        await self.session.flush()
        activity.record(
            self.session,
            access.project_id,
            access.user_id,
            "comment.created",
            task_id=task_id,
            target_id=comment.id,
        )
        self._after_commit(access, "comment.created", comment, count_changed=True)
        return comment_out(comment, await repository.author_name(self.session, access.user_id))

    async def update(
        self,
        access: ProjectAccess,
        task_id: uuid.UUID,
        comment_id: uuid.UUID,
        data: CommentUpdate,
    ) -> CommentOut:
        comment = await self._get(access, task_id, comment_id)
        if comment.author_id != access.user_id:
            raise Forbidden("You can only edit your own comments.")
        comment.body = data.body
        if isinstance(data.mentions, list):  # sent (left out: MISSING, unchanged)
            comment.mentions = await self._mentions(access.project_id, data.mentions)
        comment.edited_at = datetime.now(UTC)
        await self.session.flush()
        activity.record(
            self.session,
            access.project_id,
            access.user_id,
            "comment.edited",
            task_id=task_id,
            target_id=comment.id,
        )
        self._after_commit(access, "comment.edited", comment, count_changed=False)
        return comment_out(comment, await repository.author_name(self.session, access.user_id))

    async def delete(
        self, access: ProjectAccess, task_id: uuid.UUID, comment_id: uuid.UUID
    ) -> None:
        # The task's row first, then the comment's: the order a task's deletion takes them
        # (it cascades to its comments), so the two cannot deadlock.
        if not await repository.count_on_task(self.session, access.project_id, task_id, -1):
            raise NotFound(TASK_NOT_FOUND)
        comment = await self._get(access, task_id, comment_id)
        if comment.author_id != access.user_id and access.role != Role.owner:
            raise Forbidden("You can only delete your own comments; project owners can delete any.")
        activity.record(
            self.session,
            access.project_id,
            access.user_id,
            "comment.deleted",
            task_id=task_id,
            target_id=comment.id,
            changes={
                "author_id": activity.change(
                    None if comment.author_id is None else str(comment.author_id), None
                )
            },
        )
        await self.session.delete(comment)
        await self.session.flush()
        self._after_commit(access, "comment.deleted", comment, count_changed=True)

    async def _get(
        self, access: ProjectAccess, task_id: uuid.UUID, comment_id: uuid.UUID
    ) -> Comment:
        comment = await repository.get_comment(self.session, access.project_id, task_id, comment_id)
        if comment is None:
            raise NotFound(COMMENT_NOT_FOUND)
        return comment

    async def _mentions(self, project_id: uuid.UUID, wanted: list[uuid.UUID]) -> list[uuid.UUID]:
        """The mentioned ids, each once, in the order sent; 422 naming any non-member."""
        mentions = list(dict.fromkeys(wanted))
        members = await repository.members_among(self.session, project_id, mentions)
        problems = [
            {"loc": ["body", "mentions", index], "message": "not a project member"}
            for index, user_id in enumerate(wanted)
            if user_id not in members
        ]
        if problems:
            raise ValidationFailed(
                "Only members of the project can be mentioned; remove the others.",
                details=problems,
            )
        return mentions

    def _after_commit(
        self, access: ProjectAccess, kind: str, comment: Comment, *, count_changed: bool
    ) -> None:
        """Once committed: the task pages go from the cache when the comment count changed
        (as after a task update), and the project's live stream names the comment."""
        project_id = access.project_id
        change: dict[str, Any] = {
            "kind": kind,
            "task_id": str(comment.task_id),
            "comment_id": str(comment.id),
            "actor_id": str(access.user_id),
        }

        async def invalidate() -> None:
            if count_changed:
                await self.cache.invalidate(project_tasks_key(project_id))
            await self.events.publish(project_id, change)

        after_commit(self.session, invalidate)
