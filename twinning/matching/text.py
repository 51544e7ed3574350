"""Text normalisation and language detection for ar, fr, en and es.

Search, territory look-up and the matching model all compare text through these functions,
so that Arabic spelling variants (hamza forms, ta marbuta, alif maqsura, diacritics, tatweel,
the و/ف/ب/ك + ال prefixes) and Latin case and accents never make two spellings differ.
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Iterable
from functools import cache
from importlib import resources

PLATFORM_LANGUAGES = ("ar", "fr", "en", "es")

_ARABIC_DIACRITICS = re.compile("[\u0610-\u061a\u064b-\u065f\u0670\u06d6-\u06ed\u0640]")
_ARABIC_LETTER_MAP = str.maketrans(
    {
        "أ": "ا",
        "إ": "ا",
        "آ": "ا",
        "ٱ": "ا",
        "ة": "ه",
        "ى": "ي",
        "ؤ": "و",
        "ئ": "ي",
        "ک": "ك",
        "ی": "ي",
        "گ": "ك",
        "ڭ": "ك",
        "،": " ",
        "؛": " ",
        "؟": " ",
        **{chr(0x0660 + digit): str(digit) for digit in range(10)},
        **{chr(0x06F0 + digit): str(digit) for digit in range(10)},
    }
)
# Conjunction/preposition + article glued to a word: والعسل, فالتعاونية, بالمغرب, للتسويق.
_ARABIC_ARTICLE_PREFIXES = ("وال", "فال", "بال", "كال", "لل", "ال")
_MIN_ARABIC_STEM = 2
_WORD = re.compile(r"\w+", re.UNICODE)
_ARABIC_LETTER = re.compile("[\u0600-\u06ff]")


def fold(text: str) -> str:
    """Case, accents and Arabic letter variants folded; word boundaries kept."""
    text = unicodedata.normalize("NFKC", text)
    text = _ARABIC_DIACRITICS.sub("", text).translate(_ARABIC_LETTER_MAP)
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(char for char in decomposed if not _is_latin_mark(char))


def _is_latin_mark(char: str) -> bool:
    # Only strip combining marks; Arabic marks were removed above already.
    return unicodedata.combining(char) != 0


def strip_arabic_article(token: str) -> str:
    """Remove a leading article (with و/ف/ب/ك/ل) when enough of the word is left."""
    for prefix in _ARABIC_ARTICLE_PREFIXES:
        if token.startswith(prefix) and len(token) - len(prefix) >= _MIN_ARABIC_STEM:
            return token[len(prefix):]
    return token


def tokens(text: str) -> list[str]:
    """Normalised word tokens of ``text``, Arabic articles stripped."""
    return [
        strip_arabic_article(token) if _ARABIC_LETTER.match(token) else token
        for token in _WORD.findall(fold(text))
    ]


def normalise(text: str) -> str:
    """One canonical spelling: the normalised tokens joined by single spaces."""
    return " ".join(tokens(text))


def normalise_all(texts: Iterable[str | None]) -> str:
    return " ".join(normalise(text) for text in texts if text)


@cache
def _stopwords() -> dict[str, frozenset[str]]:
    source = resources.files(__package__).joinpath("lexicon", "stopwords.json")
    raw = json.loads(source.read_text(encoding="utf-8"))
    return {lang: frozenset(normalise(" ".join(words)).split()) for lang, words in raw.items()}


def stopwords(lang: str) -> frozenset[str]:
    return _stopwords().get(lang, frozenset())


def detect_language(text: str) -> str | None:
    """The platform language ``text`` is written in, or None when it cannot tell.

    Arabic is told by its script; French, English and Spanish by their function words,
    which for a few sentences of description is reliable and needs no model download.
    """
    letters = [char for char in text if char.isalpha()]
    if not letters:
        return None
    arabic = sum(1 for char in letters if _ARABIC_LETTER.match(char))
    if arabic / len(letters) >= 0.3:
        return "ar"
    words = tokens(text)
    scores = {
        lang: sum(1 for word in words if word in stopwords(lang))
        for lang in PLATFORM_LANGUAGES
        if lang != "ar"
    }
    best = max(scores, key=scores.__getitem__)
    runner_up = sorted(scores.values())[-2]
    if scores[best] == 0 or scores[best] == runner_up:
        return None
    return best
