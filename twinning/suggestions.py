"""The one bridge between the database and the matching model.

Rows become :class:`ProfileRecord` (:mod:`twinning.model_records`), the persisted index
answers, and results come back with their profiles for the views, the API and the CLI. No
model fitting happens in a request: a missing or stale index is rebuilt once, then kept per
process. Before answering, each process applies the profiles changed since its index's
version (:mod:`twinning.index_version`: a delta from the database, so app servers on several
hosts stay in step), and loads the index again only when its base file was rebuilt.
"""

from __future__ import annotations

import dataclasses
import threading
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import lru_cache
from pathlib import Path

import sqlalchemy as sa
from flask import current_app

from twinning import index_version
from twinning.exchanges import states
from twinning.extensions import db
from twinning.matching.encoder import UniversalSentenceEncoder, VectorCache
from twinning.matching.evidence import Evidence, directed_sentences, find_evidence
from twinning.matching.index import BASE_FILE, CROSS, MatchIndex
from twinning.matching.learn import LearningReport, Outcome, learn
from twinning.matching.records import Match, ProfileRecord, Reason, Tags
from twinning.model_records import read, record_from_profile, stored_records, tagger, terms
from twinning.models import (
    Exchange,
    Profile,
    StoredSuggestion,
)
from twinning.reference import taxonomy

INDEX_FOLDER = "matching"
VECTOR_FILE = "sentence-vectors.npz"
# Past this many changed profiles, one rebuild is cheaper than as many updates.
REBUILD_THRESHOLD = 200

_lock = threading.Lock()


@dataclass
class _Loaded:
    """A process's index for one folder: the base file it was loaded from (its mtime) and
    the version of the database's change log it reflects."""

    base_stamp: float
    version: int
    index: MatchIndex


_loaded: dict[str, _Loaded] = {}
_encoders: dict[str, UniversalSentenceEncoder] = {}


@dataclass(frozen=True)
class Suggestion:
    profile: Profile
    match: Match
    evidence: tuple[Evidence, ...] = ()


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


def _saved_index(folder: Path) -> MatchIndex | None:
    """The saved index, whatever it was built from: a rebuild keeps what it read of the
    unchanged profiles when it read them the same way. Read from the file even when this
    process holds it: the rebuild uses it up, and another thread may be answering with the
    one held."""
    if not (folder / BASE_FILE).exists():
        return None
    try:
        return MatchIndex.load(folder, sentence_encoder())
    except Exception:  # one written by an older version of the code: start afresh
        current_app.logger.warning("the saved matching index could not be read; rebuilding")
        return None


def rebuild(progress: Callable[[int], None] | None = None,
            published: Iterable[ProfileRecord] | None = None) -> MatchIndex:
    """Read every published profile (or take their ``published`` records), fit, and
    replace the saved index atomically. Only the profiles that changed since the saved
    index are read again; ``progress`` is told of each profile gone through."""
    # Read before the profiles: a change committed meanwhile is applied again later (an
    # upsert twice is harmless), never missed.
    version = index_version.latest()
    cache = _vector_cache()
    folder = index_folder()
    if published is None:
        published = (record for _row, record in stored_records(Profile.is_published))

    def records() -> Iterator[ProfileRecord]:
        for record in published:
            yield record
            if progress is not None:
                progress(1)

    index = MatchIndex.build(records(), terms(), encoder=sentence_encoder(), cache=cache,
                             previous=_saved_index(folder), read=read)
    apply_learning(index)
    with _lock:
        _save(index, folder, version)
        if cache is not None:
            cache.save()
    index_version.record_rebuild()
    forget_stored()
    return index


def _save(index: MatchIndex, folder: Path, version: int) -> None:
    index.save(folder)
    index_version.write_file(folder, version)
    _loaded[str(folder)] = _Loaded(_base_stamp(folder), version, index)


def apply_learning(index: MatchIndex) -> LearningReport:
    """Fit on the exchanges' outcomes; the learned weights replace the defaults only when
    they rank held-out outcomes better. The report stays with the index (the "how
    suggestions are made" page tells it)."""
    report = learn(index, exchange_outcomes())
    index.learned = report.scorer if report.kept else None
    index.learning = report
    return report


@dataclass(frozen=True)
class LearningSummary:
    """What the "how suggestions are made" page tells of the learning path."""

    accepted: int
    refused: int
    report: LearningReport | None


def learning_summary() -> LearningSummary:
    outcomes = exchange_outcomes()
    accepted = sum(outcome.accepted for outcome in outcomes)
    return LearningSummary(accepted, len(outcomes) - accepted, get_index().learning)


def relearn() -> LearningReport:
    """``flask twinning learn``: learn again on today's outcomes and save the index."""
    current = _current()
    report = apply_learning(current.index)
    with _lock:
        _save(current.index, index_folder(), current.version)
    forget_stored()
    return report


def _base_stamp(folder: Path) -> float:
    path = folder / BASE_FILE
    return path.stat().st_mtime_ns if path.exists() else 0.0


def get_index() -> MatchIndex:
    """The current index: kept in memory and brought up to date with the profiles changed
    since (one query when nothing changed); loaded again when another process rebuilt the
    base file; rebuilt when missing or stale (model, lexicon, taxonomy or encoder changed)."""
    return _current().index


def _current() -> _Loaded:
    folder = index_folder()
    loaded = _loaded.get(str(folder))
    if loaded is None or loaded.base_stamp != _base_stamp(folder):
        loaded = _load(folder)
    newest, changed = index_version.changed_since(loaded.version)
    if len(changed) > REBUILD_THRESHOLD:
        rebuild()
        return _loaded[str(folder)]
    if newest > loaded.version:
        with _lock:
            _apply(loaded.index, changed)
            loaded.version = max(loaded.version, newest)
    return loaded


def _load(folder: Path) -> _Loaded:
    stamp = _base_stamp(folder)
    if stamp:
        version = index_version.read_file(folder)  # before the files it describes
        encoder = sentence_encoder()
        index = MatchIndex.load(folder, encoder)
        if not index.is_stale(terms(), encoder.name if encoder else None):
            loaded = _Loaded(stamp, version, index)
            _loaded[str(folder)] = loaded
            return loaded
    rebuild()
    return _loaded[str(folder)]


def _apply(index: MatchIndex, changed: dict[int, str]) -> None:
    """The changed profiles as they are now: published ones upserted, the others removed
    (a deleted one by its slug). Only their own sentences are encoded; the kept-vector file
    is read and written by full rebuilds, not on every edit (it is large at scale)."""
    found = {profile.id: profile for profile in db.session.scalars(
        sa.select(Profile).where(Profile.id.in_(changed)).options(*Profile.details_loaded()))}
    for profile_id, slug in changed.items():
        index.remove(slug)
        profile = found.get(profile_id)
        if profile is not None and profile.is_published:
            index.upsert(record_from_profile(profile), read=read)


def profiles_changed(profiles: list[Profile]) -> None:
    """Bring the index up to date after profiles were saved (called by the services): the
    change goes to the database's log first, for every other process to apply."""
    index_version.record(profiles)
    db.session.commit()
    folder = index_folder()
    if not (folder / BASE_FILE).exists() or len(profiles) > REBUILD_THRESHOLD:
        rebuild()
        return
    current = _current()  # applies these profiles, and any other process's changes
    with _lock:
        current.index.save_delta(folder)
        index_version.write_file(folder, current.version)
    forget_stored([profile.id for profile in profiles])


def exchange_outcomes() -> list[Outcome]:
    """How requests ended, for learning the weights: accepted (and what came after) are
    positive, declined and expired negative; withdrawn and unanswered ones say nothing."""
    requester, partner = sa.orm.aliased(Profile), sa.orm.aliased(Profile)
    rows = db.session.execute(
        sa.select(requester.slug, partner.slug, Exchange.state)
        .join(requester, requester.id == Exchange.requester_id)
        .join(partner, partner.id == Exchange.partner_id)
        .where(Exchange.state.in_(states.ACCEPTED_OUTCOMES | states.REFUSED_OUTCOMES))
        .order_by(Exchange.id))
    return [Outcome(query, candidate, state in states.ACCEPTED_OUTCOMES)
            for query, candidate, state in rows]


def existing_partners(profile: Profile) -> set[str]:
    """Slugs of the organisations ``profile`` has accepted an exchange with: they are its
    partners already, and never suggested to it again."""
    asked = sa.select(Profile.slug).join(Exchange, Exchange.partner_id == Profile.id).where(
        Exchange.requester_id == profile.id, Exchange.state.in_(states.PARTNERSHIP_STATES))
    asking = sa.select(Profile.slug).join(Exchange, Exchange.requester_id == Profile.id).where(
        Exchange.partner_id == profile.id, Exchange.state.in_(states.PARTNERSHIP_STATES))
    return set(db.session.scalars(sa.union(asked, asking)))


def match_between(requester: Profile, partner: Profile) -> dict[str, object]:
    """The match of two published profiles as each side reads it (reason codes, translated
    when shown): what an exchange request keeps to show both sides."""
    index = get_index()
    if requester.slug not in index or partner.slug not in index:
        return {}
    theirs = index.explain_pair(requester.slug, partner.slug)
    ours = index.explain_pair(partner.slug, requester.slug)
    return {"score": theirs.score,
            "requester": [reason.as_dict() for reason in theirs.reasons],
            "partner": [reason.as_dict() for reason in ours.reasons]}


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
        "evidence": [evidence.as_dict() for evidence in suggestion.evidence],
    }


def tags_json(tags: Tags) -> dict[str, list[str]]:
    order = {term.code: position for position, term in enumerate(taxonomy.terms())}
    return {name: sorted(getattr(tags, name), key=lambda code: order.get(code, 0))
            for name in ("sectors", "needs", "offers")}


def for_profile(profile: Profile, limit: int = 10, mode: str = CROSS,
                with_evidence: bool = False) -> list[Suggestion]:
    """Suggested partners for ``profile`` (published or not), best first; with the pairs
    of sentences that say why, when asked (a page or the API shows them)."""
    index = get_index()
    matches = index.suggest(record_from_profile(profile), limit=limit, mode=mode,
                            exclude=existing_partners(profile))
    # Only published partners, even from an index that has not yet heard of a rejection
    # or an archiving made through another process.
    found = {row.slug: row for row in db.session.scalars(
        sa.select(Profile).where(Profile.slug.in_([match.key for match in matches]),
                                 Profile.is_published))}
    suggested = [Suggestion(found[match.key], match) for match in matches if match.key in found]
    if with_evidence:
        suggested = [dataclasses.replace(item, evidence=tuple(evidence_between(profile,
                                                                               item.profile)))
                     for item in suggested]
    return suggested


# Sentence vectors of the texts evidence was sought in, kept per process; dropped when they
# pass this many sentences (about 100 MB), so that memory stays bounded.
MAX_REMEMBERED_SENTENCES = 100_000
_sentence_vectors: dict[str, VectorCache] = {}


def evidence_between(yours: Profile, theirs: Profile) -> list[Evidence]:
    """The one or two pairs of sentences that say best why ``theirs`` fits ``yours``."""
    encoder = sentence_encoder()
    if encoder is None:
        return []
    vectors = _sentence_vectors.get(encoder.name)
    if vectors is None or len(vectors) > MAX_REMEMBERED_SENTENCES:
        vectors = _sentence_vectors[encoder.name] = VectorCache(encoder)
    return find_evidence(_sentences_of(record_from_profile(yours)),
                         _sentences_of(record_from_profile(theirs)), vectors)


@lru_cache(maxsize=4096)
def _sentences_of(record: ProfileRecord) -> tuple:
    """A profile's sentences with their directions and concepts, read once per version of
    its texts (a record is equal to another only when every field is)."""
    return tuple(directed_sentences(record, tagger()))


def inferred_tags(profile: Profile) -> Tags:
    """What the model reads from the profile's texts, whether or not it has codes."""
    record = record_from_profile(profile)
    entry = get_index().entries.get(record.key)
    if entry is not None and entry.record == record:
        return entry.inferred
    return tagger().read(record).tags


# ----- stored suggestions: pages that list many organisations read them in one query ------
STORED_PER_PROFILE = 10


def stored_for(profiles: list[Profile], per_profile: int) -> dict[int, list[Suggestion]]:
    """Each profile's best partners (at most ``per_profile``), read from the stored rows;
    a profile without fresh rows asks the index now and stores its answer for the next
    reader. Rows go when either profile changes, at a rebuild, when two organisations
    become partners, and after ``STORED_SUGGESTIONS_MAX_AGE_DAYS`` (new profiles come in)."""
    fresh_since = datetime.now(UTC) - timedelta(
        days=current_app.config["STORED_SUGGESTIONS_MAX_AGE_DAYS"])
    ids = [profile.id for profile in profiles]
    rows = db.session.execute(
        sa.select(StoredSuggestion, Profile)
        .join(Profile, Profile.id == StoredSuggestion.partner_id)
        .where(StoredSuggestion.profile_id.in_(ids), StoredSuggestion.rank < per_profile,
               StoredSuggestion.computed_at >= fresh_since, Profile.is_published)
        .order_by(StoredSuggestion.profile_id, StoredSuggestion.rank)).all()
    found: dict[int, list[Suggestion]] = {profile_id: [] for profile_id in ids}
    for row, partner in rows:
        found[row.profile_id].append(Suggestion(partner, Match(
            partner.slug, row.score, tuple(Reason(item["kind"], tuple(item["terms"]))
                                           for item in row.reasons))))
    missing = [profile for profile in profiles if not found[profile.id]]
    if missing:
        forget_stored([profile.id for profile in missing], as_partners=False)
    for profile in missing:
        answered = for_profile(profile, limit=STORED_PER_PROFILE)
        db.session.add_all(
            StoredSuggestion(profile_id=profile.id, rank=rank, partner_id=item.profile.id,
                             score=item.match.score,
                             reasons=[reason.as_dict() for reason in item.match.reasons])
            for rank, item in enumerate(answered))
        found[profile.id] = answered[:per_profile]
    if missing:
        db.session.commit()
    return found


def forget_stored(profile_ids: list[int] | None = None, as_partners: bool = True) -> None:
    """Drop the stored suggestions of these profiles (and, unless ``as_partners`` is
    false, those in which they are the suggested partner); all of them when None."""
    query = sa.delete(StoredSuggestion)
    if profile_ids is not None:
        condition = StoredSuggestion.profile_id.in_(profile_ids)
        if as_partners:
            condition = sa.or_(condition, StoredSuggestion.partner_id.in_(profile_ids))
        query = query.where(condition)
    db.session.execute(query)
    db.session.commit()


def forget_pair(first: Profile, second: Profile) -> None:
    """Two organisations became partners: neither is suggested to the other any more."""
    forget_stored([first.id, second.id])
