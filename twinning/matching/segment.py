"""A block of indexed profiles as row-aligned arrays, and the pair features against one query.

Everything is computed for all rows at once with sparse products (needs × offers, TF-IDF)
and one dense product for the sentence embeddings: one query costs O(rows), never N × N.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import scipy.sparse as sp

from twinning.matching.compatibility import Compatibility

SIDES = ("south", "north")
# USE cosines: unrelated texts sit near 0.1, close ones above 0.6; map that span onto 0..1.
MEANING_FLOOR = 0.15
MEANING_SPAN = 0.5
UNKNOWN_LANGUAGES = 0


@dataclass
class Segment:
    """Rows of profiles; ``active`` is False for rows replaced or removed since the build."""

    keys: list[str]
    kind: np.ndarray  # int8 index into Compatibility.kinds
    side: np.ndarray  # int8 index into SIDES
    languages: np.ndarray  # int64 bit mask over the index's language list
    needs: sp.csr_matrix  # rows × capabilities, 1 for given codes, less for inferred ones
    offers: sp.csr_matrix
    sectors: sp.csr_matrix  # rows × sectors
    words: sp.csr_matrix  # rows × TF-IDF features, L2-normalised
    meaning: np.ndarray | None = None  # rows × dimension: whole description
    meaning_needs: np.ndarray | None = None  # rows × dimension: sentences stating needs
    meaning_offers: np.ndarray | None = None  # rows × dimension: sentences stating offers
    active: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=bool))

    def __len__(self) -> int:
        return len(self.keys)

    def row(self, index: int) -> Segment:
        """A one-row segment (the query side of a comparison)."""
        def pick(matrix):
            return None if matrix is None else matrix[index:index + 1]

        return Segment(
            keys=[self.keys[index]], kind=self.kind[index:index + 1],
            side=self.side[index:index + 1], languages=self.languages[index:index + 1],
            needs=self.needs[index], offers=self.offers[index], sectors=self.sectors[index],
            words=self.words[index], meaning=pick(self.meaning),
            meaning_needs=pick(self.meaning_needs), meaning_offers=pick(self.meaning_offers),
            active=self.active[index:index + 1],
        )


def concatenate(segments: list[Segment]) -> Segment:
    """One segment holding the rows of several (used when compacting an index)."""
    def stack_dense(name):
        parts = [getattr(segment, name) for segment in segments]
        return None if any(part is None for part in parts) else np.vstack(parts)

    return Segment(
        keys=[key for segment in segments for key in segment.keys],
        kind=np.concatenate([segment.kind for segment in segments]),
        side=np.concatenate([segment.side for segment in segments]),
        languages=np.concatenate([segment.languages for segment in segments]),
        needs=sp.vstack([segment.needs for segment in segments], format="csr"),
        offers=sp.vstack([segment.offers for segment in segments], format="csr"),
        sectors=sp.vstack([segment.sectors for segment in segments], format="csr"),
        words=sp.vstack([segment.words for segment in segments], format="csr"),
        meaning=stack_dense("meaning"),
        meaning_needs=stack_dense("meaning_needs"),
        meaning_offers=stack_dense("meaning_offers"),
        active=np.concatenate([segment.active for segment in segments]),
    )


def _meaning(first: np.ndarray | None, second: np.ndarray | None) -> np.ndarray | None:
    if first is None or second is None:
        return None
    cosine = (second @ first.T).ravel()
    # A missing sentence group is a zero vector: its cosine is 0 and maps to 0 below.
    return np.clip((cosine - MEANING_FLOOR) / MEANING_SPAN, 0.0, 1.0)


def pair_features(query: Segment, rows: Segment, compat: Compatibility) -> dict[str, np.ndarray]:
    """Features of (query, row) for every row, each in [0, 1]."""
    n = len(rows)
    query_need_total = float(query.needs.sum())
    row_need_totals = np.asarray(rows.needs.sum(axis=1)).ravel()
    # They offer what the query needs: covered share of the query's needs.
    them = np.asarray((rows.offers @ query.needs.T).todense()).ravel()
    them = them / query_need_total if query_need_total > 0 else np.zeros(n)
    # The query offers what they need: covered share of each row's needs.
    you = np.asarray((rows.needs @ query.offers.T).todense()).ravel()
    with np.errstate(divide="ignore", invalid="ignore"):
        you = np.where(row_need_totals > 0, you / np.maximum(row_need_totals, 1e-9), 0.0)

    # Sector closeness: the best relation between a sector of each side.
    query_sectors = np.asarray(query.sectors.todense()).ravel()
    reach = (compat.sector_matrix * query_sectors[:, None]).max(axis=0) if query_sectors.any() \
        else np.zeros(len(compat.sectors), dtype=np.float32)
    sector = rows.sectors.multiply(reach[None, :]).tocsr().max(axis=1)
    sector = np.asarray(sector.todense()).ravel() if sp.issparse(sector) else np.asarray(sector)

    both_sectors = np.full(n, float(query_sectors.any())) * (np.diff(rows.sectors.indptr) > 0)
    words = np.asarray((rows.words @ query.words.T).todense()).ravel()
    meaning = _meaning(query.meaning, rows.meaning)
    meaning_them = _meaning(query.meaning_needs, rows.meaning_offers)
    meaning_you = _meaning(query.meaning_offers, rows.meaning_needs)
    zeros = np.zeros(n)

    query_languages = int(query.languages[0])
    if query_languages == UNKNOWN_LANGUAGES:
        language = np.ones(n)
    else:
        shared = (rows.languages & query_languages) != 0
        language = np.where(rows.languages == UNKNOWN_LANGUAGES, 1.0, shared.astype(float))
    kind = compat.kind_matrix[int(query.kind[0])][rows.kind] if query.kind[0] >= 0 \
        else np.zeros(n)
    return {
        "them": np.clip(them, 0, 1),
        "you": np.clip(you, 0, 1),
        "sector": sector,
        "both_sectors": both_sectors,
        "words": np.clip(words, 0, 1),
        "meaning": zeros if meaning is None else meaning,
        "meaning_them": zeros if meaning_them is None else meaning_them,
        "meaning_you": zeros if meaning_you is None else meaning_you,
        "language": language,
        "kind": kind.astype(float),
    }
