"""Exchange requests between two organisations, from the request to the partnership, with
their history of transitions and their message thread."""

from __future__ import annotations

import enum
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import JSON, CheckConstraint, Date, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from twinning.extensions import db
from twinning.models.types import AwareDateTime, str_enum, utcnow

if TYPE_CHECKING:
    from twinning.models.account import User
    from twinning.models.profile import Profile


class Purpose(enum.StrEnum):
    EXPERIENCE_EXCHANGE = "experience_exchange"
    TWINNING = "twinning"  # a decentralised cooperation agreement between local authorities
    TRAINING_VISIT = "training_visit"
    TRADE = "trade"  # a commercial or fair-trade partnership
    JOINT_PROJECT = "joint_project"  # a joint project or funding application


class ExchangeState(enum.StrEnum):
    """The states; which way they may go is the table of ``twinning.exchanges.states``."""

    SENT = "sent"
    ACCEPTED = "accepted"
    DECLINED = "declined"
    WITHDRAWN = "withdrawn"
    EXPIRED = "expired"
    IN_PROGRESS = "in_progress"
    COMPLETED = "completed"
    ENDED = "ended"


class Exchange(db.Model):
    __tablename__ = "exchange"
    __table_args__ = (
        CheckConstraint("requester_id <> partner_id", name="two_organisations"),
        # open_key is set exactly while the request is open (``states.OPEN_STATES``).
        CheckConstraint("(state IN ('sent', 'accepted', 'in_progress')) = "
                        "(open_key IS NOT NULL)", name="open_key_while_open"),
        CheckConstraint("period_from IS NULL OR period_to IS NULL OR period_from <= period_to",
                        name="period_in_order"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    requester_id: Mapped[int] = mapped_column(ForeignKey("profile.id", ondelete="CASCADE"),
                                              index=True)
    partner_id: Mapped[int] = mapped_column(ForeignKey("profile.id", ondelete="CASCADE"),
                                            index=True)
    purpose: Mapped[Purpose] = mapped_column(str_enum(Purpose))
    state: Mapped[ExchangeState] = mapped_column(str_enum(ExchangeState), index=True)
    message: Mapped[str] = mapped_column(Text, default="")
    message_lang: Mapped[str | None] = mapped_column(String(8))
    period_from: Mapped[date | None] = mapped_column(Date)
    period_to: Mapped[date | None] = mapped_column(Date)
    # While the request is open, its pair and purpose ("12:34:twinning", lower id first):
    # the database's unique constraint then keeps one open request per pair and purpose.
    open_key: Mapped[str | None] = mapped_column(String(80), unique=True)
    # The match when it was asked, from each side's point of view (reason codes, translated
    # when shown): {"score": …, "requester": [reasons], "partner": [reasons]}.
    match: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    decline_reason: Mapped[str | None] = mapped_column(Text)
    report: Mapped[str | None] = mapped_column(Text)  # what happened, what was learned
    report_lang: Mapped[str | None] = mapped_column(String(8))
    created_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(AwareDateTime, default=utcnow, index=True)
    updated_at: Mapped[datetime] = mapped_column(AwareDateTime, default=utcnow,
                                                 onupdate=utcnow)
    accepted_at: Mapped[datetime | None] = mapped_column(AwareDateTime)
    closed_at: Mapped[datetime | None] = mapped_column(AwareDateTime)

    requester: Mapped[Profile] = relationship(foreign_keys=[requester_id])
    partner: Mapped[Profile] = relationship(foreign_keys=[partner_id])
    transitions: Mapped[list[ExchangeTransition]] = relationship(
        back_populates="exchange", cascade="all, delete-orphan", passive_deletes=True,
        order_by="ExchangeTransition.id")
    messages: Mapped[list[ExchangeMessage]] = relationship(
        back_populates="exchange", cascade="all, delete-orphan", passive_deletes=True,
        order_by="ExchangeMessage.id")

    def side_of(self, profile_id: int) -> str | None:
        """``requester`` or ``partner``, for one of the two organisations."""
        if profile_id == self.requester_id:
            return "requester"
        if profile_id == self.partner_id:
            return "partner"
        return None

    def other(self, profile_id: int) -> Profile:
        return self.partner if profile_id == self.requester_id else self.requester


class ExchangeTransition(db.Model):
    """One change of state: who, when, and the reason or report that went with it."""

    __tablename__ = "exchange_transition"

    id: Mapped[int] = mapped_column(primary_key=True)
    exchange_id: Mapped[int] = mapped_column(ForeignKey("exchange.id", ondelete="CASCADE"),
                                             index=True)
    from_state: Mapped[ExchangeState | None] = mapped_column(
        str_enum(ExchangeState, name="from_state"))
    to_state: Mapped[ExchangeState] = mapped_column(str_enum(ExchangeState, name="to_state"))
    user_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL"))
    at: Mapped[datetime] = mapped_column(AwareDateTime, default=utcnow)
    note: Mapped[str | None] = mapped_column(Text)

    exchange: Mapped[Exchange] = relationship(back_populates="transitions")
    user: Mapped[User | None] = relationship()


class ExchangeMessage(db.Model):
    """A message of the thread between the two organisations' members."""

    __tablename__ = "exchange_message"

    id: Mapped[int] = mapped_column(primary_key=True)
    exchange_id: Mapped[int] = mapped_column(ForeignKey("exchange.id", ondelete="CASCADE"),
                                             index=True)
    author_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL"))
    # The organisation the author wrote for (one of the two).
    author_profile_id: Mapped[int] = mapped_column(ForeignKey("profile.id",
                                                              ondelete="CASCADE"))
    text: Mapped[str] = mapped_column(Text)
    lang: Mapped[str | None] = mapped_column(String(8))
    at: Mapped[datetime] = mapped_column(AwareDateTime, default=utcnow)

    exchange: Mapped[Exchange] = relationship(back_populates="messages")
    author: Mapped[User | None] = relationship()
    author_profile: Mapped[Profile] = relationship()
