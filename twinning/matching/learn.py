"""Learning the weights from exchange outcomes, kept only when they beat the defaults.

When exchanges are accepted or declined, each outcome is a labelled pair. A logistic
regression on the pair features learns how much each one matters; it replaces the hand-set
default only if it ranks held-out outcomes better (ROC AUC on queries it never saw).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import roc_auc_score

from twinning.matching.scoring import FEATURE_NAMES, default_score, feature_matrix

# The learned model must beat the defaults by this much AUC to replace them.
MIN_IMPROVEMENT = 0.01
MIN_OUTCOMES = 30
HOLDOUT_SHARE = 0.3


@dataclass(frozen=True)
class Outcome:
    """An exchange request between two indexed profiles and how it ended."""

    query: str
    candidate: str
    accepted: bool


class LearnedScorer:
    """Scores pairs with a fitted logistic regression; incompatible kinds still score 0."""

    def __init__(self, model: LogisticRegression) -> None:
        self.model = model

    def score(self, features: dict[str, np.ndarray]) -> np.ndarray:
        probability = self.model.predict_proba(feature_matrix(features))[:, 1]
        return np.where(features["kind"] > 0, probability, 0.0)

    def weights(self) -> dict[str, float]:
        return dict(zip(FEATURE_NAMES, self.model.coef_[0].round(4).tolist(), strict=True))


@dataclass(frozen=True)
class LearningReport:
    outcomes: int
    default_auc: float | None
    learned_auc: float | None
    kept: bool
    scorer: LearnedScorer | None


def learn(index, outcomes: Sequence[Outcome], seed: int = 0) -> LearningReport:
    """Fit on some queries' outcomes, compare with the defaults on the others' outcomes."""
    usable = [outcome for outcome in outcomes
              if outcome.query in index and outcome.candidate in index]
    labels = {outcome.accepted for outcome in usable}
    if len(usable) < MIN_OUTCOMES or len(labels) < 2:
        return LearningReport(len(usable), None, None, False, None)
    features, accepted = _features(index, usable)
    queries = sorted({outcome.query for outcome in usable})
    rng = np.random.default_rng(seed)
    held_out = set(rng.choice(queries, size=max(1, int(len(queries) * HOLDOUT_SHARE)),
                              replace=False).tolist())
    test = np.array([outcome.query in held_out for outcome in usable])
    if len(set(accepted[test])) < 2 or len(set(accepted[~test])) < 2:
        return LearningReport(len(usable), None, None, False, None)
    model = LogisticRegression(max_iter=1000, class_weight="balanced")
    model.fit(feature_matrix(features)[~test], accepted[~test])
    scorer = LearnedScorer(model)
    held_out_features = {name: values[test] for name, values in features.items()}
    default_auc = roc_auc_score(accepted[test], default_score(held_out_features, index.weights))
    learned_auc = roc_auc_score(accepted[test], scorer.score(held_out_features))
    kept = learned_auc >= default_auc + MIN_IMPROVEMENT
    if kept:
        # Refit on every outcome now that the approach has proved itself.
        model = LogisticRegression(max_iter=1000, class_weight="balanced")
        model.fit(feature_matrix(features), accepted)
        scorer = LearnedScorer(model)
    return LearningReport(len(usable), float(default_auc), float(learned_auc), kept,
                          scorer if kept else None)


def _features(index, outcomes: Sequence[Outcome]) -> tuple[dict[str, np.ndarray], np.ndarray]:
    by_query: dict[str, list[int]] = defaultdict(list)
    for position, outcome in enumerate(outcomes):
        by_query[outcome.query].append(position)
    rows: list[dict[str, float] | None] = [None] * len(outcomes)
    for query, positions in by_query.items():
        pairs = index.pair_features(query, [outcomes[p].candidate for p in positions])
        for position, values in zip(positions, pairs, strict=True):
            rows[position] = values
    features = {name: np.array([row[name] for row in rows]) for name in rows[0]}
    return features, np.array([outcome.accepted for outcome in outcomes])
