from __future__ import annotations

import uuid
from datetime import datetime
from typing import Literal

from pydantic import BaseModel, Field, JsonValue

ActivityKind = Literal[
    "task.created",
    "task.updated",
    "task.deleted",
    "comment.created",
    "comment.edited",
    "comment.deleted",
    "attachment.added",
    "attachment.deleted",
    "member.joined",
    "member.role_changed",
    "member.removed",
    "member.left",
]


class FieldChange(BaseModel):
    before: JsonValue = Field(description="The value before (null: none, e.g. on creation).")
    after: JsonValue = Field(description="The value after (null: none, e.g. on deletion).")


class ActivityOut(BaseModel):
    id: uuid.UUID
    project_id: uuid.UUID
    task_id: uuid.UUID | None = Field(description="The task concerned, if any (it may be gone).")
    actor_id: uuid.UUID | None = Field(description="Who did it (null: the account was deleted).")
    kind: ActivityKind
    target_id: uuid.UUID | None = Field(
        description=(
            "What the entry is about besides the task: the comment (comment.*), the attachment "
            "(attachment.*) or the member whose membership changed (member.*)."
        )
    )
    changes: dict[str, FieldChange] = Field(
        description=(
            "The fields that changed, each with its value before and after, as the API shows "
            "them (task.*: the task's fields; member.*: `role`; attachment.*: `filename`; "
            "comment.deleted: `author_id`). Comment text is never copied here."
        )
    )
    created_at: datetime


class ActivityPage(BaseModel):
    items: list[ActivityOut] = Field(description="Newest first.")
    next_cursor: str | None = Field(
        description="Pass as `cursor` for the next page; null at the end."
    )
