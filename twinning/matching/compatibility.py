"""Which kinds of organisation make partners, and which sectors are related (from the lexicon)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from twinning.matching import lexicon


@dataclass(frozen=True)
class Compatibility:
    kinds: tuple[str, ...]
    kind_matrix: np.ndarray  # kinds × kinds, symmetric, 0..1
    sectors: tuple[str, ...]
    sector_matrix: np.ndarray  # sectors × sectors, symmetric, 1 on the diagonal

    @classmethod
    def load(cls, sector_codes: Sequence[str]) -> Compatibility:
        kind_data = lexicon.load("kinds.json")
        kinds = tuple(kind_data["kinds"])
        kind_matrix = np.zeros((len(kinds), len(kinds)), dtype=np.float32)
        for first, row in kind_data["pairs"].items():
            for second, weight in row.items():
                i, j = kinds.index(first), kinds.index(second)
                kind_matrix[i, j] = kind_matrix[j, i] = weight
        sectors = tuple(sector_codes)
        sector_matrix = np.eye(len(sectors), dtype=np.float32)
        for group in lexicon.load("sectors.json")["groups"]:
            members = [sectors.index(code) for code in group["sectors"] if code in sectors]
            hub = group.get("hub")
            pairs = ([(sectors.index(hub), member) for member in members] if hub in sectors
                     else [(i, j) for i in members for j in members if i != j])
            for i, j in pairs:
                weight = max(sector_matrix[i, j], group["weight"])
                sector_matrix[i, j] = sector_matrix[j, i] = weight
        return cls(kinds, kind_matrix, sectors, sector_matrix)

    def kind_index(self, kind: str) -> int:
        return self.kinds.index(kind) if kind in self.kinds else -1
