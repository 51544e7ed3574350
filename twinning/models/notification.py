"""What a person is told inside the site (the count in the header), which suggested
partners an organisation's weekly digest has already shown, and the e-mails on their way."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import JSON, ForeignKey, Integer, LargeBinary, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from twinning.extensions import db
from twinning.models.types import AwareDateTime, utcnow

if TYPE_CHECKING:
    from twinning.models.exchange import Exchange
    from twinning.models.profile import Profile


class Notification(db.Model):
    """One event for one person: ``event`` names it (``twinning.notifications.events``),
    ``data`` holds what the sentence needs (names are read from the rows at display time)."""

    __tablename__ = "notification"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"),
                                         index=True)
    event: Mapped[str] = mapped_column(String(40))
    exchange_id: Mapped[int | None] = mapped_column(
        ForeignKey("exchange.id", ondelete="CASCADE"))
    profile_id: Mapped[int | None] = mapped_column(ForeignKey("profile.id",
                                                              ondelete="CASCADE"))
    data: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    created_at: Mapped[datetime] = mapped_column(AwareDateTime, default=utcnow, index=True)
    read_at: Mapped[datetime | None] = mapped_column(AwareDateTime)

    exchange: Mapped[Exchange | None] = relationship()
    profile: Mapped[Profile | None] = relationship()


class DigestEntry(db.Model):
    """A suggested partner already shown to an organisation by a digest: never twice."""

    __tablename__ = "digest_entry"

    profile_id: Mapped[int] = mapped_column(ForeignKey("profile.id", ondelete="CASCADE"),
                                            primary_key=True)
    partner_id: Mapped[int] = mapped_column(ForeignKey("profile.id", ondelete="CASCADE"),
                                            primary_key=True)
    sent_at: Mapped[datetime] = mapped_column(AwareDateTime, default=utcnow)


class OutgoingEmail(db.Model):
    """One e-mail for one event and one recipient, from the moment it is written until it
    is sent. ``key`` (unique: the event and the recipient, e.g. ``notification:42``) makes
    a second e-mail for the same event impossible; ``claimed_at`` is set, in its own
    committed UPDATE, before the message leaves and ``sent_at`` after, so a job tried again
    never sends what was sent. The message itself (links with tokens in it) is cleared
    once sent."""

    __tablename__ = "outgoing_email"

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(200), unique=True)
    message: Mapped[bytes | None] = mapped_column(LargeBinary)
    created_at: Mapped[datetime] = mapped_column(AwareDateTime, default=utcnow)
    claimed_at: Mapped[datetime | None] = mapped_column(AwareDateTime)
    sent_at: Mapped[datetime | None] = mapped_column(AwareDateTime, index=True)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    last_error: Mapped[str | None] = mapped_column(Text)
