"""The one bridge between the database and the matching model.

Rows become :class:`ProfileRecord`, the persisted index answers, and results come back with
their profiles for the views, the API and the CLI. No model fitting happens in a request:
a missing or stale index is rebuilt once, then kept per process and reloaded when the
files in the instance folder change.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import sqlalchemy as sa
from flask import current_app

from twinning.extensions import db
from twinning.matching.encoder import UniversalSentenceEncoder, VectorCache
from twinning.matching.index import BASE_FILE, CROSS, DELTA_FILE, MatchIndex
from twinning.matching.learn import Outcome, learn
from twinning.matching.records import Match, ProfileRecord, Tags, Term
from twinning.matching.tagger import Tagger
from twinning.models import Profile
from twinning.reference import taxonomy

INDEX_FOLDER = "matching"
VECTOR_FILE = "sentence-vectors.npz"
# Past this many changed profiles, one rebuild is cheaper than as many updates.
REBUILD_THRESHOLD = 200

_lock = threading.Lock()
_loaded: dict[str, tuple[tuple[float, float], MatchIndex]] = {}
_encoders: dict[str, UniversalSentenceEncoder] = {}


@dataclass(frozen=True)
class Suggestion:
    profile: Profile
    match: Match


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


def index_folder() -> Path:
    configured = current_app.config["MATCHING_INDEX_FOLDER"]
    return Path(configured) if configured else Path(current_app.instance_path) / INDEX_FOLDER


def sentence_encoder() -> UniversalSentenceEncoder | None:
    """The sentence encoder, loaded once per process (``MATCHING_ENCODER = ""`` turns it off)."""
    name = current_app.config["MATCHING_ENCODER"]
    if not name:
        return None
    if name != UniversalSentenceEncoder.name:
        raise ValueError(f"unknown MATCHING_ENCODER {name!r}; "
                         f"use {UniversalSentenceEncoder.name!r} or an empty string")
    if name not in _encoders:
        _encoders[name] = UniversalSentenceEncoder(current_app.config["MATCHING_THREADS"])
    return _encoders[name]


def _vector_cache() -> VectorCache | None:
    encoder = sentence_encoder()
    if encoder is None:
        return None
    path = current_app.config.get("MATCHING_VECTOR_CACHE") or index_folder() / VECTOR_FILE
    return VectorCache(encoder, Path(path))


def _published_profiles() -> Iterable[Profile]:
    return db.session.scalars(
        sa.select(Profile)
        .where(Profile.is_published)
        .options(*Profile.details_loaded())
        .order_by(Profile.id)
    )


def rebuild() -> MatchIndex:
    """Read every published profile, fit, and replace the saved index atomically."""
    cache = _vector_cache()
    index = MatchIndex.build(
        (record_from_profile(profile) for profile in _published_profiles()),
        terms(), encoder=sentence_encoder(), cache=cache,
    )
    report = learn(index, exchange_outcomes())
    if report.kept:
        index.learned = report.scorer
    folder = index_folder()
    with _lock:
        index.save(folder)
        if cache is not None:
            cache.save()
        _loaded[str(folder)] = (_stamp(folder), index)
    return index


def _stamp(folder: Path) -> tuple[float, float]:
    def mtime(name: str) -> float:
        path = folder / name
        return path.stat().st_mtime_ns if path.exists() else 0.0

    return mtime(BASE_FILE), mtime(DELTA_FILE)


def get_index() -> MatchIndex:
    """The current index: kept in memory, reloaded when another process saved a newer one,
    rebuilt when missing or stale (model, lexicon, taxonomy or encoder changed)."""
    folder = index_folder()
    stamp = _stamp(folder)
    cached = _loaded.get(str(folder))
    if cached is not None and cached[0] == stamp:
        return cached[1]
    if stamp[0]:
        index = MatchIndex.load(folder, sentence_encoder())
        encoder = sentence_encoder()
        if not index.is_stale(terms(), encoder.name if encoder else None):
            _loaded[str(folder)] = (stamp, index)
            return index
    return rebuild()


def profiles_changed(profiles: list[Profile]) -> None:
    """Bring the index up to date after profiles were saved (called by the services)."""
    folder = index_folder()
    if not (folder / BASE_FILE).exists() or len(profiles) > REBUILD_THRESHOLD:
        rebuild()
        return
    index = get_index()
    # Only the saved profiles' own sentences are encoded here; the kept-vector file is read
    # and written by full rebuilds, not on every edit (it is large at scale).
    for profile in profiles:
        if profile.is_published:
            index.upsert(record_from_profile(profile))
        else:
            index.remove(profile.slug)
    with _lock:
        index.save_delta(folder)
        _loaded[str(folder)] = (_stamp(folder), index)


def exchange_outcomes() -> list[Outcome]:
    """Accepted and declined exchange requests, for learning the weights.

    Exchanges arrive with the exchange workflow; until then there are none and the
    hand-set defaults stay.
    """
    return []


def existing_partners(profile: Profile) -> set[str]:
    """Slugs of partners with an accepted exchange: shown as partnerships, never suggested.

    Exchanges arrive with the exchange workflow; until then there are none.
    """
    return set()


def match_json(suggestion: Suggestion) -> dict[str, object]:
    """One suggestion as the CLI and the API give it."""
    profile = suggestion.profile
    return {
        "external_id": profile.external_id,
        "slug": profile.slug,
        "name": profile.name,
        "kind": profile.kind.value,
        "country": profile.country,
        "score": suggestion.match.score,
        "reasons": [reason.as_dict() for reason in suggestion.match.reasons],
    }


def tags_json(tags: Tags) -> dict[str, list[str]]:
    order = {term.code: position for position, term in enumerate(taxonomy.terms())}
    return {name: sorted(getattr(tags, name), key=lambda code: order.get(code, 0))
            for name in ("sectors", "needs", "offers")}


def for_profile(profile: Profile, limit: int = 10, mode: str = CROSS) -> list[Suggestion]:
    """Suggested partners for ``profile`` (published or not), best first."""
    index = get_index()
    matches = index.suggest(record_from_profile(profile), limit=limit, mode=mode,
                            exclude=existing_partners(profile))
    found = {row.slug: row for row in db.session.scalars(
        sa.select(Profile).where(Profile.slug.in_([match.key for match in matches])))}
    return [Suggestion(found[match.key], match) for match in matches if match.key in found]


@cache
def tagger() -> Tagger:
    """The model's reader of free text, built once per process."""
    return Tagger(terms())


def for_profiles(profiles: list[Profile], per_profile: int) -> list[tuple[Profile,
                                                                         list[Suggestion]]]:
    """Each profile with its best partners (a territory's organisations, for instance)."""
    return [(profile, for_profile(profile, limit=per_profile)) for profile in profiles]


def partnerships(profile: Profile) -> list[Profile]:
    """Partners with an accepted exchange (see :func:`existing_partners`)."""
    slugs = existing_partners(profile)
    if not slugs:
        return []
    return list(db.session.scalars(sa.select(Profile).where(Profile.slug.in_(sorted(slugs)))))


def inferred_tags(profile: Profile) -> Tags:
    """What the model reads from the profile's texts, whether or not it has codes."""
    record = record_from_profile(profile)
    entry = get_index().entries.get(record.key)
    if entry is not None and entry.record == record:
        return entry.inferred
    return tagger().read(record).tags
