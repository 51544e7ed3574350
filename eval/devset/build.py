"""Build the development set from the hand-written parts in ``parts/``.

Writes ``profiles.jsonl`` (the profiles listed as ``text_only`` lose their codes, so the
model has to read their descriptions), ``gold_tags.json`` (every profile's codes, the labels
for measuring the tagger) and ``truth.json`` (query → relevant partners).

Relevance was judged by each part's writer for the queries of that part (see parts/SPEC.md).
A partner written for another part can be just as relevant, so the same four rules of
SPEC.md are applied to the gold codes across parts and such partners are added.

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


def main() -> None:
    profiles: list[dict] = []
    truth: dict[str, list[str]] = {}
    text_only: set[str] = set()
    for part in sorted(PARTS.glob("*.jsonl")):
        labels = json.loads(part.with_suffix(".truth.json").read_text(encoding="utf-8"))
        truth.update(labels["queries"])
        text_only.update(labels["text_only"])
        profiles.extend(json.loads(line) for line in part.read_text(encoding="utf-8").splitlines()
                        if line.strip())
    by_id = {profile["external_id"]: profile for profile in profiles}
    completed = {
        query: sorted(set(judged) | {other for other in by_id
                                     if other != query and relevant(by_id[query], by_id[other])})
        for query, judged in truth.items()
    }
    gold = {profile["external_id"]: {name: profile.get(name, []) for name in CODE_FIELDS}
            for profile in profiles}
    with (HERE / "profiles.jsonl").open("w", encoding="utf-8") as stream:
        for profile in profiles:
            shown = {key: value for key, value in profile.items()
                     if not (profile["external_id"] in text_only and key in CODE_FIELDS)}
            stream.write(json.dumps(shown, ensure_ascii=False) + "\n")
    for name, data in (("truth.json", completed), ("gold_tags.json", gold)):
        (HERE / name).write_text(json.dumps(data, ensure_ascii=False, indent=1, sort_keys=True)
                                 + "\n", encoding="utf-8")
    added = sum(len(completed[query]) - len(set(truth[query])) for query in truth)
    print(f"{len(profiles)} profiles ({len(text_only)} text-only), {len(truth)} queries, "
          f"{added} relevant partners added across parts")


if __name__ == "__main__":
    main()
