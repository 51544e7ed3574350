"""Writing interchange files: stable order of profiles and of fields, so exports diff cleanly."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable, Iterator
from typing import Any

import sqlalchemy as sa

from twinning.extensions import db
from twinning.models import Profile
from twinning.profiles.fields import (
    BY_NAME,
    FIELD_NAMES,
    FIELDS,
    MULTI_VALUED,
    FieldKind,
    interchange_value,
)
from twinning.profiles.importer import CSV


def to_interchange(profile: Profile) -> dict[str, Any]:
    """The profile in interchange field order, empty values left out."""
    values = ((field.name, interchange_value(profile, field)) for field in FIELDS)
    return {name: value for name, value in values if value not in (None, "", [])}


def profiles_for_export() -> Iterator[Profile]:
    """All profiles, ordered by external_id then slug: the same database exports the same bytes."""
    query = (
        sa.select(Profile)
        .options(*Profile.details_loaded())
        .order_by(Profile.external_id.asc().nulls_last(), Profile.slug)
    )
    yield from db.session.scalars(query)


def write(profiles: Iterable[Profile], stream: io.TextIOBase, fmt: str) -> int:
    """Write ``profiles`` to a text stream; returns how many were written."""
    rows = (to_interchange(profile) for profile in profiles)
    return _write_csv(rows, stream) if fmt == CSV else _write_jsonl(rows, stream)


def _write_jsonl(rows: Iterable[dict[str, Any]], stream: io.TextIOBase) -> int:
    count = 0
    for row in rows:
        stream.write(json.dumps(row, ensure_ascii=False) + "\n")
        count += 1
    return count


def _write_csv(rows: Iterable[dict[str, Any]], stream: io.TextIOBase) -> int:
    writer = csv.DictWriter(stream, fieldnames=FIELD_NAMES, lineterminator="\n")
    writer.writeheader()
    count = 0
    for row in rows:
        writer.writerow({name: _csv_cell(name, value) for name, value in row.items()})
        count += 1
    return count


def _csv_cell(name: str, value: Any) -> Any:
    kind = BY_NAME[name].kind
    if kind == FieldKind.TRANSLATIONS:
        return json.dumps(value, ensure_ascii=False)
    if kind in MULTI_VALUED:
        return ";".join(value)
    return value
