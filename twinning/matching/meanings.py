"""The sentence meanings of an index's profiles, the largest part of it.

Per profile, three unit vectors: the mean of its sentences' vectors, and the means of
those that may state a need and an offer. They are three row-aligned float32 arrays,
about 600 MB at 100,000 profiles, so a build fills them in place (never a second copy
of all three) and a rebuild takes over the previous index's arrays when its profiles are
the same, in the same rows, overwriting only the rows of those whose texts changed.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

import numpy as np

from twinning.matching.encoder import VectorCache
from twinning.matching.tagger import NEED, OFFER, Reading

# Profiles whose sentence vectors are held as float32 at once while filling.
MEANING_CHUNK = 2000
NAMES = ("meaning", "meaning_needs", "meaning_offers")

Meanings = tuple[np.ndarray, np.ndarray, np.ndarray]


class Lender(Protocol):
    """The previous index, as far as its meanings are concerned."""

    segments: list
    location: dict[str, tuple[int, int]]


def arrays_for(keys: Sequence[str], kept: Sequence[bool], lender: Lender | None,
               dimension: int) -> Meanings:
    """The three arrays of a new index whose rows are ``keys``, with the rows ``kept``
    from ``lender`` holding what it had for them (the others are filled later by
    :func:`fill`). When the lender has these very keys in these very rows (an unchanged
    or edited directory), its own arrays are taken over; otherwise new ones are made and
    the kept rows copied, one array at a time, each of the lender's let go once copied:
    the peak is the lender's arrays and one new one, not twice the three."""
    if lender is not None and _same_rows(keys, lender):
        base = lender.segments[0]
        return tuple(getattr(base, name) for name in NAMES)  # type: ignore[return-value]
    if lender is None or not any(kept):
        return tuple(np.zeros((len(keys), dimension), np.float32) for _ in NAMES)
    rows = np.flatnonzero(np.asarray(kept, dtype=bool))
    places = [lender.location[keys[row]] for row in rows]
    segment_of = np.array([segment for segment, _row in places])
    row_of = np.array([row for _segment, row in places])
    found = []
    for name in NAMES:
        target = np.zeros((len(keys), dimension), np.float32)
        for number, segment in enumerate(lender.segments):
            chosen = np.flatnonzero(segment_of == number)
            if len(chosen):
                target[rows[chosen]] = getattr(segment, name)[row_of[chosen]]
            setattr(segment, name, None)
        found.append(target)
    return tuple(found)  # type: ignore[return-value]


def _same_rows(keys: Sequence[str], lender: Lender) -> bool:
    base, *rest = lender.segments
    if any(len(segment) for segment in rest) or len(base) != len(keys) \
            or base.meaning is None:
        return False
    return all(lender.location.get(key) == (0, row) for row, key in enumerate(keys))


def fill(targets: Meanings, rows: Sequence[int], readings: Sequence[Reading],
         cache: VectorCache) -> None:
    """Write the meanings of ``readings`` into ``rows`` of ``targets``, a chunk of
    profiles at a time, so that only one chunk's sentence vectors are held as float32."""
    meaning, needs, offers = targets
    for start in range(0, len(readings), MEANING_CHUNK):
        chunk = readings[start:start + MEANING_CHUNK]
        vectors = cache.vectors([sentence for reading in chunk
                                 for sentence, _direction in reading.sentences])
        position = 0
        for row, reading in zip(rows[start:start + MEANING_CHUNK], chunk, strict=True):
            count = len(reading.sentences)
            block = vectors[position:position + count]
            position += count
            directions = [direction for _sentence, direction in reading.sentences]
            meaning[row] = _unit_mean(block)
            # A sentence with no cue may say either: it counts on both sides.
            needs[row] = _unit_mean(block[[direction != OFFER for direction in directions]])
            offers[row] = _unit_mean(block[[direction != NEED for direction in directions]])


def _unit_mean(block: np.ndarray) -> np.ndarray:
    """The mean of ``block``'s rows scaled to unit length (zero when there are none)."""
    if not len(block):
        return np.zeros(block.shape[1], np.float32)
    mean = block.mean(axis=0)
    norm = np.linalg.norm(mean)
    return mean / norm if norm else mean
