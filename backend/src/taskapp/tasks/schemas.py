from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from taskapp.tasks.models import Priority, TaskStatus

Title = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]
Description = Annotated[str, Field(max_length=10_000)]
DueDate = Annotated[date, Field(ge=date(2000, 1, 1), le=date(2999, 12, 31))]
TaskSort = Literal["-created_at", "created_at", "-updated_at", "due_date", "-priority"]
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
    """Only the fields sent change; send `null` to clear assignee or due date."""

    model_config = ConfigDict(extra="forbid")
    title: Title | None = None
    description: Description | None = None
    status: TaskStatus | None = None
    priority: PriorityName | None = None
    assignee_id: uuid.UUID | None = None
    due_date: DueDate | None = None


class TaskOut(BaseModel):
    id: uuid.UUID
    project_id: uuid.UUID
    title: str
    description: str
    status: TaskStatus
    priority: PriorityName
    assignee_id: uuid.UUID | None
    due_date: date | None
    version: int = Field(description="Send it back as If-Match to update or delete.")
    created_at: datetime
    updated_at: datetime


class TaskPage(BaseModel):
    items: list[TaskOut]
    next_cursor: str | None = Field(
        description="Pass as `cursor` for the next page; null at the end."
    )


class TaskQuery(BaseModel):
    model_config = ConfigDict(extra="forbid")
    status: TaskStatus | None = None
    assignee_id: uuid.UUID | None = None
    priority: PriorityName | None = None
    q: Annotated[str | None, Field(max_length=200, description="Full-text search.")] = None
    sort: TaskSort = "-created_at"
    limit: Annotated[int, Field(ge=1, le=100)] = 50
    cursor: Annotated[str | None, Field(max_length=512)] = None


class TaskCounts(BaseModel):
    todo: int
    in_progress: int
    done: int
    total: int


def priority_value(name: PriorityName) -> int:
    return int(Priority[name])


def priority_name(value: int) -> PriorityName:
    return Priority(value).name  # type: ignore[return-value]
