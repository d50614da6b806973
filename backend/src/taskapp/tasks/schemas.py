from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Annotated, Literal

from pydantic import MISSING, BaseModel, ConfigDict, Field, StringConstraints

from taskapp.core.schemas import OMIT_NULL, Text
from taskapp.tasks.models import Priority, TaskStatus

Title = Annotated[Text, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]
Description = Annotated[Text, Field(max_length=10_000)]
# JSON Schema has no bounds for dates: the pattern says "2000-01-01 to 2999-12-31" instead.
DueDate = Annotated[
    date,
    Field(
        ge=date(2000, 1, 1),
        le=date(2999, 12, 31),
        description="From 2000-01-01 to 2999-12-31.",
        json_schema_extra={"pattern": "^2[0-9]{3}-[0-9]{2}-[0-9]{2}$"},
    ),
]
TaskSort = Literal["-created_at", "created_at", "-updated_at", "due_date", "-priority", "position"]
PriorityName = Literal["low", "medium", "high", "urgent"]


class TaskCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")
    title: Title
    description: Description = ""
    status: TaskStatus = TaskStatus.todo
    priority: PriorityName = "medium"
    assignee_id: uuid.UUID | None = None
    due_date: DueDate | None = None


class TaskUpdate(BaseModel):
    """Only the fields sent change; send `null` to clear assignee or due date, or as `after_id`
    to place the task at the top of its column (the other fields cannot be null)."""

    model_config = ConfigDict(extra="forbid")
    title: Title | MISSING = MISSING
    description: Description | MISSING = MISSING
    status: TaskStatus | MISSING = MISSING
    priority: PriorityName | MISSING = MISSING
    assignee_id: uuid.UUID | MISSING | None = MISSING
    due_date: DueDate | MISSING | None = MISSING
    after_id: uuid.UUID | MISSING | None = Field(
        default=MISSING,
        description=(
            "Place the task right after this task in its column (the column of `status` if "
            "sent, else the task's own); `null` puts it at the top. Without it, a task whose "
            "status changes goes to the top of its new column and any other keeps its place."
        ),
    )


class TaskOut(BaseModel):
    id: uuid.UUID
    project_id: uuid.UUID
    title: str
    description: str
    status: TaskStatus
    position: int = Field(
        description=(
            "The task's place in its column's board order: lower is higher on the board. Only "
            "its order against other tasks means anything."
        )
    )
    priority: PriorityName
    assignee_id: uuid.UUID | None
    due_date: date | None
    version: int = Field(description="Send it back as If-Match to update or delete.")
    created_at: datetime
    updated_at: datetime
    created_by_id: uuid.UUID | None = Field(
        description="Who created the task (null: unknown, or the account was deleted)."
    )
    updated_by_id: uuid.UUID | None = Field(
        description="Who changed the task last (null: unknown, or the account was deleted)."
    )
    comment_count: int = Field(ge=0, description="How many comments the task has.")


class TaskPage(BaseModel):
    items: list[TaskOut]
    next_cursor: str | None = Field(
        description="Pass as `cursor` for the next page; null at the end."
    )


AssigneeFilter = Annotated[uuid.UUID | None, OMIT_NULL]
PriorityFilter = Annotated[PriorityName | None, OMIT_NULL]
SearchText = Annotated[
    Text | None,
    Field(
        max_length=200,
        description=(
            "Full-text search: every word must match the start of a word in the title or "
            'description ("hom" finds "home"); a "quoted phrase" matches those words in order.'
        ),
    ),
    OMIT_NULL,
]


class TaskQuery(BaseModel):
    model_config = ConfigDict(extra="forbid")
    status: Annotated[TaskStatus | None, OMIT_NULL] = None
    assignee_id: AssigneeFilter = None
    priority: PriorityFilter = None
    q: SearchText = None
    sort: Annotated[
        TaskSort,
        Field(
            description=(
                "`position` is the board's order of a column (top first): use it with `status`."
            )
        ),
    ] = "-created_at"
    limit: Annotated[int, Field(ge=1, le=100)] = 50
    cursor: Annotated[
        Text | None,
        Field(max_length=512, description="The previous page's `next_cursor`."),
        OMIT_NULL,
    ] = None


class TaskCountsQuery(BaseModel):
    """The list's filters but status: the counts of each status under the same filters."""

    model_config = ConfigDict(extra="forbid")
    assignee_id: AssigneeFilter = None
    priority: PriorityFilter = None
    q: SearchText = None


class TaskCounts(BaseModel):
    todo: int
    in_progress: int
    done: int
    total: int


def priority_value(name: PriorityName) -> int:
    return int(Priority[name])


def priority_name(value: int) -> PriorityName:
    return Priority(value).name  # type: ignore[return-value]
