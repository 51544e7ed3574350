"""The matching index: fit once, update one profile at a time, persist, answer top-k queries.

Rows live in segments: the base built by :meth:`MatchIndex.build`, and a small delta that
:meth:`MatchIndex.upsert` appends to (the old row is only masked), so saving one profile
never refits or copies the whole index. ``flask twinning reindex`` compacts everything.
"""

from __future__ import annotations

import hashlib
import json
import pickle
import secrets
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path

import numpy as np
import scipy.sparse as sp
from sklearn.feature_extraction.text import TfidfVectorizer

from twinning.matching import lexicon, meanings
from twinning.matching.compatibility import Compatibility
from twinning.matching.encoder import SentenceEncoder, VectorCache
from twinning.matching.entries import Entry, SharedSets, entry_of
from twinning.matching.reasons import explain
from twinning.matching.records import CAPABILITY, SECTOR, Match, ProfileRecord, Tags, Term
from twinning.matching.scoring import DEFAULT_WEIGHTS, Weights, default_score, derived_features
from twinning.matching.segment import SIDES, Segment, concatenate, pair_features
from twinning.matching.storage import atomic_write
from twinning.matching.tagger import Reading, Tagger

# Bump when features or scoring change: saved indexes built by another version are stale.
MODEL_VERSION = "2"
INFERRED_WEIGHT = 0.7
# Written with the C pickler (joblib's pure-Python one took most of a 100,000-profile
# rebuild to write and read the entries); arrays go in as pickle 5 buffers, uncopied.
BASE_FILE = "index.pickle"
DELTA_FILE = "delta.pickle"
PICKLE_PROTOCOL = 5

CROSS = "cross"  # Oriental ↔ Europe, the default
PEER = "peer"  # same side of the Mediterranean
ANY = "any"
MODES = (CROSS, PEER, ANY)


def _identity(tokens: list[str]) -> list[str]:
    return tokens


def _digest(value: object) -> str:
    payload = json.dumps(value, sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


def build_stamp(terms: Sequence[Term], encoder_name: str | None,
                weights: Weights = DEFAULT_WEIGHTS) -> dict[str, str | None]:
    """What an index was built from: the model's code version, its weights, the lexicon
    files, the taxonomy and the encoder. A saved index whose stamp differs is stale, so a
    changed weight or lexicon entry is never served from an old index."""
    return {
        "model_version": MODEL_VERSION,
        "weights": _digest(weights.as_dict()),
        "terms": _digest([[t.code, t.kind, t.labels, t.synonyms] for t in terms]),
        "lexicon": lexicon.content_hash(),
        "encoder": encoder_name,
    }


def reading_stamp(terms: Sequence[Term]) -> str:
    """What a reading of a text depends on: the model's code version, the taxonomy and the
    lexicon. Two readings of the same record under the same stamp are the same, so a
    rebuild (and the directory's search fields) may keep an earlier one."""
    stamp = build_stamp(terms, None)
    return _digest([stamp["model_version"], stamp["terms"], stamp["lexicon"]])


class MatchIndex:
    def __init__(self, terms: Sequence[Term], encoder: SentenceEncoder | None = None,
                 weights: Weights = DEFAULT_WEIGHTS) -> None:
        self.terms = tuple(terms)
        self.capabilities = [term.code for term in self.terms if term.kind == CAPABILITY]
        self.sector_codes = [term.code for term in self.terms if term.kind == SECTOR]
        self.compat = Compatibility.load(self.sector_codes)
        self.tagger = Tagger(self.terms)
        self.encoder = encoder
        self.weights = weights
        self.learned = None  # a learn.LearnedScorer that beat the defaults, if any
        self.learning = None  # the last learn.LearningReport, kept or not
        self.languages: list[str] = []
        self.vectorizer: TfidfVectorizer | None = None
        self.segments: list[Segment] = []
        self.location: dict[str, tuple[int, int]] = {}
        self.entries: dict[str, Entry] = {}
        self.fingerprint = build_stamp(self.terms, encoder.name if encoder else None, weights)
        self.reading_stamp = reading_stamp(self.terms)
        self.base_id = ""  # names the saved base a delta file belongs to

    # ----- building -------------------------------------------------------------------
    @classmethod
    def build(cls, records: Iterable[ProfileRecord], terms: Sequence[Term],
              encoder: SentenceEncoder | None = None, cache: VectorCache | None = None,
              weights: Weights = DEFAULT_WEIGHTS, previous: MatchIndex | None = None,
              read: Callable[[ProfileRecord], Reading] | None = None) -> MatchIndex:
        """Fit on ``records``. Only new and changed records are read (with ``read``, the
        index's tagger by default): an unchanged one keeps what ``previous`` read of it
        and its sentence meanings, when ``previous`` read the same way
        (:func:`reading_stamp`) with the same encoder. Reading the texts is most of a
        build. Rows follow ``records``. ``previous`` is used up: its meaning arrays are
        taken over or handed over (:func:`meanings.arrays_for`: they are never held
        twice), and it answers no more queries."""
        index = cls(terms, encoder, weights)
        read = read or index.tagger.read
        lender = previous if previous is not None and index._can_borrow(previous) else None
        entries: list[Entry] = []
        fresh: list[tuple[int, Reading]] = []  # (row, what was read now)
        sets = SharedSets()
        for record in records:
            entry = lender.entries.get(record.key) if lender is not None else None
            if entry is None or entry.record != record or entry.words is None:
                reading = read(record)
                entry = entry_of(record, reading)
                fresh.append((len(entries), reading))
            else:  # the caller holds ``record``: the lender's equal copy can go
                entry.record = record
            entries.append(sets.share(entry))
        index.vectorizer = TfidfVectorizer(analyzer=_identity, sublinear_tf=True)
        # A vocabulary cannot be empty: profiles without any text still need one.
        index.vectorizer.fit([entry.words for entry in entries]
                             if any(entry.words for entry in entries) else [["-"]])
        found = None
        if encoder is not None:
            kept = np.ones(len(entries), dtype=bool)
            kept[[row for row, _reading in fresh]] = False
            found = meanings.arrays_for([entry.record.key for entry in entries], kept,
                                        lender, encoder.dimension)
            meanings.fill(found, [row for row, _reading in fresh],
                          [reading for _row, reading in fresh],
                          cache if cache is not None else VectorCache(encoder))
        index.entries = {entry.record.key: entry for entry in entries}
        empty = meanings.arrays_for([], [], None, encoder.dimension) if encoder else None
        index.segments = [index._segment(entries, found), index._segment([], empty)]
        index.location = {entry.record.key: (0, row) for row, entry in enumerate(entries)}
        return index

    def _can_borrow(self, previous: MatchIndex) -> bool:
        """Whether ``previous`` read texts as this index does, with the same encoder."""
        return getattr(previous, "reading_stamp", None) == self.reading_stamp \
            and previous.fingerprint.get("encoder") == self.fingerprint["encoder"] \
            and all(segment.meaning is not None or self.encoder is None
                    for segment in previous.segments if len(segment))

    def _language_mask(self, languages: Iterable[str]) -> int:
        mask = 0
        for lang in languages:
            if lang not in self.languages:
                self.languages.append(lang)
            position = self.languages.index(lang)
            if position < 63:
                mask |= 1 << position
        return mask

    def _tag_matrix(self, given: list[tuple[str, ...]], read: list[frozenset[str]],
                    codes: list[str]) -> sp.csr_matrix:
        column = {code: position for position, code in enumerate(codes)}
        matrix = sp.lil_matrix((len(given), len(codes)), dtype=np.float32)
        for row, (explicit, inferred) in enumerate(zip(given, read, strict=True)):
            for code in inferred:
                if code in column:
                    matrix[row, column[code]] = INFERRED_WEIGHT
            for code in explicit:
                if code in column:
                    matrix[row, column[code]] = 1.0
        return matrix.tocsr()

    def _segment(self, entries: list[Entry], meanings) -> Segment:
        """Rows for ``entries`` (read already), with their sentence ``meanings`` (three
        row-aligned arrays, or None without an encoder)."""
        records = [entry.record for entry in entries]
        words = self.vectorizer.transform([entry.words for entry in entries]) if entries \
            else sp.csr_matrix((0, len(self.vectorizer.vocabulary_)), dtype=np.float64)
        meaning, meaning_needs, meaning_offers = meanings or (None, None, None)
        return Segment(
            keys=[record.key for record in records],
            kind=np.array([self.compat.kind_index(record.kind) for record in records],
                          dtype=np.int8),
            side=np.array([SIDES.index(record.side) for record in records], dtype=np.int8),
            languages=np.array([self._language_mask(record.languages) for record in records],
                               dtype=np.int64),
            needs=self._tag_matrix([record.needs for record in records],
                                   [entry.inferred.needs for entry in entries],
                                   self.capabilities),
            offers=self._tag_matrix([record.offers for record in records],
                                    [entry.inferred.offers for entry in entries],
                                    self.capabilities),
            sectors=self._tag_matrix([record.sectors for record in records],
                                     [entry.inferred.sectors for entry in entries],
                                     self.sector_codes),
            words=sp.csr_matrix(words),
            active=np.ones(len(records), dtype=bool),
            meaning=meaning, meaning_needs=meaning_needs, meaning_offers=meaning_offers,
        )

    def _read_segment(self, record: ProfileRecord, cache: VectorCache | None,
                      read: Callable[[ProfileRecord], Reading] | None = None,
                      ) -> tuple[Segment, Entry]:
        """One record read now (by ``read``, the index's tagger by default), as a one-row
        segment and its entry."""
        reading = (read or self.tagger.read)(record)
        entry = entry_of(record, reading)
        found = None
        if self.encoder is not None:
            found = meanings.arrays_for([record.key], [False], None, self.encoder.dimension)
            meanings.fill(found, [0], [reading],
                          cache if cache is not None else VectorCache(self.encoder))
        return self._segment([entry], found), entry

    # ----- updating -------------------------------------------------------------------
    def upsert(self, record: ProfileRecord, cache: VectorCache | None = None,
               read: Callable[[ProfileRecord], Reading] | None = None) -> None:
        """Add or replace one profile without refitting anything."""
        self.remove(record.key)
        row, self.entries[record.key] = self._read_segment(record, cache, read)
        delta = self.segments[-1]
        self.segments[-1] = concatenate([delta, row]) if len(delta) else row
        self.location[record.key] = (len(self.segments) - 1, len(self.segments[-1]) - 1)

    def remove(self, key: str) -> None:
        place = self.location.pop(key, None)
        if place is not None:
            self.segments[place[0]].active[place[1]] = False
        self.entries.pop(key, None)

    def __contains__(self, key: str) -> bool:
        return key in self.location

    def __len__(self) -> int:
        return len(self.location)

    def inferred(self, key: str) -> Tags | None:
        entry = self.entries.get(key)
        return entry.inferred if entry else None

    # ----- querying -------------------------------------------------------------------
    def _query_row(self, query: ProfileRecord | str) -> tuple[Segment, Entry, tuple[int, int]]:
        """The query as a one-row segment: its indexed row, or one read on the fly (a draft
        profile, or one that changed since it was indexed) without adding it."""
        key = query if isinstance(query, str) else query.key
        indexed = self.entries.get(key)
        if key in self.location and (isinstance(query, str) or indexed.record == query):
            segment_index, row_index = self.location[key]
            return self.segments[segment_index].row(row_index), indexed, (segment_index, row_index)
        if isinstance(query, str):
            raise KeyError(key)
        segment, entry = self._read_segment(query, None)
        return segment, entry, (-1, -1)

    def _score_rows(self, query: Segment, place: tuple[int, int],
                    mode: str) -> list[tuple[np.ndarray, dict, Segment]]:
        """Scores and features of every row against the one-row ``query`` (masked rows,
        including the query's own row at ``place``, score -1)."""
        segment_index, row_index = place
        results = []
        for position, segment in enumerate(self.segments):
            if not len(segment):
                continue
            features = derived_features(pair_features(query, segment, self.compat),
                                        self.weights)
            scores = self._scores(features)
            mask = segment.active & (features["kind"] > 0)
            if mode == CROSS:
                mask &= segment.side != query.side[0]
            elif mode == PEER:
                mask &= segment.side == query.side[0]
            if position == segment_index:
                mask[row_index] = False
            results.append((np.where(mask, scores, -1.0), features, segment))
        return results

    def _scores(self, features: dict[str, np.ndarray]) -> np.ndarray:
        return self.learned.score(features) if self.learned else \
            default_score(features, self.weights)

    def explain_pair(self, query: str, candidate: str) -> Match:
        """The match of two indexed profiles from ``query``'s point of view, whatever its
        rank among the suggestions (an exchange request shows it to both sides)."""
        [features] = self.pair_features(query, [candidate])
        score = self._scores({name: np.array([value]) for name, value in features.items()})
        asking, asked = self.entries[query], self.entries[candidate]
        return Match(candidate, round(float(score[0]), 4),
                     explain(asking.record, asking.tags, asked.record, asked.tags, features,
                             self.compat), features)

    def pair_features(self, query: str, candidates: Sequence[str]) -> list[dict[str, float]]:
        """The features of (query, candidate) for each candidate key, as learning reads them."""
        wanted = {key: position for position, key in enumerate(candidates)}
        found: list[dict[str, float] | None] = [None] * len(candidates)
        query_row, _entry, _place = self._query_row(query)
        for segment in self.segments:
            rows = [row for row, key in enumerate(segment.keys)
                    if key in wanted and segment.active[row]]
            if not rows:
                continue
            features = derived_features(pair_features(query_row, segment, self.compat),
                                        self.weights)
            for row in rows:
                found[wanted[segment.keys[row]]] = {name: float(values[row])
                                                    for name, values in features.items()}
        missing = [key for key, values in zip(candidates, found, strict=True) if values is None]
        if missing:
            raise KeyError(missing[0])
        return found

    def suggest(self, query: ProfileRecord | str, limit: int = 10, mode: str = CROSS,
                exclude: Iterable[str] = ()) -> list[Match]:
        """The best ``limit`` partners for ``query`` (an indexed key or any record), best
        first, with their reasons; ``exclude`` keys are never suggested."""
        key = query if isinstance(query, str) else query.key
        excluded = set(exclude) | {key}
        # Read once: for a record that is not indexed this tags and encodes its text.
        query_row, query_entry, place = self._query_row(query)
        candidates: list[tuple[float, str, dict[str, float]]] = []
        for scores, features, segment in self._score_rows(query_row, place, mode):
            wanted = min(len(scores), limit + len(excluded))
            top = np.argpartition(-scores, wanted - 1)[:wanted] if wanted < len(scores) \
                else np.arange(len(scores))
            for row in top:
                if scores[row] < 0 or segment.keys[row] in excluded:
                    continue
                candidates.append((float(scores[row]), segment.keys[row],
                                   {name: float(values[row]) for name, values in features.items()}))
        candidates.sort(key=lambda item: (-item[0], item[1]))
        return [
            Match(candidate_key, round(score, 4),
                  explain(query_entry.record, query_entry.tags,
                          self.entries[candidate_key].record,
                          self.entries[candidate_key].tags, features, self.compat),
                  features)
            for score, candidate_key, features in candidates[:limit]
        ]

    # ----- persistence ----------------------------------------------------------------
    def is_stale(self, terms: Sequence[Term], encoder_name: str | None,
                 weights: Weights = DEFAULT_WEIGHTS) -> bool:
        return self.fingerprint != build_stamp(terms, encoder_name, weights)

    def save(self, folder: Path) -> None:
        """Write the whole index atomically; the delta file of the previous base goes."""
        self.compacted()
        self.base_id = secrets.token_hex(8)
        encoder, self.encoder = self.encoder, None
        try:
            atomic_write(folder / BASE_FILE,
                         lambda stream: pickle.dump(self, stream, PICKLE_PROTOCOL))
        finally:
            self.encoder = encoder
        (folder / DELTA_FILE).unlink(missing_ok=True)

    def save_delta(self, folder: Path) -> None:
        """Write only what changed since the base was saved: cheap enough for every edit."""
        delta = self.segments[-1]
        state = {
            "base_id": self.base_id,
            "segment": delta,
            "entries": {key: self.entries[key] for key in delta.keys if key in self.entries},
            "removed": [key for key, active in zip(self.segments[0].keys,
                                                   self.segments[0].active, strict=True)
                        if not active],
            "languages": self.languages,
        }
        atomic_write(folder / DELTA_FILE,
                     lambda stream: pickle.dump(state, stream, PICKLE_PROTOCOL))

    @classmethod
    def load(cls, folder: Path, encoder: SentenceEncoder | None = None) -> MatchIndex:
        index: MatchIndex = _read_pickle(folder / BASE_FILE)
        index.encoder = encoder
        delta_path = folder / DELTA_FILE
        if delta_path.exists():
            index._apply_delta(_read_pickle(delta_path))
        return index

    def _apply_delta(self, state: dict) -> None:
        if state["base_id"] != self.base_id:
            return  # left over from an older base
        base = self.segments[0]
        for key in state["removed"]:
            place = self.location.pop(key, None)
            if place is not None and place[0] == 0:
                base.active[place[1]] = False
            self.entries.pop(key, None)
        delta: Segment = state["segment"]
        self.segments[-1] = delta
        for row, key in enumerate(delta.keys):
            if delta.active[row]:
                self.location[key] = (len(self.segments) - 1, row)
        self.entries.update(state["entries"])
        self.languages = list(state["languages"])

    def compacted(self) -> MatchIndex:
        """The same rows in one segment, removed rows dropped (no re-reading, no refit).
        A segment without removed rows is not copied, and one alone is kept as it is: a
        fresh build is saved without a second copy of its arrays."""
        parts = [segment if segment.active.all()
                 else _select(segment, np.flatnonzero(segment.active))
                 for segment in self.segments if len(segment)]
        base = parts[0] if len(parts) == 1 else concatenate(parts) if parts \
            else self.segments[0]
        self.segments = [base, _select(base, np.array([], dtype=int))]
        self.location = {key: (0, row) for row, key in enumerate(base.keys)}
        return self


def _read_pickle(path: Path):
    with path.open("rb") as stream:
        return pickle.load(stream)


def _select(segment: Segment, rows: np.ndarray) -> Segment:
    def pick(matrix):
        return None if matrix is None else matrix[rows]

    return Segment(
        keys=[segment.keys[row] for row in rows], kind=segment.kind[rows],
        side=segment.side[rows], languages=segment.languages[rows],
        needs=segment.needs[rows], offers=segment.offers[rows], sectors=segment.sectors[rows],
        words=segment.words[rows], meaning=pick(segment.meaning),
        meaning_needs=pick(segment.meaning_needs), meaning_offers=pick(segment.meaning_offers),
        active=segment.active[rows],
    )
