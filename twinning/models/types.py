"""Column types shared by the models."""

from __future__ import annotations

import enum
from datetime import UTC, datetime

from sqlalchemy import DateTime, Enum
from sqlalchemy.engine import Dialect
from sqlalchemy.types import TypeDecorator


def utcnow() -> datetime:
    """The current time, evaluated when a row is written (never at import time)."""
    return datetime.now(UTC)


class AwareDateTime(TypeDecorator[datetime]):
    """A timezone-aware UTC timestamp on every backend.

    PostgreSQL keeps the zone itself; SQLite drops it, so values are stored as UTC and the
    zone is put back when they are read.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetimes are ambiguous; pass an aware one")
        return value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def str_enum(enum_class: type[enum.StrEnum], length: int = 20, name: str | None = None) -> Enum:
    """Store the enum's values (not its names) as a VARCHAR on every backend, which the
    database itself checks (``ck_<table>_<name>``, ``name`` defaulting to the enum's own, so
    two columns of one enum in a table need names of their own): a row written by hand or
    by a script that skips the app cannot hold a state the code does not know."""
    return Enum(
        enum_class,
        native_enum=False,
        length=length,
        values_callable=lambda members: [member.value for member in members],
        validate_strings=True,
        create_constraint=True,
        name=name or enum_class.__name__.lower(),
    )
