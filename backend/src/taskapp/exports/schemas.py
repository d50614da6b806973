from __future__ import annotations

import uuid
from datetime import datetime

from pydantic import BaseModel, Field

from taskapp.exports.models import ExportStatus


class ExportOut(BaseModel):
    id: uuid.UUID
    project_id: uuid.UUID
    status: ExportStatus
    row_count: int | None
    error: str | None
    download_url: str | None = Field(description="Short-lived CSV link once status is done.")
    created_at: datetime
    updated_at: datetime
