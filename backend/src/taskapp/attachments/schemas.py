from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from taskapp.attachments.models import AttachmentStatus
from taskapp.core.schemas import Text

# Own patterns replace Text's: both exclude NUL (and every other control character).
Filename = Annotated[
    Text,
    StringConstraints(
        strip_whitespace=True, min_length=1, max_length=255, pattern=r"^[^/\\\x00-\x1f]+$"
    ),
]
ContentType = Annotated[
    Text, StringConstraints(min_length=3, max_length=127, pattern=r"^[\w.+-]+/[\w.+-]+$")
]


class AttachmentCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")
    filename: Filename
    content_type: ContentType
    size_bytes: Annotated[
        int,
        Field(ge=1, description="Exact size of the file in bytes; over the maximum: 413."),
    ]


def document_upload_limits(
    openapi: dict[str, Any], content_types: list[str], max_bytes: int
) -> None:
    """Write the configured limits into the OpenAPI document (they are settings, not code): the
    accepted content types (others: 422) and the largest size (larger: 413)."""
    properties = openapi["components"]["schemas"]["AttachmentCreate"]["properties"]
    properties["content_type"]["enum"] = list(content_types)
    properties["size_bytes"]["maximum"] = max_bytes


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
