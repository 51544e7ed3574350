"""Is this organisation already in the directory? Names compared across scripts, and
descriptions compared word for word, to warn a person before they submit a duplicate and
to show moderators what a pending profile resembles.

A name is reduced to a skeleton of consonant sounds in Latin letters, without the words
that only say what kind of body it is: «Coopérative Nahla», «تعاونية النحلة» and
«Cooperativa Nahla» all become ``nhl``. The skeleton is kept in ``Profile.name_key``.
Cyrillic and Greek letters that look like Latin ones are read as those first
(``confusables.json``), so «Cооpérative Nоur» with Cyrillic о has the key of «Coopérative
Nour», and a name that mixes them with Latin letters is pointed out to moderators.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from difflib import SequenceMatcher
from functools import cache

import sqlalchemy as sa

from twinning.extensions import db
from twinning.matching.text import fold, tokens
from twinning.models import Profile
from twinning.profiles.queries import escape_like
from twinning.reference.files import data_json

ORGANISATION_WORDS_FILE = "organisation_words.json"
CONFUSABLES_FILE = "confusables.json"
CLOSE_NAME_RATIO = 0.86
MIN_NAME_KEY = 3  # shorter skeletons ("ab") match too much to mean anything
CLOSE_DESCRIPTION = 0.6  # share of word triples in common
MIN_DESCRIPTION_WORDS = 12
PREFILTER_WORDS = 3
CANDIDATES = 200
SHOWN = 5

# Arabic letters as the consonant they sound like in Latin transcriptions (ch/sh → s,
# kh → k, q → k, ج → g as in Figuig, z → s as in Iznassen/Snassen); long vowels and the
# glottal and pharyngeal stops leave no trace.
_ARABIC_SOUNDS = str.maketrans({
    "ا": "", "ب": "b", "ت": "t", "ث": "t", "ج": "g", "ح": "h", "خ": "k", "د": "d", "ذ": "d",
    "ر": "r", "ز": "s", "س": "s", "ش": "s", "ص": "s", "ض": "d", "ط": "t", "ظ": "d", "ع": "",
    "غ": "g", "ف": "f", "ق": "k", "ك": "k", "ل": "l", "م": "m", "ن": "n", "ه": "h", "و": "",
    "ي": "", "ء": "",
})
_LATIN_DIGRAPHS = (("dj", "g"), ("sch", "s"), ("ch", "s"), ("sh", "s"), ("kh", "k"), ("gh", "g"),
                   ("th", "t"), ("dh", "d"), ("ph", "f"), ("qu", "k"), ("ck", "k"))
_LATIN_SOUNDS = str.maketrans({"q": "k", "c": "k", "x": "ks", "v": "b", "p": "b", "j": "g",
                               "z": "s",
                               "a": "", "e": "", "i": "", "o": "", "u": "", "y": "", "w": ""})
_ARABIC = re.compile("[\u0600-\u06ff]")
_LATIN_LETTER = re.compile("[A-Za-z\u00c0-\u024f]")
_REPEATS = re.compile(r"(.)\1+")


@dataclass(frozen=True)
class SimilarProfile:
    profile: Profile
    same_name: bool
    same_description: bool


@cache
def _generic_words() -> frozenset[str]:
    words = data_json(ORGANISATION_WORDS_FILE)["words"]
    return frozenset(token for group in words.values() for word in group
                     for token in tokens(word))


@cache
def _look_alikes() -> dict[int, str]:
    """Cyrillic and Greek letters → the Latin letter they pass for, as ``str.translate``
    wants them."""
    return str.maketrans(data_json(CONFUSABLES_FILE)["letters"])


def imitates_latin(name: str) -> bool:
    """Does ``name`` mix Latin letters with Cyrillic or Greek letters that look like Latin
    ones? Nobody writes a name so but to make it pass for another (or by a keyboard's
    accident, which a moderator can tell)."""
    return bool(_LATIN_LETTER.search(name)) and name.translate(_look_alikes()) != name


def _sounds(token: str) -> str:
    if _ARABIC.match(token):
        # A final ه is mostly the ة of a feminine noun: نحلة → nhl, like Nahla.
        skeleton = token[:-1] if token.endswith("ه") and len(token) > 2 else token
        skeleton = skeleton.translate(_ARABIC_SOUNDS)
    else:
        skeleton = token
        for digraph, sound in _LATIN_DIGRAPHS:
            skeleton = skeleton.replace(digraph, sound)
        skeleton = skeleton.translate(_LATIN_SOUNDS)
    return _REPEATS.sub(r"\1", skeleton)


def name_key(name: str) -> str:
    """The script-free skeleton of an organisation's name (see the module's docstring)."""
    words = tokens(name.translate(_look_alikes()))
    specific = [word for word in words if word not in _generic_words()] or words
    return "".join(_sounds(word) for word in specific)[:200]


def _words(text: str) -> list[str]:
    return tokens(fold(text))


def _triples(words: list[str]) -> set[tuple[str, str, str]]:
    return {tuple(words[i:i + 3]) for i in range(len(words) - 2)}


def similar_profiles(name: str, description: str | None, exclude: int | None = None,
                     published_only: bool = True, limit: int = SHOWN) -> list[SimilarProfile]:
    """Profiles with the same or a very close name, or a near-identical description;
    names first. Moderators also see unpublished ones (``published_only=False``); nobody
    else learns that a pending or rejected profile exists."""
    scope = _scope(exclude, published_only)
    found: dict[int, SimilarProfile] = {}
    for profile in _close_names(name, scope):
        found[profile.id] = SimilarProfile(profile, True, False)
    for profile in _close_descriptions(description or "", scope):
        same_name = profile.id in found
        found[profile.id] = SimilarProfile(profile, same_name, True)
    return sorted(found.values(), key=lambda item: (not item.same_name, item.profile.name))[:limit]


def _scope(exclude: int | None, published_only: bool) -> list[sa.ColumnElement[bool]]:
    conditions = [Profile.is_published] if published_only else []
    if exclude is not None:
        conditions.append(Profile.id != exclude)
    return conditions


def _close_names(name: str, scope: list[sa.ColumnElement[bool]]) -> list[Profile]:
    key = name_key(name)
    if len(key) < MIN_NAME_KEY:
        return []
    # Close skeletons share their first two sounds far more often than not; the index on
    # name_key answers that prefix without reading every profile.
    candidates = db.session.scalars(
        sa.select(Profile).where(*scope,
                                 Profile.name_key.like(escape_like(key[:2]) + "%", escape="\\"))
        .limit(CANDIDATES)
    )
    return [profile for profile in candidates
            if SequenceMatcher(None, key, profile.name_key).ratio() >= CLOSE_NAME_RATIO]


def _close_descriptions(description: str, scope: list[sa.ColumnElement[bool]]) -> list[Profile]:
    words = _words(description)
    if len(words) < MIN_DESCRIPTION_WORDS:
        return []
    mine = _triples(words)
    # The longest words of the text narrow the candidates down in the search field.
    longest = sorted(set(words), key=lambda word: (-len(word), word))[:PREFILTER_WORDS]
    conditions = [Profile.search_text.like(f"% {escape_like(word)}%", escape="\\")
                  for word in longest]
    candidates = db.session.scalars(
        sa.select(Profile).where(*scope, *conditions).limit(CANDIDATES)
    )
    close = []
    for profile in candidates:
        theirs = _triples(_words(profile.description or ""))
        if theirs and len(mine & theirs) / len(mine | theirs) >= CLOSE_DESCRIPTION:
            close.append(profile)
    return close
