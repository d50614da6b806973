from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated

from pydantic import MISSING, BaseModel, ConfigDict, Field, StringConstraints

from taskapp.core.schemas import Text

MAX_BODY_CHARS = 10_000
MAX_MENTIONS = 20

Body = Annotated[
    Text,
    StringConstraints(strip_whitespace=True, min_length=1, max_length=MAX_BODY_CHARS),
    Field(
        description=(
            f"Markdown source, 1 to {MAX_BODY_CHARS:,} characters (leading and trailing "
            "whitespace is dropped). Stored and returned as written: render it sanitised."
        )
    ),
]
Mentions = Annotated[
    list[uuid.UUID],
    Field(
        max_length=MAX_MENTIONS,
        description=(
            f"The user ids of the members the comment mentions (at most {MAX_MENTIONS}; "
            "duplicates count once). Each must be a member of the project (422 otherwise). "
            "The text is not parsed for mentions: the client sends whom it means."
        ),
    ),
]


class CommentCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")
    body: Body
    mentions: Mentions = Field(default_factory=list)


class CommentUpdate(BaseModel):
    """The new text; `mentions`, if sent, replaces the list (left out: unchanged)."""

    model_config = ConfigDict(extra="forbid")
    body: Body
    mentions: Mentions | MISSING = MISSING


class CommentOut(BaseModel):
    id: uuid.UUID
    task_id: uuid.UUID
    author_id: uuid.UUID | None = Field(description="null: the author's account was deleted.")
    author_name: str | None = Field(description="The author's display name, if known.")
    body: str = Field(description="Markdown source as written; sanitise when rendering.")
    mentions: list[uuid.UUID]
    created_at: datetime
    edited_at: datetime | None = Field(description="When the author last edited it, if ever.")


class CommentPage(BaseModel):
    items: list[CommentOut] = Field(description="Oldest first.")
    next_cursor: str | None = Field(
        description="Pass as `cursor` for the next page; null at the end."
    )
