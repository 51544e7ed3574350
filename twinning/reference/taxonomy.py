"""The taxonomy file: sector and capability codes with labels and synonyms in four languages."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from twinning.reference.files import data_hash, data_json

TAXONOMY_FILE = "taxonomy.json"
SECTOR = "sector"
CAPABILITY = "capability"


@dataclass(frozen=True, slots=True)
class TermData:
    kind: str
    code: str
    labels: dict[str, str]
    synonyms: dict[str, list[str]]


@cache
def terms() -> tuple[TermData, ...]:
    raw = data_json(TAXONOMY_FILE)["terms"]
    return tuple(
        TermData(
            kind=item["kind"],
            code=item["code"],
            labels=dict(item["labels"]),
            synonyms={lang: list(words) for lang, words in item.get("synonyms", {}).items()},
        )
        for item in raw
    )


@cache
def codes(kind: str) -> frozenset[str]:
    return frozenset(term.code for term in terms() if term.kind == kind)


@cache
def by_code() -> dict[str, TermData]:
    return {term.code: term for term in terms()}


def content_hash() -> str:
    return data_hash(TAXONOMY_FILE)
