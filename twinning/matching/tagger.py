"""Reading sectors, needs and offers from free text in Arabic, French, English and Spanish.

Taxonomy synonyms (in the four languages) find the concepts; the cue words around a
capability say which way it goes: "nous cherchons / نبحث عن / we are looking for / buscamos"
make it a need, "nous proposons / نقدم / we offer / ofrecemos" an offer. A capability with no
cue in its sentence takes the usual direction for its side of the Mediterranean.
"""

from __future__ import annotations

import sys
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from twinning.matching import lexicon
from twinning.matching.phrases import Hit, PhraseMatcher
from twinning.matching.records import CAPABILITY, SECTOR, ProfileRecord, Tags, Term
from twinning.matching.text import analyse, content_stems, detect_language, sentences

NEED = "need"
OFFER = "offer"
# How far after a capability a cue may stand and still govern it ("packaging is what we lack").
FOLLOWING_CUE_WINDOW = 6
# Without a cue: producers of the Oriental mostly state needs, European bodies mostly offers.
DEFAULT_DIRECTION = {"south": NEED, "north": OFFER}


@dataclass(frozen=True, slots=True)
class Reading:
    """What the model reads from a profile's texts."""

    tags: Tags
    concepts: tuple[str, ...]  # concept codes mentioned, repeats kept
    stems: tuple[str, ...]  # "lang:stem" words, for same-language detail
    sentences: tuple[tuple[str, str | None], ...]  # (sentence, NEED | OFFER | None)


class Tagger:
    def __init__(self, terms: Sequence[Term]) -> None:
        self.term_kind = {term.code: term.kind for term in terms}
        self.concepts = PhraseMatcher(
            (term.code, lang, phrase)
            for term in terms
            for lang, phrase in _words(term)
        )
        cues = lexicon.load("cues.json")
        self.cues = PhraseMatcher(
            (direction, lang, phrase)
            for direction in (NEED, OFFER)
            for lang, phrases in cues[direction].items()
            for phrase in phrases
        )

    def read_text(self, text: str, lang: str | None, side: str) -> Reading:
        lang = lang or detect_language(text)
        sectors: set[str] = set()
        needs: set[str] = set()
        offers: set[str] = set()
        concepts: list[str] = []
        directed: list[tuple[str, str | None]] = []
        words: list[str] = []
        for sentence in sentences(text):
            tokens = analyse(sentence, lang)
            words.extend(content_stems(tokens, lang))
            cue_hits = self.cues.find(tokens, lang)
            directed.append((sentence, cue_hits[0].label if cue_hits else None))
            for hit in self.concepts.find(tokens, lang):
                concepts.append(hit.label)
                if self.term_kind.get(hit.label) == SECTOR:
                    sectors.add(hit.label)
                    continue
                direction = _direction(hit, cue_hits) or DEFAULT_DIRECTION[side]
                (needs if direction == NEED else offers).add(hit.label)
        return Reading(
            tags=Tags(frozenset(sectors), frozenset(needs), frozenset(offers)),
            concepts=tuple(concepts),
            # Interned: the same word in 100,000 profiles is one string, not 100,000.
            stems=tuple(sys.intern(f"{lang}:{stem}") for stem in words),
            sentences=tuple(directed),
        )

    def read(self, record: ProfileRecord) -> Reading:
        """What every version of the record's description says, taken together."""
        readings = [self.read_text(text, lang, record.side) for lang, text in record.texts()]
        return Reading(
            tags=merge(reading.tags for reading in readings),
            concepts=tuple(code for reading in readings for code in reading.concepts),
            stems=tuple(stem for reading in readings for stem in reading.stems),
            sentences=tuple(pair for reading in readings for pair in reading.sentences),
        )

    def tag(self, record: ProfileRecord) -> Tags:
        return self.read(record).tags


def _words(term: Term) -> Iterable[tuple[str, str]]:
    for lang, label in term.labels.items():
        yield lang, label
    for lang, words in term.synonyms.items():
        for word in words:
            yield lang, word


def _direction(concept: Hit, cues: list[Hit]) -> str | None:
    """The direction of the nearest cue before the concept, else of one just after it."""
    # A cue may start the concept itself: "نستقبل الزوار" (we host visitors).
    before = [cue for cue in cues if cue.start <= concept.start]
    if before:
        return max(before, key=lambda cue: cue.start).label
    after = [cue for cue in cues
             if cue.start >= concept.end and cue.start - concept.end <= FOLLOWING_CUE_WINDOW]
    if after:
        return min(after, key=lambda cue: cue.start).label
    return None


def merge(all_tags: Iterable[Tags]) -> Tags:
    sectors: set[str] = set()
    needs: set[str] = set()
    offers: set[str] = set()
    for tags in all_tags:
        sectors |= tags.sectors
        needs |= tags.needs
        offers |= tags.offers
    return Tags(frozenset(sectors), frozenset(needs), frozenset(offers))


__all__ = ["CAPABILITY", "NEED", "OFFER", "SECTOR", "Reading", "Tagger", "merge"]
