"""Text normalisation and language detection for ar, fr, en and es.

Search, territory look-up and the matching model all compare text through these functions,
so that Arabic spelling variants (hamza forms, ta marbuta, alif maqsura, diacritics, tatweel,
the و/ف/ب/ك + ال prefixes) and Latin case and accents never make two spellings differ.
"""

from __future__ import annotations

import re
import threading
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache, lru_cache

import snowballstemmer

from twinning.matching import lexicon

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
    raw = lexicon.load("stopwords.json")
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


_SNOWBALL_NAMES = {"fr": "french", "en": "english", "es": "spanish"}
# Light10 (Larkey, Ballesteros & Connell), on folded text (ة is already ه), plus the
# tanween alif (متجرا → متجر). Snowball's Arabic stemmer was tried: it stems the same word
# differently with and without a clitic (إلكتروني / إلكترونيا), which breaks phrase matching.
_LIGHT10_PREFIXES = ("وال", "فال", "بال", "كال", "لل", "ال")
_LIGHT10_SUFFIXES = ("ا", "ها", "ان", "ات", "ون", "ين", "يه", "ه", "ي")


def arabic_light_stem(word: str) -> str:
    """Strip و, the article and common suffixes, never leaving fewer than two letters."""
    if word.startswith("و") and len(word) - 1 >= 3:
        word = word[1:]
    for prefix in _LIGHT10_PREFIXES:
        if word.startswith(prefix) and len(word) - len(prefix) >= 2:
            word = word[len(prefix):]
            break
    for suffix in _LIGHT10_SUFFIXES:
        if word.endswith(suffix) and len(word) - len(suffix) >= 2:
            word = word[: -len(suffix)]
    return word


_LIGHT_CLEAN = re.compile("[\u064b-\u065f\u0670\u0640]")  # diacritics and tatweel only
# Snowball stemmers keep state between calls, so calls are serialised (each word form is
# stemmed once and cached, so the lock is cheap).
_stemmer_lock = threading.Lock()


@cache
def _stemmer(lang: str) -> snowballstemmer.Stemmer:
    return snowballstemmer.stemmer(_SNOWBALL_NAMES[lang])


@dataclass(frozen=True, slots=True)
class Token:
    """A word as written (folded) and its stem."""

    norm: str
    stem: str


def analyse(text: str, lang: str | None) -> list[Token]:
    """Folded tokens with their stems, stop words kept (phrase matching needs them).

    Arabic words get a light stemmer (see :func:`arabic_light_stem`); Latin words are folded,
    then stemmed by Snowball in the text's language (English when unknown).
    """
    latin_lang = lang if lang in _SNOWBALL_NAMES else "en"
    return [
        _token(raw, latin_lang)
        for raw in _WORD.findall(_LIGHT_CLEAN.sub("", unicodedata.normalize("NFKC", text)))
    ]


@lru_cache(maxsize=500_000)
def _token(raw: str, latin_lang: str) -> Token:
    # Words repeat a great deal across profiles: stemming each form once is what makes a
    # 100,000-profile build affordable.
    if _ARABIC_LETTER.match(raw):
        folded = fold(raw)
        return Token(strip_arabic_article(folded), arabic_light_stem(folded))
    norm = fold(raw)
    with _stemmer_lock:
        return Token(norm, _stemmer(latin_lang).stemWord(norm))


def content_stems(tokens: list[Token], lang: str | None) -> list[str]:
    latin_lang = lang if lang in _SNOWBALL_NAMES else "en"
    return [
        token.stem
        for token in tokens
        if not token.norm.isdigit()
        and len(token.stem) > 1
        and token.norm not in stopwords("ar")
        and token.norm not in stopwords(latin_lang)
    ]


_SENTENCE_END = re.compile(r"(?<=[.!?؟;:])\s+|\n+|(?<=[.!?؟])$")


def sentences(text: str) -> list[str]:
    """The sentences of a description, for per-sentence cues and encodings."""
    return [part.strip() for part in _SENTENCE_END.split(text) if part and part.strip()]
