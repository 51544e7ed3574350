"""The matching index each process holds, kept in step with the database.

No model fitting happens in a request: a missing or stale index is rebuilt once, then kept
per process. Before answering, each process applies the profiles changed since its index's
version (:mod:`twinning.index_version`: a delta from the database, so app servers on several
hosts stay in step), and loads the index again only when its base file was rebuilt.
"""

from __future__ import annotations

import itertools
import threading
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import sqlalchemy as sa
from flask import current_app

from twinning import index_version
from twinning.extensions import db
from twinning.learning import apply_learning
from twinning.matching.encoder import UniversalSentenceEncoder, VectorCache
from twinning.matching.index import BASE_FILE, MatchIndex
from twinning.matching.learn import LearningReport
from twinning.matching.records import ProfileRecord
from twinning.model_records import read, record_from_profile, stored_records, terms
from twinning.models import Profile
from twinning.stored_suggestions import forget_stored

INDEX_FOLDER = "matching"
VECTOR_FILE = "sentence-vectors.npz"
# Past this many changed profiles, one rebuild is cheaper than as many updates.
REBUILD_THRESHOLD = 200

_lock = threading.Lock()


@dataclass
class LiveIndex:
    """A process's index for one folder: the base file it was loaded from (its mtime) and
    the version of the database's change log it reflects. Answers may be remembered by
    ``(generation, version)``: every change that touches the index makes a new version, and
    every index loaded or rebuilt in this process a new generation."""

    base_stamp: float
    version: int
    index: MatchIndex
    generation: int = field(default_factory=lambda: next(_generations))


_generations = itertools.count()
_loaded: dict[str, LiveIndex] = {}
_encoders: dict[str, UniversalSentenceEncoder] = {}


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


def vector_cache() -> VectorCache | None:
    """The kept sentence vectors of every text indexed (read from their file as asked for),
    to which new ones are added."""
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
    cache = vector_cache()
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
    _loaded[str(folder)] = LiveIndex(_base_stamp(folder), version, index)


def relearn() -> LearningReport:
    """``flask twinning learn``: learn again on today's outcomes and save the index."""
    live = current()
    report = apply_learning(live.index)
    with _lock:
        _save(live.index, index_folder(), live.version)
    forget_stored()
    return report


def _base_stamp(folder: Path) -> float:
    path = folder / BASE_FILE
    return path.stat().st_mtime_ns if path.exists() else 0.0


def get_index() -> MatchIndex:
    """The current index: kept in memory and brought up to date with the profiles changed
    since (nothing to ask when the request has read the version already and nothing
    changed); loaded again when another process rebuilt the base file; rebuilt when
    missing or stale (model, lexicon, taxonomy or encoder changed)."""
    return current().index


def current() -> LiveIndex:
    """The index with the version it reflects, brought up to date first (see
    :func:`get_index`). When pruning deleted changes it never applied, it starts again from
    the saved files if they reflect a later version, and otherwise rebuilds."""
    folder = index_folder()
    loaded = _loaded.get(str(folder))
    if loaded is None or loaded.base_stamp != _base_stamp(folder):
        loaded = _load(folder)
    if index_version.latest_in_request() == loaded.version:
        return loaded  # nothing changed: pruning never deletes the newest row
    changes = index_version.changed_since(loaded.version)
    if changes.missed and index_version.read_file(folder) > loaded.version:
        loaded = _load(folder)  # the saved files may be recent enough for a delta
        changes = index_version.changed_since(loaded.version)
    if changes.missed or len(changes.profiles) > REBUILD_THRESHOLD:
        rebuild()
        return _loaded[str(folder)]
    if changes.newest > loaded.version:
        with _lock:
            _apply(loaded.index, changes.profiles)
            loaded.version = max(loaded.version, changes.newest)
    return loaded


def _load(folder: Path) -> LiveIndex:
    stamp = _base_stamp(folder)
    if stamp:
        version = index_version.read_file(folder)  # before the files it describes
        encoder = sentence_encoder()
        index = MatchIndex.load(folder, encoder)
        if not index.is_stale(terms(), encoder.name if encoder else None):
            loaded = LiveIndex(stamp, version, index)
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
    """Commit the services' change of these profiles with its rows in the database's
    change log (one transaction: no process can see the change without hearing of it),
    then bring this process's index up to date; every other process applies it before
    its next answer."""
    index_version.record(profiles)
    db.session.commit()
    folder = index_folder()
    if not (folder / BASE_FILE).exists() or len(profiles) > REBUILD_THRESHOLD:
        rebuild()
        return
    live = current()  # applies these profiles, and any other process's changes
    with _lock:
        live.index.save_delta(folder)
        index_version.write_file(folder, live.version)
    forget_stored([profile.id for profile in profiles])
