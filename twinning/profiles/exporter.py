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
from twinning.profiles.importer import CSV
from twinning.profiles.interchange import ALL_FIELDS, LIST_FIELDS


def to_interchange(profile: Profile) -> dict[str, Any]:
    """The profile in interchange field order, empty values left out."""
    values: dict[str, Any] = {
        "external_id": profile.external_id,
        "name": profile.name,
        "kind": profile.kind.value,
        "country": profile.country,
        "region": profile.region,
        "province": profile.province,
        "city": profile.city,
        "languages": profile.language_codes,
        "sectors": [term.code for term in profile.sectors],
        "needs": [term.code for term in profile.needs],
        "offers": [term.code for term in profile.offers],
        "description": profile.description,
        "description_lang": profile.description_lang,
        "members": profile.members,
        "founded": profile.founded,
        "website": profile.website,
        "email": profile.email,
        "phone": profile.phone,
        "lat": profile.latitude,
        "lon": profile.longitude,
        "status": profile.status.value,
        "slug": profile.slug,
        "translations": [
            {"lang": version.lang, "text": version.text, "origin": version.origin.value}
            for version in profile.translations
        ],
    }
    return {name: values[name] for name in ALL_FIELDS if values[name] not in (None, "", [])}


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
    writer = csv.DictWriter(stream, fieldnames=ALL_FIELDS, lineterminator="\n")
    writer.writeheader()
    count = 0
    for row in rows:
        writer.writerow({name: _csv_cell(name, value) for name, value in row.items()})
        count += 1
    return count


def _csv_cell(name: str, value: Any) -> Any:
    if name in LIST_FIELDS:
        return ";".join(value)
    if name == "translations":
        return json.dumps(value, ensure_ascii=False)
    return value
