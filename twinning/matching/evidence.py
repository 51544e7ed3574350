"""The evidence of a match: the one or two pairs of sentences that say best why two
organisations fit, each quoted in its own language.

What one side says it needs is set against what the other says it offers (both ways): two
sentences that name the same concept of the taxonomy (packaging, in any of the four
languages) say most; the multilingual encoder's cosine orders the rest. So a reader of
Arabic sees the French sentence that answers the Arabic one, before anybody translates the
profile. When neither text states a need or an offer, their descriptions of themselves are
compared instead.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from twinning.matching.encoder import VectorCache
from twinning.matching.records import ProfileRecord
from twinning.matching.tagger import NEED, OFFER, Tagger
from twinning.matching.text import sentences

# Below this cosine, two sentences that share no concept are not close enough to quote
# (across languages the encoder gives related sentences 0.2 to 0.4).
MIN_SIMILARITY = 0.35
# What a concept named by both sentences adds to their cosine.
CONCEPT_WEIGHT = 0.5
SHOWN = 2


@dataclass(frozen=True, slots=True)
class Sentence:
    text: str
    lang: str | None
    direction: str | None  # NEED, OFFER or None
    concepts: frozenset[str] = frozenset()  # taxonomy codes it names


@dataclass(frozen=True, slots=True)
class Evidence:
    yours: str
    yours_lang: str | None
    theirs: str
    theirs_lang: str | None
    similarity: float

    def as_dict(self) -> dict[str, object]:
        return {"yours": self.yours, "yours_lang": self.yours_lang,
                "theirs": self.theirs, "theirs_lang": self.theirs_lang}


def directed_sentences(record: ProfileRecord, tagger: Tagger) -> list[Sentence]:
    """Every sentence of every version of the record's description, with its language and
    whether it states a need, an offer or neither."""
    found = []
    for lang, text in record.texts():
        for sentence in sentences(text):
            reading = tagger.read_text(sentence, lang, record.side)
            direction = reading.sentences[0][1] if reading.sentences else None
            found.append(Sentence(sentence, lang, direction, frozenset(reading.concepts)))
    return found


def find_evidence(yours: Sequence[Sentence], theirs: Sequence[Sentence],
                  vectors: VectorCache, limit: int = SHOWN) -> list[Evidence]:
    """The best pairs: your needs against their offers, their needs against your offers;
    without such pairs, any sentence against any. Each sentence is quoted at most once."""
    candidates = _pairs(yours, theirs, vectors, ((NEED, OFFER), (OFFER, NEED)))
    if not candidates:
        candidates = _pairs(yours, theirs, vectors, ((None, None),))
    chosen: list[Evidence] = []
    used: set[str] = set()
    for evidence in sorted(candidates, key=lambda item: -item.similarity):
        if evidence.similarity < MIN_SIMILARITY or len(chosen) == limit:
            break
        if evidence.yours in used or evidence.theirs in used:
            continue
        chosen.append(evidence)
        used.update((evidence.yours, evidence.theirs))
    return chosen


def _pairs(yours: Sequence[Sentence], theirs: Sequence[Sentence], vectors: VectorCache,
           directions: tuple[tuple[str | None, str | None], ...]) -> list[Evidence]:
    found: list[Evidence] = []
    for mine, other in directions:
        left = [sentence for sentence in yours if mine is None or sentence.direction == mine]
        right = [sentence for sentence in theirs
                 if other is None or sentence.direction == other]
        if not left or not right:
            continue
        cosine = vectors.vectors([s.text for s in left]) @ \
            vectors.vectors([s.text for s in right]).T
        shared = np.array([[len(a.concepts & b.concepts) for b in right] for a in left])
        strength = cosine + CONCEPT_WEIGHT * np.minimum(shared, 2)
        row, column = np.unravel_index(np.argsort(-strength, axis=None)[:SHOWN * 2],
                                       strength.shape)
        found.extend(Evidence(left[i].text, left[i].lang, right[j].text, right[j].lang,
                              float(strength[i, j])) for i, j in zip(row, column, strict=True))
    return found
