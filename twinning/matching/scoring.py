"""From pair features to one score in [0, 1]: the hand-set default and its documentation.

Default weights (hand-set, then checked on the development set in eval/devset):

* ``complement_in_field`` 0.50 — complementarity (what one side needs, the other offers)
  times how close their fields are: packaging know-how for *food* answers a honey cooperative.
* ``complement`` 0.10 — complementarity alone, so a good helper from a neighbouring field
  still shows.
* ``sector`` 0.15, ``meaning`` 0.15, ``words`` 0.10 — the same or related sectors, the
  meaning of the descriptions (multilingual sentence encoder), shared words and concepts.

Complementarity in one direction is the larger of the codes' coverage (given or read from
the text) and the encoder's closeness between one side's need sentences and the other's
offer sentences (``meaning_complement_trust`` scales the latter). Both directions count:
``(best + 0.5 × other) / 1.5`` lets a two-way exchange outrank a one-way one without
silencing a strong one-way helper. The result is multiplied by the kind compatibility
(0 removes the pair: a commune is not offered a cooperative; see below) and by 0.5 when
the two share no working language (an interpreter is needed).

How close two fields are: when both sides have sectors (given or read), 60 % the sector
relation and 40 % the texts' closeness; otherwise the best of sector, meaning and words.
Kind compatibility scales the score from 0.5 (acceptable pair) to 1 (natural peers).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

import numpy as np

# What the learned model reads, in this order (see learn.py).
FEATURE_NAMES = (
    "complement", "complement_in_field", "them", "you", "sector", "meaning", "words",
    "language", "kind",
)


@dataclass(frozen=True)
class Weights:
    complement_in_field: float = 0.50
    complement: float = 0.10
    sector: float = 0.15
    meaning: float = 0.15
    words: float = 0.10
    other_direction_share: float = 0.5
    meaning_complement_trust: float = 1.0
    sector_trust: float = 0.6
    kind_floor: float = 0.5
    no_common_language: float = 0.5

    def as_dict(self) -> dict[str, float]:
        return asdict(self)


DEFAULT_WEIGHTS = Weights()


def derived_features(raw: dict[str, np.ndarray], weights: Weights) -> dict[str, np.ndarray]:
    """Add the combined features to the raw ones from :func:`segment.pair_features`."""
    them = np.maximum(raw["them"], weights.meaning_complement_trust * raw["meaning_them"])
    you = np.maximum(raw["you"], weights.meaning_complement_trust * raw["meaning_you"])
    share = weights.other_direction_share
    complement = (np.maximum(them, you) + share * np.minimum(them, you)) / (1 + share)
    text_field = np.maximum(raw["meaning"], raw["words"])
    # Known sectors on both sides say most about the field; the texts fill in otherwise.
    field = np.where(raw["both_sectors"] > 0,
                     weights.sector_trust * raw["sector"]
                     + (1 - weights.sector_trust) * text_field,
                     np.maximum(raw["sector"], text_field))
    return {
        **raw,
        "them": them,
        "you": you,
        "complement": complement,
        "complement_in_field": complement * field,
    }


def default_score(features: dict[str, np.ndarray], weights: Weights) -> np.ndarray:
    linear = (
        weights.complement_in_field * features["complement_in_field"]
        + weights.complement * features["complement"]
        + weights.sector * features["sector"]
        + weights.meaning * features["meaning"]
        + weights.words * features["words"]
    )
    language = np.where(features["language"] > 0, 1.0, weights.no_common_language)
    kind = np.where(features["kind"] > 0,
                    weights.kind_floor + (1 - weights.kind_floor) * features["kind"], 0.0)
    return np.clip(linear * kind * language, 0.0, 1.0)


def feature_matrix(features: dict[str, np.ndarray]) -> np.ndarray:
    return np.column_stack([features[name] for name in FEATURE_NAMES])
