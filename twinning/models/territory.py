"""Provinces and towns of the Oriental, with their names and spelling variants."""

from __future__ import annotations

from sqlalchemy import JSON, Float, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from twinning.extensions import db


class Territory(db.Model):
    """A province/prefecture (``parent_code`` empty) or a town inside one.

    The rows mirror ``twinning/data/territories.json``.
    """

    __tablename__ = "territory"

    code: Mapped[str] = mapped_column(String(64), primary_key=True)
    level: Mapped[str] = mapped_column(String(20))
    parent_code: Mapped[str | None] = mapped_column(ForeignKey("territory.code"))
    position: Mapped[int] = mapped_column(default=0)
    names: Mapped[dict[str, str]] = mapped_column(JSON, default=dict)
    variants: Mapped[list[str]] = mapped_column(JSON, default=list)
    latitude: Mapped[float | None] = mapped_column(Float)
    longitude: Mapped[float | None] = mapped_column(Float)
