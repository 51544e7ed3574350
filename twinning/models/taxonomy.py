"""The shared taxonomy: sectors and capabilities (what one side needs, the other offers)."""

from __future__ import annotations

import enum

from sqlalchemy import JSON, String
from sqlalchemy.orm import Mapped, mapped_column

from twinning.extensions import db
from twinning.models.types import str_enum


class TermKind(enum.StrEnum):
    SECTOR = "sector"
    CAPABILITY = "capability"


class TaxonomyTerm(db.Model):
    """One term, with labels and synonyms in the four platform languages.

    The rows mirror ``twinning/data/taxonomy.json``; :mod:`twinning.reference` keeps them in step.
    """

    __tablename__ = "taxonomy_term"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[TermKind] = mapped_column(str_enum(TermKind))
    code: Mapped[str] = mapped_column(String(64), unique=True)
    position: Mapped[int] = mapped_column(default=0)
    # Read from the data file (twinning.reference.taxonomy) wherever they are shown or
    # matched; deferred so that loading a page of profiles with their codes does not carry
    # about a kilobyte of JSON per term and row.
    labels: Mapped[dict[str, str]] = mapped_column(JSON, default=dict, deferred=True)
    synonyms: Mapped[dict[str, list[str]]] = mapped_column(JSON, default=dict, deferred=True)

    def __repr__(self) -> str:
        return f"<TaxonomyTerm {self.kind.value}:{self.code}>"
