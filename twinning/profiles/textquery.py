"""A search text read as the profiles' search fields were written, and what it must match.

A search ``q`` is read by the app exactly as the profiles' search fields were written
(:mod:`twinning.matching.text`: Arabic letter variants and articles, case and accents
folded, words stemmed): the places it names, in any spelling, become place codes, and every
other word a stem that must start a word of the profile (``coopératives`` finds
``coopérative``, ``التعاونيات`` finds ``تعاونية``). A stem also stands for the taxonomy codes
one of whose labels or synonyms, in any of the four languages, has a word starting with it,
so ``عسل`` finds the profiles that give or are read to have the code ``honey``, whatever
their language, and for the places one of whose spellings has such a word (``Wajd`` finds
the profiles in Oujda). That is what one search text holding every label, synonym and
spelling of a profile's codes and places found before, without copying them into every
profile. Every word and every place must match (AND).

Relevance, the default order when ``q`` is given, is an explicit score rather than
``bm25`` or ``ts_rank``: those weigh rare words, word counts and text length, so a long
description repeating a word could pass a profile that has it in its name, and the two
databases would not agree. Each word scores where it is found best: 8 in the name, 4 in the
given codes, 2 in the codes read in the text, 1 elsewhere in the text; a place scores 4
when the profile is there (its province or town), 2 when it only names it; a function word
("de", "the", "في") must match but scores nothing. The scores add up; equal scores go
newest first (by id), which both indexes give without sorting.

A page of relevance (:mod:`twinning.profiles.queries`) is found without scoring every match:
the matches fall into classes (which field each word is found best in), taken best class
first, each read newest first with a LIMIT, and counted only to skip whole classes before a
later page. A query of more than three words (more than ``MAX_CLASSES`` combinations) is
scored in SQL instead; both ways give the same order (tests/test_search.py compares them).
"""

from __future__ import annotations

import bisect
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache

import sqlalchemy as sa

from twinning.matching.text import (
    PLATFORM_LANGUAGES,
    analyse,
    detect_language,
    normalise,
    stopwords,
)
from twinning.profiles.fulltext import AllOf, AnyOf, Atom, Expr, FullTextIndex, Unless
from twinning.reference import taxonomy, territories


def split_places(text: str) -> tuple[list[str], str]:
    """The place codes a query names, and the rest of its words."""
    tokens = analyse(text, None)
    hits = territories.place_matcher().find(tokens, None)
    covered = {position for hit in hits for position in range(hit.start, hit.end)}
    rest = " ".join(token.norm for position, token in enumerate(tokens)
                    if position not in covered)
    return [hit.label for hit in hits], rest




MIN_SEARCH_STEM = 3
def _query_words(text: str) -> dict[str, bool]:
    """Each search word of ``text`` and whether it is a function word ("de", "the", "في")."""
    lang = detect_language(text)
    function_words = stopwords("ar") | stopwords(lang) if lang else \
        frozenset().union(*(stopwords(language) for language in PLATFORM_LANGUAGES))
    found: dict[str, bool] = {}
    for token in analyse(text, lang):
        word = token.stem if len(token.stem) >= MIN_SEARCH_STEM else token.norm
        if word and word not in found:
            found[word] = token.norm in function_words
    return found


@dataclass(frozen=True)
class QueryWord:
    """A stem of the query, the taxonomy codes it stands for, and the places it may be the
    start of a name of. A function word must match like any other but does not count for
    relevance."""

    stem: str
    codes: tuple[str, ...]
    function_word: bool = False
    places: tuple[str, ...] = ()


@dataclass(frozen=True)
class TextQuery:
    words: tuple[QueryWord, ...] = ()
    places: tuple[str, ...] = ()

    def __bool__(self) -> bool:
        return bool(self.words or self.places)

    @property
    def items(self) -> list[Item]:
        return [*(_word_item(word) for word in self.words),
                *(_place_item(code) for code in self.places)]

    @property
    def match(self) -> Expr:
        """Every word and every place is found somewhere."""
        return AllOf(tuple(item.match for item in self.items))


def text_query(q: str | None) -> TextQuery:
    """The words (with their codes) and the places of a search text."""
    place_codes, rest = split_places(q or "")
    return TextQuery(
        words=tuple(QueryWord(stem, codes_starting(stem), function_word, places_starting(stem))
                    for stem, function_word in _query_words(rest).items()),
        places=tuple(dict.fromkeys(place_codes)),
    )


@cache
def _code_words() -> tuple[list[str], list[str]]:
    """Every normalised word of every label and synonym, sorted, beside its code."""
    return _sorted_words((term.code, text) for term in taxonomy.terms()
                         for text in (*term.labels.values(),
                                      *(word for words in term.synonyms.values()
                                        for word in words)))


@cache
def _place_words() -> tuple[list[str], list[str]]:
    """Every normalised word of every spelling of every place, sorted, beside its code."""
    return _sorted_words((place.code, spelling) for place in territories.places()
                         for spelling in place.spellings())


def _sorted_words(texts: Iterable[tuple[str, str]]) -> tuple[list[str], list[str]]:
    pairs = sorted({(word, code) for code, text in texts for word in normalise(text).split()})
    return [word for word, _code in pairs], [code for _word, code in pairs]


def _starting(stem: str, words: list[str], codes: list[str]) -> set[str]:
    found: set[str] = set()
    position = bisect.bisect_left(words, stem)
    while position < len(words) and words[position].startswith(stem):
        found.add(codes[position])
        position += 1
    return found


def codes_starting(stem: str) -> tuple[str, ...]:
    """Codes one of whose labels or synonyms has a word starting with ``stem``, in
    taxonomy order."""
    found = _starting(stem, *_code_words())
    return tuple(term.code for term in taxonomy.terms() if term.code in found)


def places_starting(stem: str) -> tuple[str, ...]:
    """Codes of the places one of whose spellings has a word starting with ``stem``."""
    found = _starting(stem, *_place_words())
    return tuple(place.code for place in territories.places() if place.code in found)


# ----- what must match, and how well -------------------------------------------------------
# Points of a word found best in the name, given codes, read codes, text; of a place the
# profile is in, or only names.
NAME_HIT, GIVEN_HIT, READ_HIT, TEXT_HIT = 8, 4, 2, 1
IN_PLACE, NAMES_PLACE = 4, 2


@dataclass(frozen=True)
class Item:
    """A word or a place of the query: its points, best first, each with the condition of
    being found best there (the conditions exclude each other and together make
    ``match``)."""

    tiers: tuple[tuple[int, Expr], ...]
    match: Expr
    atoms: tuple[tuple[int, Atom], ...]  # the same points by where it is found at all


def _word_item(word: QueryWord) -> Item:
    found = [(NAME_HIT, Atom("search_name", (word.stem,), prefix=True))]
    if word.codes or word.places:
        # A place's name: only where the profile is (its spellings used to be in its text).
        found.append((GIVEN_HIT, Atom("search_given", (*word.codes, *word.places))))
    if word.codes:
        found.append((READ_HIT, Atom("search_read", word.codes)))
    found.append((TEXT_HIT, Atom("search_text", (word.stem,), prefix=True)))
    if word.function_word:
        match = AnyOf(tuple(atom for _points, atom in found))
        return Item(((0, match),), match, ())
    return _item(found)


def _place_item(code: str) -> Item:
    return _item([(IN_PLACE, Atom("search_given", (code,))),
                  (NAMES_PLACE, Atom("search_read", (code,)))])


def _item(found: list[tuple[int, Atom]]) -> Item:
    tiers = []
    for position, (points, atom) in enumerate(found):
        better = [better_atom for _points, better_atom in found[:position]]
        tiers.append((points, Unless(atom, AnyOf(tuple(better))) if better else atom))
    return Item(tuple(tiers), AnyOf(tuple(atom for _points, atom in found)), tuple(found))


# Past this many combinations of where each word is found best, a query is scored in SQL
# (three words make 64, four 256). Up to this, reading class after class is the cheaper
# way even for a few dozen matches, on both databases (bench/search.py at 100,000).
MAX_CLASSES = 64
# PostgreSQL reads the newest class members among this many rows before asking its index.


def classes(query: TextQuery) -> list[Expr] | None:
    """The matches grouped by score, best first; None when there would be too many."""
    combinations: list[tuple[tuple[int, Expr], ...]] = [()]
    for item in query.items:
        combinations = [(*done, tier) for done in combinations for tier in item.tiers]
        if len(combinations) > MAX_CLASSES:
            return None
    by_score: dict[int, list[Expr]] = {}
    for combination in combinations:
        by_score.setdefault(sum(points for points, _expr in combination), []).append(
            AllOf(tuple(expr for _points, expr in combination)))
    return [AnyOf(tuple(group)) for _score, group in sorted(by_score.items(), reverse=True)]


def relevance(query: TextQuery, index: FullTextIndex,
              ids: sa.ColumnElement[int]) -> sa.ColumnElement[int]:
    """The score of the row whose profile id is ``ids``, as SQL (for the rows that match:
    a word found nowhere better counts as found in the text)."""
    total: sa.ColumnElement[int] = sa.literal(0)
    for item in query.items:
        if not item.atoms:
            continue
        *better, (last_points, _last) = item.atoms
        total = total + sa.case(
            *((ids.in_(index.ids(AllOf((atom, query.match)))), points)
              for points, atom in better),
            else_=last_points)
    return total

