"""Plain-data helpers for the matching tests (no app, no database)."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import numpy as np

from twinning.matching.encoder import normalise_rows
from twinning.matching.records import ProfileRecord, Term

TAXONOMY = Path(__file__).resolve().parents[1] / "twinning" / "data" / "taxonomy.json"


def load_terms() -> list[Term]:
    raw = json.loads(TAXONOMY.read_text(encoding="utf-8"))["terms"]
    return [Term(item["code"], item["kind"], item["labels"], item["synonyms"]) for item in raw]


def record(key: str, kind: str = "cooperative", country: str = "MA", **fields) -> ProfileRecord:
    fields.setdefault("languages", ("fr",))
    fields.setdefault("name", key)
    for name in ("languages", "sectors", "needs", "offers"):
        fields[name] = tuple(fields.get(name, ()))
    return ProfileRecord(key=key, kind=kind, country=country, **fields)


class HashingEncoder:
    """A stand-in encoder: character trigrams hashed into 64 dimensions (fast, no model)."""

    name = "hashing-test-encoder"
    dimension = 64

    def encode(self, texts):
        matrix = np.zeros((len(texts), self.dimension), dtype=np.float32)
        for row, text in enumerate(texts):
            folded = text.lower()
            for start in range(max(1, len(folded) - 2)):
                digest = hashlib.md5(folded[start:start + 3].encode()).digest()
                matrix[row, digest[0] % self.dimension] += 1
        return normalise_rows(matrix)
