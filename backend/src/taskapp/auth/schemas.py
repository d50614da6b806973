from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, EmailStr, Field, StringConstraints

from taskapp.core.schemas import Text, omit_null

Password = Annotated[
    Text, Field(min_length=12, max_length=128, description="12 to 128 characters.")
]
AnyPassword = Annotated[Text, Field(min_length=1, max_length=128)]
DisplayName = Annotated[
    Text, StringConstraints(strip_whitespace=True, min_length=1, max_length=100)
]
# email-validator refuses NUL and other control characters itself.
Email = Annotated[EmailStr, Field(max_length=320)]
RefreshToken = Annotated[Text, Field(min_length=1, max_length=256)]


class SignupRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")
    email: Email
    password: Password
    display_name: DisplayName


class LoginRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")
    email: Email
    password: AnyPassword


class RefreshRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")
    refresh_token: RefreshToken


class ChangePasswordRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")
    current_password: AnyPassword
    new_password: Password


class UserOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    id: uuid.UUID
    email: str
    display_name: str
    created_at: datetime


class TokenPair(BaseModel):
    access_token: str
    refresh_token: str | None = Field(
        default=None,
        json_schema_extra=omit_null,  # left out, never null
        description=("Absent for a browser client (`X-Requested-With`): it is the session cookie."),
    )
    token_type: Literal["bearer"] = "bearer"  # noqa: S105 - a scheme name, not a secret
    expires_in: int = Field(description="Seconds until the access token expires.")


class SessionOut(BaseModel):
    user: UserOut
    tokens: TokenPair
