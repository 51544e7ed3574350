"""Build the development set from the hand-written parts in ``parts/``.

Writes ``profiles.jsonl`` (the profiles listed as ``text_only`` lose their codes, so the
model has to read their descriptions), ``gold_tags.json`` (every profile's codes, the labels
for measuring the tagger, and which profiles are held out of the tagger's tuning) and
``truth.json`` (``{"queries": query → relevant partners, "splits": name → queries,
"both_ways": the same judgments read in both directions}``).

Relevance was judged by each part's writer for the queries of that part (see parts/SPEC.md).
For the parts a–d a partner written for another part can be just as relevant, so the four
rules of SPEC.md are applied to the gold codes across those parts and such partners added.
A part whose truth says ``"judged_by": "reading"`` is never completed by those rules, and
its profiles are never added by them to other parts' queries: its relevance comes from
what the texts say, which is what the rules cannot see. Its ``test_queries`` form the split
``look_alike_test``, which no weight is tuned on; its other queries form ``look_alike``.
A part with ``"purpose": "tagger"`` has no queries: its profiles go to ``tagging.jsonl``,
all text-only, to measure how the tagger reads text it was never tuned on.

Run: python eval/devset/build.py
"""

from __future__ import annotations

import json
from pathlib import Path

HERE = Path(__file__).resolve().parent
PARTS = HERE / "parts"
SOUTH = "MA"
# Sharing only these broad sectors does not put two organisations in the same field.
BROAD_SECTORS = {"governance_public_services", "social_economy"}
COMPATIBLE_KINDS = {
    ("local_authority", "local_authority"), ("local_authority", "public_agency"),
    ("local_authority", "association"), ("local_authority", "research_training"),
    ("cooperative", "cooperative"), ("cooperative", "federation"), ("cooperative", "fair_trade"),
    ("cooperative", "association"), ("cooperative", "research_training"),
    ("cooperative", "public_agency"), ("association", "association"),
    ("association", "federation"), ("association", "fair_trade"),
    ("association", "research_training"), ("federation", "federation"),
    ("federation", "fair_trade"), ("federation", "research_training"),
    ("research_training", "research_training"),
}
COMPATIBLE_KINDS |= {(second, first) for first, second in COMPATIBLE_KINDS}
CODE_FIELDS = ("sectors", "needs", "offers")


def relevant(query: dict, candidate: dict) -> bool:
    """The four rules of parts/SPEC.md, on gold codes."""
    if (query["country"] == SOUTH) == (candidate["country"] == SOUTH):
        return False
    if (query["kind"], candidate["kind"]) not in COMPATIBLE_KINDS:
        return False
    if not set(query.get("languages", [])) & set(candidate.get("languages", [])):
        return False
    complementary = (set(query.get("needs", [])) & set(candidate.get("offers", []))
                     or set(query.get("offers", [])) & set(candidate.get("needs", [])))
    if not complementary:
        return False
    shared = set(query.get("sectors", [])) & set(candidate.get("sectors", []))
    return bool(shared) and not (shared <= BROAD_SECTORS
                                 and set(query.get("sectors", [])) - BROAD_SECTORS)


def _lines(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()
            if line.strip()]


def _write_jsonl(path: Path, profiles: list[dict], text_only: set[str]) -> None:
    with path.open("w", encoding="utf-8") as stream:
        for profile in profiles:
            shown = {key: value for key, value in profile.items()
                     if not (profile["external_id"] in text_only and key in CODE_FIELDS)}
            stream.write(json.dumps(shown, ensure_ascii=False) + "\n")


def main() -> None:
    profiles: list[dict] = []
    tagging: list[dict] = []
    truth: dict[str, list[str]] = {}
    text_only: set[str] = set()
    by_reading: set[str] = set()  # profiles of parts judged by reading
    look_alike: list[str] = []
    look_alike_test: list[str] = []
    for part in sorted(PARTS.glob("*.jsonl")):
        labels = json.loads(part.with_suffix(".truth.json").read_text(encoding="utf-8"))
        lines = _lines(part)
        if labels.get("purpose") == "tagger":
            tagging.extend(lines)
            continue
        truth.update(labels["queries"])
        text_only.update(labels["text_only"])
        profiles.extend(lines)
        if labels.get("judged_by") == "reading":
            by_reading.update(profile["external_id"] for profile in lines)
            tests = set(labels.get("test_queries", []))
            look_alike_test.extend(sorted(tests))
            look_alike.extend(sorted(set(labels["queries"]) - tests))
    by_id = {profile["external_id"]: profile for profile in profiles}
    completed = {
        query: sorted(set(judged) | (set() if query in by_reading else {
            other for other in by_id
            if other != query and other not in by_reading
            and relevant(by_id[query], by_id[other])}))
        for query, judged in truth.items()
    }
    # Both directions: every judgment read the other way; a profile of parts a–d asked in
    # its turn is completed by the same rules, as its forward queries were.
    both: dict[str, set[str]] = {query: set(partners) for query, partners in completed.items()}
    for query, partners in completed.items():
        for candidate in partners:
            both.setdefault(candidate, set()).add(query)
    for key in list(both):
        if key not in by_reading:
            both[key] |= {other for other in by_id if other != key and other not in by_reading
                          and relevant(by_id[key], by_id[other])}
    gold = {profile["external_id"]: {name: profile.get(name, []) for name in CODE_FIELDS}
            for profile in profiles + tagging}
    held_out = sorted(by_reading | {profile["external_id"] for profile in tagging})
    _write_jsonl(HERE / "profiles.jsonl", profiles, text_only)
    _write_jsonl(HERE / "tagging.jsonl", tagging, {profile["external_id"] for profile in tagging})
    splits = {"look_alike": look_alike, "look_alike_test": look_alike_test}
    truth_file = {"queries": completed, "splits": splits, "judged_apart": sorted(by_reading),
                  "both_ways": {key: sorted(partners) for key, partners in both.items()}}
    for name, data in (("truth.json", truth_file),
                       ("gold_tags.json", {"profiles": gold, "held_out": held_out})):
        (HERE / name).write_text(json.dumps(data, ensure_ascii=False, indent=1, sort_keys=True)
                                 + "\n", encoding="utf-8")
    added = sum(len(completed[query]) - len(set(truth[query])) for query in truth)
    print(f"{len(profiles)} profiles ({len(text_only)} text-only), {len(truth)} queries, "
          f"{added} relevant partners added across parts by the rules; "
          f"{len(tagging)} profiles for the tagger alone; {len(held_out)} held out of the "
          f"tagger's tuning")


if __name__ == "__main__":
    main()
