"""Suggested partners as the matching index last gave them, kept in the database so that a
page listing many organisations (a territory's dashboard) reads them in one query; and the
log of changes to the index, whose last id is the index's version."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Float, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from twinning.extensions import db
from twinning.models.types import AwareDateTime, utcnow


class StoredSuggestion(db.Model):
    """One of a profile's best partners. Rows go when either profile changes, when the
    index is rebuilt, or when the two become partners; they are computed again on demand."""

    __tablename__ = "stored_suggestion"

    profile_id: Mapped[int] = mapped_column(ForeignKey("profile.id", ondelete="CASCADE"),
                                            primary_key=True)
    rank: Mapped[int] = mapped_column(primary_key=True)
    partner_id: Mapped[int] = mapped_column(ForeignKey("profile.id", ondelete="CASCADE"),
                                            index=True)
    score: Mapped[float] = mapped_column(Float)
    reasons: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    computed_at: Mapped[datetime] = mapped_column(AwareDateTime, default=utcnow)


class IndexChange(db.Model):
    """One profile that entered, changed in or left the matching index (``profile_id`` and
    ``slug`` empty: an index rebuilt). The largest id is the version every process compares
    with its own before answering, then applies the profiles changed since (a delta)."""

    __tablename__ = "index_change"

    id: Mapped[int] = mapped_column(primary_key=True)
    # No foreign key: the change of a profile deleted since must still reach every process.
    profile_id: Mapped[int | None]
    slug: Mapped[str | None] = mapped_column(String(120))
    created_at: Mapped[datetime] = mapped_column(AwareDateTime, default=utcnow)
