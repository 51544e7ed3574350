"""The Oriental's provinces and towns; any spelling variant resolves to one place."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from twinning.matching.phrases import PhraseMatcher
from twinning.matching.text import analyse, normalise
from twinning.reference.files import data_hash, data_json

TERRITORIES_FILE = "territories.json"
PROVINCE = "province"
TOWN = "town"


@dataclass(frozen=True, slots=True)
class Place:
    code: str
    level: str
    names: dict[str, str]
    variants: tuple[str, ...] = ()
    parent_code: str | None = None
    latitude: float | None = None
    longitude: float | None = None
    kind: str = TOWN  # "prefecture" or "province" for provinces

    def name(self, lang: str) -> str:
        return self.names.get(lang) or self.names.get("fr") or self.code

    def spellings(self) -> list[str]:
        return [self.code, *self.names.values(), *self.variants]


@cache
def region() -> dict:
    return data_json(TERRITORIES_FILE)["region"]


@cache
def places() -> tuple[Place, ...]:
    """Provinces in file order, each followed by its towns."""
    result: list[Place] = []
    for province in data_json(TERRITORIES_FILE)["provinces"]:
        result.append(_place(province, PROVINCE, None, kind=province.get("type", PROVINCE)))
        result.extend(_place(town, TOWN, province["code"]) for town in province.get("towns", []))
    return tuple(result)


def _place(raw: dict, level: str, parent_code: str | None, kind: str = TOWN) -> Place:
    return Place(
        code=raw["code"],
        level=level,
        names=dict(raw["names"]),
        variants=tuple(raw.get("variants", ())),
        parent_code=parent_code,
        latitude=raw.get("lat"),
        longitude=raw.get("lon"),
        kind=kind,
    )


def provinces() -> tuple[Place, ...]:
    return tuple(place for place in places() if place.level == PROVINCE)


def province_codes() -> tuple[str, ...]:
    return tuple(place.code for place in provinces())


def by_code() -> dict[str, Place]:
    return {place.code: place for place in places()}


@cache
def _spelling_index(level: str) -> dict[str, Place]:
    index: dict[str, Place] = {}
    for place in places():
        if place.level != level:
            continue
        for spelling in place.spellings():
            index.setdefault(normalise(spelling.replace("-", " ")), place)
    return index


def resolve_province(text: str | None) -> Place | None:
    """The province a name, code or variant designates (a town name gives its province)."""
    if not text:
        return None
    key = normalise(text.replace("-", " "))
    province = _spelling_index(PROVINCE).get(key)
    if province is not None:
        return province
    town = _spelling_index(TOWN).get(key)
    return by_code()[town.parent_code] if town and town.parent_code else None


@cache
def place_matcher() -> PhraseMatcher:
    """Finds any spelling of any place in a text (provinces win over towns of one name)."""
    # Place names are matched by their folded spelling; stems play no part.
    return PhraseMatcher(
        (place.code, "fr", spelling) for place in places() for spelling in place.spellings()
    )


def places_in(text: str) -> list[str]:
    """Codes of the places a text names, each with its province, in order of appearance."""
    found: list[str] = []
    for hit in place_matcher().find(analyse(text, None), None):
        place = by_code()[hit.label]
        for code in (place.code, place.parent_code):
            if code and code not in found:
                found.append(code)
    return found


def resolve_town(text: str | None) -> Place | None:
    if not text:
        return None
    return _spelling_index(TOWN).get(normalise(text.replace("-", " ")))


def content_hash() -> str:
    return data_hash(TERRITORIES_FILE)
