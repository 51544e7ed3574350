"""Reading sectors, needs and offers from free text in Arabic, French, English and Spanish.

Taxonomy synonyms (in the four languages) find the concepts; the cue words around a
capability say which way it goes: "nous cherchons / نبحث عن / we are looking for / buscamos"
make it a need, "nous proposons / نقدم / we offer / ofrecemos" an offer. A capability with no
cue in its sentence takes the usual direction for its side of the Mediterranean.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from twinning.matching import lexicon
from twinning.matching.phrases import Hit, PhraseMatcher
from twinning.matching.records import CAPABILITY, SECTOR, ProfileRecord, Tags, Term
from twinning.matching.text import analyse, detect_language, sentences

NEED = "need"
OFFER = "offer"
# How far after a capability a cue may stand and still govern it ("packaging is what we lack").
FOLLOWING_CUE_WINDOW = 6
# Without a cue: producers of the Oriental mostly state needs, European bodies mostly offers.
DEFAULT_DIRECTION = {"south": NEED, "north": OFFER}


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

    def concept_codes(self, text: str, lang: str | None) -> list[str]:
        """Every concept mentioned, in order, repeats kept (the TF-IDF counts them)."""
        lang = lang or detect_language(text)
        return [hit.label for hit in self.concepts.find(analyse(text, lang), lang)]

    def tag_text(self, text: str, lang: str | None, side: str) -> Tags:
        lang = lang or detect_language(text)
        sectors: set[str] = set()
        needs: set[str] = set()
        offers: set[str] = set()
        for sentence in sentences(text):
            tokens = analyse(sentence, lang)
            cue_hits = self.cues.find(tokens, lang)
            for hit in self.concepts.find(tokens, lang):
                if self.term_kind.get(hit.label) == SECTOR:
                    sectors.add(hit.label)
                    continue
                direction = _direction(hit, cue_hits) or DEFAULT_DIRECTION[side]
                (needs if direction == NEED else offers).add(hit.label)
        return Tags(frozenset(sectors), frozenset(needs), frozenset(offers))

    def tag(self, record: ProfileRecord) -> Tags:
        """What every version of the record's description says."""
        return merge(self.tag_text(text, lang, record.side) for lang, text in record.texts())


def _words(term: Term) -> Iterable[tuple[str, str]]:
    for lang, label in term.labels.items():
        yield lang, label
    for lang, words in term.synonyms.items():
        for word in words:
            yield lang, word


def _direction(concept: Hit, cues: list[Hit]) -> str | None:
    """The direction of the nearest cue before the concept, else of one just after it."""
    before = [cue for cue in cues if cue.end <= concept.start]
    if before:
        return max(before, key=lambda cue: cue.end).label
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


__all__ = ["CAPABILITY", "NEED", "OFFER", "SECTOR", "Tagger", "merge"]
