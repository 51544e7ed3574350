"""Profiles as the matching model's records, and what its tagger reads in them.

One profile at a time from its ORM object (:func:`record_from_profile`), or in bulk with
plain queries (:func:`stored_records`: the rebuild and the search fields at 100,000 profiles);
within :func:`reading_once` each text is read by the tagger once, however many stages ask.
"""

from __future__ import annotations

import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from functools import cache

import sqlalchemy as sa

from twinning.extensions import db
from twinning.matching.index import reading_stamp
from twinning.matching.records import ProfileRecord, Term
from twinning.matching.tagger import Reading, Tagger
from twinning.models import Profile, ProfileLanguage, ProfileTranslation, TaxonomyTerm
from twinning.models.profile import profile_need, profile_offer, profile_sector
from twinning.reference import taxonomy

# Profiles read from the database at once by the bulk paths (rebuild, search fields).
CHUNK = 2000


def terms() -> list[Term]:
    return [Term(term.code, term.kind, term.labels, term.synonyms) for term in taxonomy.terms()]


def record_from_profile(profile: Profile) -> ProfileRecord:
    return ProfileRecord(
        key=profile.slug,
        name=profile.name,
        kind=profile.kind.value,
        country=profile.country,
        languages=tuple(profile.language_codes),
        sectors=tuple(term.code for term in profile.sectors),
        needs=tuple(term.code for term in profile.needs),
        offers=tuple(term.code for term in profile.offers),
        description=profile.description or "",
        description_lang=profile.description_lang,
        other_versions=tuple((version.lang, version.text) for version in profile.translations),
        slug=profile.slug,
        external_id=profile.external_id,
    )


@cache
def tagger() -> Tagger:
    """The model's reader of free text, built once per process."""
    return Tagger(terms())


@cache
def tagger_stamp() -> str:
    """What :func:`tagger` reads with (see :func:`~twinning.matching.index.reading_stamp`)."""
    return reading_stamp(terms())


def stored_records(condition: sa.ColumnElement[bool], *columns: sa.ColumnElement,
                   ) -> Iterator[tuple[sa.Row, ProfileRecord]]:
    """The profiles meeting ``condition`` as model records (equal to
    :func:`record_from_profile`'s), in id order, each with its row of ``columns``. Read
    with plain queries a chunk at a time: at 100,000 profiles, making ORM objects would
    cost more than everything else a rebuild does."""
    last = 0
    while True:
        rows = db.session.execute(
            sa.select(Profile.id, Profile.slug, Profile.name, Profile.kind, Profile.country,
                      Profile.description, Profile.description_lang, Profile.external_id,
                      *columns)
            .where(condition, Profile.id > last).order_by(Profile.id).limit(CHUNK)).all()
        if not rows:
            return
        ids = [row.id for row in rows]
        languages = _grouped(sa.select(ProfileLanguage.profile_id, ProfileLanguage.lang)
                             .where(ProfileLanguage.profile_id.in_(ids))
                             .order_by(ProfileLanguage.profile_id, ProfileLanguage.position))
        versions = _grouped(sa.select(ProfileTranslation.profile_id, ProfileTranslation.lang,
                                      ProfileTranslation.text)
                            .where(ProfileTranslation.profile_id.in_(ids))
                            .order_by(ProfileTranslation.profile_id, ProfileTranslation.lang))
        codes = {role: _grouped(sa.select(table.c.profile_id, TaxonomyTerm.code)
                                .join(TaxonomyTerm, TaxonomyTerm.id == table.c.term_id)
                                .where(table.c.profile_id.in_(ids))
                                .order_by(table.c.profile_id, TaxonomyTerm.position))
                 for role, table in (("sectors", profile_sector), ("needs", profile_need),
                                     ("offers", profile_offer))}
        for row in rows:
            yield row, ProfileRecord(
                key=row.slug, name=row.name, kind=row.kind.value, country=_shared(row.country),
                languages=_all_shared(languages.get(row.id, ())),
                sectors=_all_shared(codes["sectors"].get(row.id, ())),
                needs=_all_shared(codes["needs"].get(row.id, ())),
                offers=_all_shared(codes["offers"].get(row.id, ())),
                description=row.description or "",
                description_lang=_shared(row.description_lang),
                other_versions=versions.get(row.id, ()), slug=row.slug,
                external_id=row.external_id)
        last = ids[-1]


def _shared(value: str | None) -> str | None:
    """One string object for every profile's copy of a code, country or language: the
    matching index holds 100,000 records, and pickles each distinct object apart."""
    return None if value is None else sys.intern(value)


def _all_shared(values: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(map(sys.intern, values))


def _grouped(query: sa.Select) -> dict[int, tuple]:
    """``(profile_id, value…)`` rows as each profile's tuple of values (a tuple of them
    when there are several), in the query's order."""
    found: dict[int, list] = {}
    for profile_id, *value in db.session.execute(query):
        found.setdefault(profile_id, []).append(tuple(value) if len(value) > 1 else value[0])
    return {profile_id: tuple(values) for profile_id, values in found.items()}


_readings = threading.local()


@contextmanager
def reading_once() -> Iterator[None]:
    """Within this block each record's texts are read by the tagger once, however many
    times :func:`read` is asked: the search fields and the index build share one reading
    (the costly part of both)."""
    if getattr(_readings, "memo", None) is not None:
        yield
        return
    _readings.memo = {}
    try:
        yield
    finally:
        _readings.memo = None


def read(record: ProfileRecord) -> Reading:
    """What the tagger reads in ``record`` (once per :func:`reading_once` block)."""
    memo = getattr(_readings, "memo", None)
    if memo is None:
        return tagger().read(record)
    read_from = (record.side, *record.texts())  # all a reading depends on
    reading = memo.get(read_from)
    if reading is None:
        reading = memo[read_from] = tagger().read(record)
    return reading
