"""The history of a profile: who changed what, when, and why (moderation included)."""

from __future__ import annotations

import enum
from datetime import datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import JSON, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from twinning.extensions import db
from twinning.models.types import AwareDateTime, str_enum, utcnow

if TYPE_CHECKING:
    from twinning.models.account import User
    from twinning.models.profile import Profile


class ChangeAction(enum.StrEnum):
    SUBMITTED = "submitted"  # created through the site, waiting for a moderator
    CREATED = "created"  # created and published at once (facilitator, moderator)
    EDITED = "edited"
    IMPORTED = "imported"  # changed by an interchange file
    APPROVED = "approved"
    REJECTED = "rejected"
    ARCHIVED = "archived"
    RESTORED = "restored"
    ORPHANED = "orphaned"  # archived: its last owner deleted their account
    HANDED_OVER = "handed_over"  # a facilitator's profile given to the organisation


class ProfileChange(db.Model):
    """One change. ``fields`` maps each changed interchange field to ``[old, new]``.

    When its author's account is deleted the change stays, anonymised (``user_id`` null).
    An edit of a published profile by its own people waits for a moderator to look at it
    (``reviewed_at`` empty).
    """

    __tablename__ = "profile_change"

    id: Mapped[int] = mapped_column(primary_key=True)
    profile_id: Mapped[int] = mapped_column(ForeignKey("profile.id", ondelete="CASCADE"),
                                            index=True)
    user_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL"), index=True
    )
    action: Mapped[ChangeAction] = mapped_column(str_enum(ChangeAction))
    fields: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    reason: Mapped[str | None] = mapped_column(Text)
    at: Mapped[datetime] = mapped_column(AwareDateTime, default=utcnow, index=True)
    needs_review: Mapped[bool] = mapped_column(default=False, index=True)
    reviewed_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL")
    )
    source: Mapped[str | None] = mapped_column(String(200))  # an import's file name

    profile: Mapped[Profile] = relationship()
    user: Mapped[User | None] = relationship(foreign_keys=[user_id])
