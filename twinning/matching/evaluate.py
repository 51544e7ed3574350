"""Ranking quality on labelled data: the model against three baselines, split several ways.

Metrics per query, averaged: P@1, P@5, R@10, MRR, nDCG@10 (binary relevance). Splits of the
queries as judged: ``all``; ``same_language`` / ``cross_language`` (only the relevant
partners written in the query's language, or only the others — the rest of the relevant
partners are taken out of the ranking so they neither help nor hurt); ``coded`` /
``text_only`` queries; and any named split the truth file lists (``look_alike``,
``look_alike_test`` …). Then both directions of every judgment: ``from_morocco`` (Moroccan
queries ranking European candidates) and ``from_europe`` (European queries ranking
Moroccan ones), where a judgment "C is relevant for Q" is read the other way too.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np
from sklearn.feature_extraction.text import TfidfVectorizer

from twinning.matching.encoder import SentenceEncoder
from twinning.matching.index import CROSS, MatchIndex
from twinning.matching.records import ProfileRecord, Term

METRICS = ("P@1", "P@5", "R@10", "MRR", "nDCG@10")
SPLITS = ("all", "same_language", "cross_language", "coded", "text_only")
DIRECTIONS = ("from_morocco", "from_europe")
Ranker = Callable[[str], list[str]]


def query_metrics(ranking: Sequence[str], relevant: set[str]) -> dict[str, float]:
    hits = [key in relevant for key in ranking]
    first = next((position for position, hit in enumerate(hits) if hit), None)
    dcg = sum(1 / math.log2(position + 2) for position, hit in enumerate(hits[:10]) if hit)
    ideal = sum(1 / math.log2(position + 2) for position in range(min(10, len(relevant))))
    return {
        "P@1": float(any(hits[:1])),
        "P@5": sum(hits[:5]) / 5,
        "R@10": sum(hits[:10]) / len(relevant),
        "MRR": 0.0 if first is None else 1 / (first + 1),
        "nDCG@10": dcg / ideal if ideal else 0.0,
    }


@dataclass
class Evaluation:
    """Averaged metrics: ``scores[method][split][metric]``, and query counts per split."""

    scores: dict[str, dict[str, dict[str, float]]]
    counts: dict[str, int]


def both_ways(truth: Mapping[str, Sequence[str]]) -> dict[str, set[str]]:
    """Every judgment read both ways: if C is relevant for Q, Q is relevant for C."""
    combined: dict[str, set[str]] = {query: set(relevant) for query, relevant in truth.items()}
    for query, relevant in truth.items():
        for candidate in relevant:
            combined.setdefault(candidate, set()).add(query)
    return combined


def evaluate(records: Sequence[ProfileRecord], truth: Mapping[str, Sequence[str]],
             rankers: Mapping[str, Ranker],
             named: Mapping[str, Sequence[str]] | None = None,
             judged_apart: Collection[str] = (),
             directions: Mapping[str, Collection[str]] | None = None) -> Evaluation:
    """``named`` splits: name → the queries of ``truth`` they hold. ``directions``: the
    judgments read both ways (default: :func:`both_ways` of ``truth``). ``judged_apart``: the
    profiles of parts judged on their own (by reading); nobody judged them for the other
    parts' queries, nor those parts' profiles for theirs, so such unjudged candidates are
    taken out of a query's ranking (they neither help nor hurt) unless judged relevant."""
    by_key = {record.key: record for record in records}
    named = named or {}
    apart = set(judged_apart)
    scores: dict[str, dict[str, dict[str, float]]] = {}
    counts: dict[str, int] = {}
    for method, ranker in rankers.items():
        per_split: dict[str, list[dict[str, float]]] = {
            split: [] for split in (*SPLITS, *named, *DIRECTIONS)}
        ranking_of = _remembered(ranker)
        for key, relevant in _judged(truth, by_key).items():
            query = by_key[key]
            ranking = _without_unjudged(ranking_of(key), key, relevant, apart)
            same = {other for other in relevant
                    if by_key[other].description_lang == query.description_lang}
            for split, wanted in (("all", relevant), ("same_language", same),
                                  ("cross_language", relevant - same)):
                if wanted:
                    hidden = relevant - wanted
                    per_split[split].append(query_metrics(
                        [other for other in ranking if other not in hidden], wanted))
            per_split["coded" if query.has_codes else "text_only"].append(
                query_metrics(ranking, relevant))
            for name, queries in named.items():
                if key in queries:
                    per_split[name].append(query_metrics(ranking, relevant))
        for key, relevant in _judged(directions or both_ways(truth), by_key).items():
            direction = "from_morocco" if by_key[key].side == "south" else "from_europe"
            per_split[direction].append(query_metrics(
                _without_unjudged(ranking_of(key), key, relevant, apart), relevant))
        scores[method] = {
            split: {metric: float(np.mean([row[metric] for row in rows])) if rows else 0.0
                    for metric in METRICS}
            for split, rows in per_split.items()
        }
        counts = {split: len(rows) for split, rows in per_split.items()}
    return Evaluation(scores, counts)


def _without_unjudged(ranking: list[str], key: str, relevant: set[str],
                      apart: set[str]) -> list[str]:
    """The ranking without the candidates nobody judged for ``key`` (see ``evaluate``)."""
    return [other for other in ranking
            if (other in apart) == (key in apart) or other in relevant]


def _remembered(ranker: Ranker) -> Ranker:
    """The ranker, each query's ranking computed once (both directions share them)."""
    rankings: dict[str, list[str]] = {}

    def ranking_of(key: str) -> list[str]:
        if key not in rankings:
            rankings[key] = [other for other in ranker(key) if other != key]
        return rankings[key]

    return ranking_of


def _judged(truth: Mapping[str, Iterable[str]],
            by_key: Mapping[str, ProfileRecord]) -> dict[str, set[str]]:
    """The queries present in the records, with their relevant partners that are too."""
    judged = {}
    for key, relevant in truth.items():
        if key not in by_key:
            continue
        present = {other for other in relevant if other in by_key and other != key}
        if present:
            judged[key] = present
    return judged


def _cosine_ranker(keys: list[str], matrix) -> Ranker:
    """Rank every other profile by cosine of L2-normalised rows (ties by key order)."""
    position = {key: row for row, key in enumerate(keys)}
    order = np.array(keys)

    def rank(key: str) -> list[str]:
        row = matrix[position[key]]
        similarities = np.asarray((matrix @ row.T).todense()).ravel() if hasattr(
            matrix, "todense") else matrix @ row
        ranked = np.lexsort((order, -similarities))
        return [keys[index] for index in ranked if keys[index] != key]

    return rank


def word_tfidf_baseline(records: Sequence[ProfileRecord]) -> Ranker:
    """Plain word TF-IDF cosine on the descriptions."""
    matrix = TfidfVectorizer().fit_transform([record.description for record in records])
    return _cosine_ranker([record.key for record in records], matrix.tocsr())


def code_overlap_baseline(records: Sequence[ProfileRecord]) -> Ranker:
    """Jaccard overlap of taxonomy codes alone (sectors, needs and offers together)."""
    keys = [record.key for record in records]
    codes = {record.key: set(record.sectors) | set(record.needs) | set(record.offers)
             for record in records}

    def rank(key: str) -> list[str]:
        mine = codes[key]

        def overlap(other: str) -> float:
            union = mine | codes[other]
            return len(mine & codes[other]) / len(union) if union else 0.0

        return sorted((other for other in keys if other != key),
                      key=lambda other: (-overlap(other), other))

    return rank


def encoder_baseline(records: Sequence[ProfileRecord], encoder: SentenceEncoder) -> Ranker:
    """Cosine of the sentence encoder's embedding of each whole description."""
    matrix = encoder.encode([record.description or record.name for record in records])
    return _cosine_ranker([record.key for record in records], matrix)


def format_table(evaluation: Evaluation) -> str:
    lines = []
    for split in evaluation.counts:
        lines.append(f"{split} ({evaluation.counts.get(split, 0)} queries)")
        lines.append(f"  {'method':<20}" + "".join(f"{metric:>9}" for metric in METRICS))
        for method, per_split in evaluation.scores.items():
            values = per_split[split]
            lines.append(f"  {method:<20}" + "".join(f"{values[metric]:>9.3f}"
                                                      for metric in METRICS))
    return "\n".join(lines)


def run_evaluation(records: Sequence[ProfileRecord], truth: Mapping[str, Sequence[str]],
                   terms: Sequence[Term], encoder: SentenceEncoder | None,
                   named: Mapping[str, Sequence[str]] | None = None,
                   judged_apart: Collection[str] = (),
                   directions: Mapping[str, Collection[str]] | None = None) -> Evaluation:
    """The model and the three baselines, in one run on the same records."""
    index = MatchIndex.build(records, terms, encoder=encoder)
    everyone = len(records)
    rankers: dict[str, Ranker] = {
        "model": lambda key: [match.key for match in index.suggest(key, everyone, CROSS)],
        "word_tfidf": word_tfidf_baseline(records),
        "code_overlap": code_overlap_baseline(records),
    }
    if encoder is not None:
        rankers["sentence_encoder"] = encoder_baseline(records, encoder)
    return evaluate(records, truth, rankers, named, judged_apart, directions)


TAG_FIELDS = ("sectors", "needs", "offers")


def tagger_scores(records: Sequence[ProfileRecord], gold: Mapping[str, Mapping[str, list[str]]],
                  tagger) -> dict[str, dict[str, dict[str, float]]]:
    """Precision and recall of the codes read from text, per description language:
    ``scores[lang][field] = {"precision", "recall", "profiles"}`` (micro-averaged)."""
    counts: dict[str, dict[str, list[int]]] = {}
    for record in records:
        if record.key not in gold:
            continue
        read = tagger.tag(record)
        lang = record.description_lang or "?"
        for name in TAG_FIELDS:
            expected = set(gold[record.key].get(name, []))
            found = set(getattr(read, name))
            tally = counts.setdefault(lang, {}).setdefault(name, [0, 0, 0, 0])
            tally[0] += len(found & expected)
            tally[1] += len(found - expected)
            tally[2] += len(expected - found)
            tally[3] += 1
    return {
        lang: {name: _precision_recall_f1(*tally) for name, tally in fields.items()}
        for lang, fields in sorted(counts.items())
    }


def _precision_recall_f1(hits: int, wrong: int, missed: int,
                         profiles: int) -> dict[str, float]:
    precision = hits / (hits + wrong) if hits + wrong else 0.0
    recall = hits / (hits + missed) if hits + missed else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {"precision": precision, "recall": recall, "f1": f1, "profiles": profiles}


def format_tagger_table(scores: dict[str, dict[str, dict[str, float]]],
                        title: str = "tagger (codes read from text)") -> str:
    lines = [title, f"  {'lang':<6}{'profiles':>9}" + "".join(
        f"{name[:3] + ' ' + measure:>8}" for name in TAG_FIELDS for measure in ("P", "R", "F1"))]
    for lang, fields in scores.items():
        lines.append(f"  {lang:<6}{fields[TAG_FIELDS[0]]['profiles']:>9}" + "".join(
            f"{fields[name][measure]:>8.2f}" for name in TAG_FIELDS
            for measure in ("precision", "recall", "f1")))
    return "\n".join(lines)
