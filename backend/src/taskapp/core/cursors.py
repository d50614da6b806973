"""Cursors for lists ordered by (created_at, id): comments and activity. A cursor names the
last item a page showed and the list it belongs to; anything else is client input the API
did not write, refused with 400 before it reaches the database (ADR 0090)."""

from __future__ import annotations

import base64
import binascii
import uuid
from datetime import UTC, datetime

import orjson

from taskapp.core.errors import BadRequest

INVALID_CURSOR = "The cursor is not valid for this list; start from the first page."
# As tasks/repository.py: instants Python can move to UTC.
_OLDEST = datetime(1, 1, 2, tzinfo=UTC)
_NEWEST = datetime(9999, 12, 30, tzinfo=UTC)


def encode(kind: str, created_at: datetime, item_id: uuid.UUID) -> str:
    raw = orjson.dumps([kind, created_at.isoformat(), str(item_id)])
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode(cursor: str, kind: str) -> tuple[datetime, uuid.UUID]:
    """The (created_at, id) a cursor of `kind` names, or 400."""
    try:
        raw = base64.b64decode(cursor + "=" * (-len(cursor) % 4), altchars=b"-_", validate=True)
        decoded = orjson.loads(raw)
    except (ValueError, binascii.Error, orjson.JSONDecodeError) as exc:
        raise BadRequest(INVALID_CURSOR) from exc
    if not (isinstance(decoded, list) and len(decoded) == 3 and decoded[0] == kind):
        raise BadRequest(INVALID_CURSOR)
    _, instant_text, item_id = decoded
    try:
        if not isinstance(instant_text, str) or not isinstance(item_id, str):
            raise ValueError("not a cursor")
        instant = datetime.fromisoformat(instant_text)
        if instant.tzinfo is None or not _OLDEST <= instant <= _NEWEST:
            raise ValueError("not an instant in range")
        return instant, uuid.UUID(item_id)
    except ValueError as exc:
        raise BadRequest(INVALID_CURSOR) from exc
