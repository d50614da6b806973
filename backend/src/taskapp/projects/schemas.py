from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated

from pydantic import MISSING, BaseModel, ConfigDict, Field, StringConstraints

from taskapp.core.schemas import Text
from taskapp.projects.models import Role

ProjectName = Annotated[
    Text, StringConstraints(strip_whitespace=True, min_length=1, max_length=100)
]
ProjectDescription = Annotated[Text, Field(max_length=2000)]


class ProjectCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")
    name: ProjectName
    description: ProjectDescription = ""


class ProjectUpdate(BaseModel):
    """Only the fields sent change (neither can be null)."""

    model_config = ConfigDict(extra="forbid")
    name: ProjectName | MISSING = MISSING
    description: ProjectDescription | MISSING = MISSING


class ProjectOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    id: uuid.UUID
    name: str
    description: str
    role: Role = Field(description="The caller's role in this project.")
    created_at: datetime
    updated_at: datetime


class ProjectList(BaseModel):
    items: list[ProjectOut]


class MemberUpdate(BaseModel):
    model_config = ConfigDict(extra="forbid")
    role: Role


class MemberOut(BaseModel):
    user_id: uuid.UUID
    email: str
    display_name: str
    role: Role


class MemberList(BaseModel):
    items: list[MemberOut]
