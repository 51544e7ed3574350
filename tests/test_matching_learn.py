"""Learning weights from exchange outcomes, on synthetic outcomes (no app)."""

from __future__ import annotations

import random

import numpy as np
import pytest
from matching_helpers import load_terms, record

from twinning.matching.index import MatchIndex
from twinning.matching.learn import MIN_OUTCOMES, Outcome, learn
from twinning.matching.scoring import default_score

TERMS = load_terms()
SECTORS = ["honey", "dates", "olive_oil", "dairy", "citrus", "handicrafts"]
CAPABILITIES = ["packaging", "marketing", "export", "quality_certification", "ecommerce"]
LANGUAGES = [["fr"], ["ar", "fr"], ["es"], ["en"], ["de"]]


@pytest.fixture(scope="module")
def synthetic():
    """60 profiles on each side with random codes and languages, and every cross pair."""
    rng = random.Random(7)

    def profile(key: str, country: str, kind: str):
        return record(key, kind=kind, country=country, sectors=rng.sample(SECTORS, 1),
                      needs=rng.sample(CAPABILITIES, 2), offers=rng.sample(CAPABILITIES, 2),
                      languages=rng.choice(LANGUAGES))

    records = [profile(f"s{n}", "MA", "cooperative") for n in range(60)]
    records += [profile(f"n{n}", "FR", rng.choice(["federation", "fair_trade"]))
                for n in range(60)]
    index = MatchIndex.build(records, TERMS)
    pairs = [(f"s{q}", f"n{c}") for q in range(60) for c in range(0, 60, 3)]
    features = {}
    for query in {pair[0] for pair in pairs}:
        candidates = [pair[1] for pair in pairs if pair[0] == query]
        for candidate, values in zip(candidates, index.pair_features(query, candidates),
                                     strict=True):
            features[(query, candidate)] = values
    return index, pairs, features


def test_outcomes_driven_by_language_teach_weights_that_beat_the_defaults(synthetic):
    index, pairs, features = synthetic
    # In this synthetic world, people accept exactly when they share a language.
    outcomes = [Outcome(query, candidate, features[(query, candidate)]["language"] > 0)
                for query, candidate in pairs]
    report = learn(index, outcomes)
    assert report.kept
    assert report.learned_auc > report.default_auc
    assert report.scorer.weights()["language"] > 0
    index.learned = report.scorer
    best = index.suggest("s0", limit=3)
    assert all(match.features["language"] > 0 for match in best)


def test_defaults_stay_when_they_already_rank_outcomes_perfectly(synthetic):
    index, pairs, features = synthetic
    scores = {pair: float(default_score({name: np.array([value]) for name, value in
                                         features[pair].items()}, index.weights)[0])
              for pair in pairs}
    threshold = float(np.median(list(scores.values())))
    outcomes = [Outcome(query, candidate, scores[(query, candidate)] > threshold)
                for query, candidate in pairs]
    report = learn(index, outcomes)
    assert report.default_auc == pytest.approx(1.0)
    assert not report.kept and report.scorer is None


def test_too_few_outcomes_keep_the_defaults(synthetic):
    index, pairs, _features = synthetic
    outcomes = [Outcome(query, candidate, n % 2 == 0)
                for n, (query, candidate) in enumerate(pairs[:MIN_OUTCOMES - 1])]
    assert not learn(index, outcomes).kept
