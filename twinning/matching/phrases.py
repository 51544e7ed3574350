"""Finding known phrases (taxonomy synonyms, need/offer cues) in text of any language."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from twinning.matching.text import Token, analyse, stopwords

# A one-word phrase matches an inflected word only when the two differ by at most this many
# letters: "emballages" finds "emballage", but "équipes" (teams) must not find "équipement".
# Arabic glues conjunctions, prepositions and pronouns to words, so allows a wider gap.
MAX_INFLECTION_LENGTH_GAP = {"ar": 4}
DEFAULT_INFLECTION_LENGTH_GAP = 2


@dataclass(frozen=True, slots=True)
class Hit:
    """A phrase found in a token sequence: ``label`` spans tokens ``start`` to ``end``."""

    label: str
    start: int
    end: int


class PhraseMatcher:
    """Longest-match look-up of phrases by their folded words or, within one language, their stems.

    Folded words match across languages (a French word quoted in an English text); stems only
    within the phrase's own language, since stems of different languages collide ("faire"
    and "fair"). The first label given for a key wins.
    """

    def __init__(self, entries: Iterable[tuple[str, str, str]]) -> None:
        """``entries``: (label, language, phrase) triples."""
        self._by_norm: dict[tuple[str, ...], str] = {}
        self._by_stem: dict[tuple[str | None, tuple[str, ...]], tuple[str, int]] = {}
        # The longest phrase that starts with a word (by its folded form, and by its stem
        # within a language): most words of a text start none, and need no look-up at all.
        # Reading texts is most of an import or a first reindex.
        self._longest_from_norm: dict[str, int] = {}
        self._longest_from_stem: dict[tuple[str, str], int] = {}
        for label, lang, phrase in entries:
            tokens = analyse(phrase, lang)
            if not tokens:
                continue
            self._by_norm.setdefault(tuple(token.norm for token in tokens), label)
            stem_language = "ar" if _is_arabic(tokens[0].norm) else _stem_language(lang)
            stem_key = (stem_language, tuple(token.stem for token in tokens))
            self._by_stem.setdefault(stem_key, (label, len(tokens[0].norm)))
            _note_longest(self._longest_from_norm, tokens[0].norm, len(tokens))
            _note_longest(self._longest_from_stem, (stem_language, tokens[0].stem), len(tokens))

    def find(self, tokens: list[Token], lang: str | None) -> list[Hit]:
        hits: list[Hit] = []
        position = 0
        while position < len(tokens):
            hit = self._match_at(tokens, position, lang)
            if hit is None:
                position += 1
            else:
                hits.append(hit)
                position = hit.end
        return hits

    def _match_at(self, tokens: list[Token], start: int, lang: str | None) -> Hit | None:
        first = tokens[start]
        stem_language = "ar" if _is_arabic(first.norm) else _stem_language(lang)
        longest = max(self._longest_from_norm.get(first.norm, 0),
                      self._longest_from_stem.get((stem_language, first.stem), 0))
        for length in range(min(longest, len(tokens) - start), 0, -1):
            window = tokens[start:start + length]
            label = self._by_norm.get(tuple(token.norm for token in window))
            if label is None:
                label = self._stem_label(window, stem_language)
            if label is not None:
                return Hit(label, start, start + length)
        return None

    def _stem_label(self, window: list[Token], stem_language: str) -> str | None:
        found = self._by_stem.get((stem_language, tuple(token.stem for token in window)))
        if found is None:
            return None
        label, phrase_length = found
        if len(window) == 1:
            word = window[0].norm
            gap = MAX_INFLECTION_LENGTH_GAP.get(stem_language, DEFAULT_INFLECTION_LENGTH_GAP)
            if abs(len(word) - phrase_length) > gap or any(
                word in stopwords(language) for language in ("ar", "fr", "en", "es")
            ):
                return None
        return label


def _note_longest(longest: dict, first: object, length: int) -> None:
    longest[first] = max(longest.get(first, 0), length)


def _stem_language(lang: str | None) -> str:
    # Latin text in an unknown language was stemmed as English (see text.analyse).
    return lang if lang in ("ar", "fr", "es") else "en"


def _is_arabic(word: str) -> bool:
    return bool(word) and "\u0600" <= word[0] <= "\u06ff"
