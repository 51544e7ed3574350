"""Ranking metrics, and the model against the three baselines on the development set."""

from __future__ import annotations

import json
import math
from pathlib import Path

import pytest
from matching_helpers import record

from twinning.matching.evaluate import (
    DIRECTIONS,
    METRICS,
    SPLITS,
    both_ways,
    evaluate,
    query_metrics,
)

DEVSET = Path(__file__).resolve().parents[1] / "eval" / "devset"
BASELINES = ("word_tfidf", "code_overlap", "sentence_encoder")
# The look-alike local authorities, judged by reading; the test split is tuned on by nobody.
LOOK_ALIKE = ("look_alike", "look_alike_test")


def test_query_metrics_by_hand():
    metrics = query_metrics(["a", "r1", "b", "c", "r2", "d"], {"r1", "r2"})
    assert metrics["P@1"] == 0
    assert metrics["P@5"] == pytest.approx(2 / 5)
    assert metrics["R@10"] == 1
    assert metrics["MRR"] == pytest.approx(1 / 2)
    ideal = 1 + 1 / math.log2(3)
    assert metrics["nDCG@10"] == pytest.approx((1 / math.log2(3) + 1 / math.log2(6)) / ideal)


def test_query_metrics_when_nothing_relevant_is_found():
    metrics = query_metrics(["a", "b"], {"r"})
    assert metrics == {"P@1": 0.0, "P@5": 0.0, "R@10": 0.0, "MRR": 0.0, "nDCG@10": 0.0}


def test_devset_is_large_and_mixed():
    profiles = [json.loads(line) for line in
                (DEVSET / "profiles.jsonl").read_text(encoding="utf-8").splitlines()]
    truth = json.loads((DEVSET / "truth.json").read_text(encoding="utf-8"))["queries"]
    by_id = {profile["external_id"]: profile for profile in profiles}
    assert len(truth) >= 40
    assert {by_id[query]["description_lang"] for query in truth} == {"ar", "fr", "en", "es"}
    text_only = [profile for profile in profiles
                 if not any(profile.get(name) for name in ("sectors", "needs", "offers"))]
    assert 0.4 <= len(text_only) / len(profiles) <= 0.6


@pytest.fixture(scope="module")
def devset_report(tmp_path_factory):
    """One ``flask twinning evaluate --json`` run on the development set."""
    from twinning import create_app

    app = create_app({
        "SECRET_KEY": "test",
        "SQLALCHEMY_DATABASE_URI": "sqlite://",
        "MATCHING_VECTOR_CACHE": str(tmp_path_factory.mktemp("vectors") / "v.npz"),
    })
    result = app.test_cli_runner().invoke(args=[
        "twinning", "evaluate", str(DEVSET / "profiles.jsonl"), str(DEVSET / "truth.json"),
        "--json", "--tags", str(DEVSET / "gold_tags.json"),
    ])
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def test_judgments_are_read_both_ways():
    assert both_ways({"q": ["a", "b"], "a": ["c"]}) == {"q": {"a", "b"}, "a": {"c", "q"},
                                                         "b": {"q"}, "c": {"a"}}


def test_candidates_judged_apart_neither_help_nor_hurt():
    """A profile of a part judged on its own is taken out of another part's rankings."""
    records = [record("q", country="MA"), record("r", country="FR"),
               record("x", country="FR"), record("q2", country="MA")]
    ranker = {"fixed": lambda key: ["x", "r", "q", "q2"]}
    truth = {"q": ["r"], "q2": ["x"]}
    apart = evaluate(records, truth, ranker, judged_apart=["x", "q2"])
    mixed = evaluate(records, truth, ranker)
    assert apart.scores["fixed"]["all"]["MRR"] == 1.0
    assert mixed.scores["fixed"]["all"]["MRR"] == pytest.approx((0.5 + 1.0) / 2)
    assert apart.counts["from_europe"] == 2


@pytest.mark.parametrize("split", (*SPLITS, *DIRECTIONS, *LOOK_ALIKE))
def test_model_beats_every_baseline_in_every_split(devset_report, split):
    scores = devset_report["scores"]
    assert devset_report["queries"][split] > 0
    for baseline in BASELINES:
        for metric in ("MRR", "nDCG@10"):
            assert scores["model"][split][metric] > scores[baseline][split][metric], (
                baseline, metric)
    assert set(scores["model"][split]) == set(METRICS)


def test_cross_language_is_nearly_as_good_as_same_language(devset_report):
    model = devset_report["scores"]["model"]
    assert model["cross_language"]["MRR"] >= 0.9 * model["same_language"]["MRR"]


def test_tagger_reads_every_language(devset_report):
    for lang in ("ar", "fr", "en", "es"):
        fields = devset_report["tagger"][lang]
        assert fields["sectors"]["recall"] >= 0.6, lang
        assert fields["needs"]["precision"] >= 0.45, lang
        assert fields["offers"]["precision"] >= 0.4, lang


@pytest.mark.parametrize(("content", "message"), [("{not json", "broken JSON"),
                                                  ('["a", "b"]', "expected a JSON object"),
                                                  ('{"q": "r"}', "list of relevant")])
def test_evaluate_explains_a_bad_truth_file(runner, tmp_path, content, message):
    truth = tmp_path / "truth.json"
    truth.write_text(content, encoding="utf-8")
    result = runner.invoke(args=["twinning", "evaluate", str(DEVSET / "profiles.jsonl"),
                                 str(truth)])
    assert result.exit_code != 0
    assert message in result.output
