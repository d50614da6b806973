from __future__ import annotations

import enum
import uuid

from sqlalchemy import Enum, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from taskapp.core.db import Base, TimestampMixin, new_id


class Role(enum.StrEnum):
    owner = "owner"
    member = "member"
    viewer = "viewer"

    @property
    def rank(self) -> int:
        return {"viewer": 1, "member": 2, "owner": 3}[self.value]


def roles_at_least(minimum: Role) -> tuple[Role, ...]:
    """The roles of rank `minimum` or higher."""
    return tuple(role for role in Role if role.rank >= minimum.rank)


class Project(TimestampMixin, Base):
    __tablename__ = "projects"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=new_id)
    name: Mapped[str] = mapped_column(String(100), nullable=False)
    description: Mapped[str] = mapped_column(Text, nullable=False, default="")


class Membership(TimestampMixin, Base):
    __tablename__ = "memberships"

    project_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("projects.id", ondelete="CASCADE"), primary_key=True
    )
    user_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    role: Mapped[Role] = mapped_column(
        Enum(Role, name="project_role", values_callable=lambda e: [m.value for m in e]),
        nullable=False,
    )
