"""Which version of the reference data files the database holds."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from twinning.extensions import db
from twinning.models.types import AwareDateTime, utcnow


class ReferenceState(db.Model):
    """One row per data set (``taxonomy``, ``territories``) with the hash last synced."""

    __tablename__ = "reference_state"

    name: Mapped[str] = mapped_column(String(40), primary_key=True)
    content_hash: Mapped[str] = mapped_column(String(64))
    synced_at: Mapped[datetime] = mapped_column(AwareDateTime, default=utcnow, onupdate=utcnow)
