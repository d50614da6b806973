"""Types shared by the request schemas of every domain, so that a rule about what may enter
holds everywhere at once (ADR 0090).

- `Text`: every string a client sends is `Text` or built on it. PostgreSQL cannot store NUL
  (U+0000) in text, so a NUL is refused with 422 here, naming the field, instead of failing in
  the database. (Unpaired surrogates, which JSON can spell as `\\ud800` but UTF-8 cannot carry,
  are refused by pydantic itself.) The pattern is in the OpenAPI document too.
- Optional body fields that refuse null are typed `X | MISSING = MISSING`: leaving the field
  out means "unchanged", and the document shows no `null` a client could be tempted to send.
- Optional query parameters are `Annotated[X | None, OMIT_NULL] = None`: a query string cannot
  carry a null, so the document shows none (validation and its errors stay those of `X`).
"""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

NO_NUL_PATTERN = r"^[^\x00]*$"

Text = Annotated[str, StringConstraints(pattern=NO_NUL_PATTERN)]
"""Any string from a client: no NUL. Bound it with `Annotated[Text, StringConstraints(...)]`
or `Field(max_length=...)`; a pattern of its own replaces this one, so it must exclude NUL too."""


def omit_null(schema: dict[str, Any]) -> None:
    """Drop `null` from a field's JSON schema (and a `null` default)."""
    variants = schema.pop("anyOf", None)
    if isinstance(variants, list):
        (kept,) = [v for v in variants if v != {"type": "null"}]
        assert isinstance(kept, dict)  # noqa: S101 - a JSON schema is an object
        schema.update(kept)
    if "default" in schema and schema["default"] is None:
        del schema["default"]


OMIT_NULL = Field(json_schema_extra=omit_null)
"""For `X | None = None` fields that can only be left out (query parameters)."""


class CursorPageQuery(BaseModel):
    """A page of a list read with a cursor (comments, activity): how many, and from where."""

    model_config = ConfigDict(extra="forbid")
    limit: Annotated[int, Field(ge=1, le=100)] = 50
    cursor: Annotated[
        Text | None,
        Field(max_length=512, description="The previous page's `next_cursor`."),
        OMIT_NULL,
    ] = None
