from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from taskapp.attachments.models import AttachmentStatus

Filename = Annotated[
    str,
    StringConstraints(
        strip_whitespace=True, min_length=1, max_length=255, pattern=r"^[^/\\\x00-\x1f]+$"
    ),
]
ContentType = Annotated[
    str, StringConstraints(min_length=3, max_length=127, pattern=r"^[\w.+-]+/[\w.+-]+$")
]


class AttachmentCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")
    filename: Filename
    content_type: ContentType
    size_bytes: Annotated[int, Field(ge=1, description="Exact size of the file in bytes.")]


class AttachmentOut(BaseModel):
    id: uuid.UUID
    task_id: uuid.UUID
    filename: str
    content_type: str
    size_bytes: int
    status: AttachmentStatus
    created_at: datetime


class PresignedPost(BaseModel):
    url: str = Field(description="POST a multipart form here: the fields, then `file` last.")
    fields: dict[str, str]
    expires_in: int


class UploadTicket(BaseModel):
    attachment: AttachmentOut
    upload: PresignedPost


class AttachmentList(BaseModel):
    items: list[AttachmentOut]


class DownloadLink(BaseModel):
    url: str
    expires_in: int
