"""Every table, imported in one place for Alembic and the tests."""

from taskapp.activity.models import Activity
from taskapp.attachments.models import Attachment
from taskapp.auth.models import RefreshToken, User
from taskapp.comments.models import Comment
from taskapp.core.db import Base
from taskapp.exports.models import ExportJob
from taskapp.invitations.models import Invitation
from taskapp.projects.models import Membership, Project
from taskapp.tasks.models import Task

metadata = Base.metadata

__all__ = [
    "Activity",
    "Attachment",
    "Comment",
    "ExportJob",
    "Invitation",
    "Membership",
    "Project",
    "RefreshToken",
    "Task",
    "User",
    "metadata",
]
