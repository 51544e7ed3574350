"""The plain data the model reads and returns: no Flask, no database."""

from __future__ import annotations

import operator
from dataclasses import dataclass, field, fields

SOUTH_COUNTRIES = frozenset({"MA"})
SECTOR = "sector"
CAPABILITY = "capability"


def pickled_as_values(cls):
    """Pickle a frozen dataclass of several fields as its constructor's arguments. The
    dataclass's own state functions look its fields up again for every object: a tenth
    of saving and of loading a 100,000-profile index, which holds one record and two
    Tags per profile. Files pickled the old way still load (the state functions stay)."""
    values = operator.attrgetter(*(each.name for each in fields(cls)))
    cls.__reduce__ = lambda self: (cls, values(self))
    return cls


@dataclass(frozen=True, slots=True)
class Term:
    """A taxonomy term as the model needs it: its code and its words in each language."""

    code: str
    kind: str  # SECTOR or CAPABILITY
    labels: dict[str, str] = field(default_factory=dict)
    synonyms: dict[str, list[str]] = field(default_factory=dict)


@pickled_as_values
@dataclass(frozen=True, slots=True)
class ProfileRecord:
    """One organisation, as the model sees it."""

    key: str
    name: str
    kind: str
    country: str
    languages: tuple[str, ...] = ()
    sectors: tuple[str, ...] = ()
    needs: tuple[str, ...] = ()
    offers: tuple[str, ...] = ()
    description: str = ""
    description_lang: str | None = None
    other_versions: tuple[tuple[str, str], ...] = ()  # (lang, text)
    slug: str = ""
    external_id: str | None = None

    @property
    def side(self) -> str:
        """``south`` (the Oriental) or ``north`` (Europe): suggestions cross by default."""
        return "south" if self.country in SOUTH_COUNTRIES else "north"

    @property
    def has_codes(self) -> bool:
        return bool(self.sectors or self.needs or self.offers)

    def texts(self) -> list[tuple[str | None, str]]:
        """Every version of the description with its language."""
        own = [(self.description_lang, self.description)] if self.description else []
        return own + [(lang, text) for lang, text in self.other_versions if text]


@pickled_as_values
@dataclass(frozen=True, slots=True)
class Tags:
    """Sector, need and offer codes, given by the organisation or read from its text."""

    sectors: frozenset[str] = frozenset()
    needs: frozenset[str] = frozenset()
    offers: frozenset[str] = frozenset()


@dataclass(frozen=True, slots=True)
class Reason:
    """Why a partner is suggested, as data the interface translates.

    ``kind`` is one of REASON_KINDS; ``terms`` are taxonomy codes or language codes.
    """

    kind: str
    terms: tuple[str, ...] = ()

    def as_dict(self) -> dict[str, object]:
        return {"kind": self.kind, "terms": list(self.terms)}


# They offer what you need / you offer what they need / shared or related sectors /
# a common working language / no common language / nothing coded but similar texts.
REASON_KINDS = (
    "they_offer_what_you_need",
    "you_offer_what_they_need",
    "same_sector",
    "related_sector",
    "shared_language",
    "interpreter_needed",
    "similar_activity",
)


@dataclass(frozen=True, slots=True)
class Match:
    """A suggested partner with its score in [0, 1] and its reasons, strongest first."""

    key: str
    score: float
    reasons: tuple[Reason, ...]
    features: dict[str, float] = field(default_factory=dict)
