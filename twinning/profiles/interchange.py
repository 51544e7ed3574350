"""The JSON Lines / CSV interchange format: field list, and validation of one record.

Validation turns a raw mapping (a JSON object or a CSV row) into a :class:`ProfileData`
or a list of :class:`FieldError`; it never touches the database, so a whole file can be
checked before anything is written.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from flask_babel import gettext as _

from twinning.matching.text import detect_language
from twinning.models import OrganisationKind, ProfileStatus, TextOrigin
from twinning.reference import taxonomy, territories
from twinning.reference.countries import MOROCCO, is_country_code, language_codes

# The interchange fields, in the order every export writes them.
FIELDS = (
    "external_id",
    "name",
    "kind",
    "country",
    "region",
    "province",
    "city",
    "languages",
    "sectors",
    "needs",
    "offers",
    "description",
    "description_lang",
    "members",
    "founded",
    "website",
    "email",
    "phone",
    "lat",
    "lon",
    "status",
)
# Optional extras after the core fields: the stable URL name and other-language versions.
EXTRA_FIELDS = ("slug", "translations")
ALL_FIELDS = FIELDS + EXTRA_FIELDS
REQUIRED_FIELDS = ("external_id", "name", "kind", "country")
LIST_FIELDS = ("languages", "sectors", "needs", "offers")

MAX_LENGTHS = {
    "external_id": 100,
    "slug": 120,
    "name": 200,
    "region": 120,
    "province": 120,
    "city": 120,
    "description": 10_000,
    "website": 300,
    "email": 254,
    "phone": 40,
}
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s.]+$")
_WEBSITE = re.compile(r"^https?://[^\s/]+\.[^\s/]+(/\S*)?$", re.IGNORECASE)
_PHONE = re.compile(r"^\+?[0-9 ()./-]{6,}$")
_SLUG = re.compile(r"^[\w-]+$", re.UNICODE)
# Control characters other than tab and newline have no place in profile text.
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
EARLIEST_FOUNDING_YEAR = 1800


@dataclass(frozen=True, slots=True)
class FieldError:
    """One problem, located so the reader can fix it: ``FILE:LINE: field: message``."""

    source: str
    line: int
    field: str
    message: str

    def __str__(self) -> str:
        return f"{self.source}:{self.line}: {self.field}: {self.message}"


@dataclass(frozen=True, slots=True)
class Translation:
    lang: str
    text: str
    origin: TextOrigin


@dataclass(slots=True)
class ProfileData:
    """A validated profile, ready to be written."""

    external_id: str
    name: str
    kind: OrganisationKind
    country: str
    region: str | None = None
    province: str | None = None
    city: str | None = None
    languages: list[str] = field(default_factory=list)
    sectors: list[str] = field(default_factory=list)
    needs: list[str] = field(default_factory=list)
    offers: list[str] = field(default_factory=list)
    description: str = ""
    description_lang: str | None = None
    members: int | None = None
    founded: int | None = None
    website: str | None = None
    email: str | None = None
    phone: str | None = None
    lat: float | None = None
    lon: float | None = None
    status: ProfileStatus | None = None
    slug: str | None = None
    translations: list[Translation] = field(default_factory=list)


class _Checker:
    """Collects the errors of one record while its fields are read."""

    def __init__(self, raw: dict[str, Any], source: str, line: int) -> None:
        self.raw = raw
        self.source = source
        self.line = line
        self.errors: list[FieldError] = []

    def error(self, name: str, message: str) -> None:
        self.errors.append(FieldError(self.source, self.line, name, message))

    def text(self, name: str, *, required: bool = False, multiline: bool = False) -> str | None:
        value = self.raw.get(name)
        if value is None or (isinstance(value, str) and not value.strip()):
            if required:
                self.error(name, _("is required and must not be empty"))
            return None
        if not isinstance(value, str):
            self.error(name, _("must be text"))
            return None
        value = value.strip()
        if "\x00" in value:
            self.error(name, _("contains a NUL byte"))
            return None
        if _CONTROL.search(value) or (not multiline and ("\n" in value or "\r" in value)):
            self.error(name, _("contains control characters"))
            return None
        limit = MAX_LENGTHS.get(name)
        if limit is not None and len(value) > limit:
            self.error(
                name,
                _("is too long (%(length)d characters, at most %(limit)d)",
                  length=len(value), limit=limit),
            )
            return None
        return value

    def integer(self, name: str, low: int, high: int) -> int | None:
        value = self.raw.get(name)
        if value is None or value == "":
            return None
        if isinstance(value, str) and re.fullmatch(r"\s*-?\d+\s*", value):
            value = int(value)
        if isinstance(value, bool) or not isinstance(value, int):
            self.error(name, _("must be a whole number"))
            return None
        if not low <= value <= high:
            self.error(name, _("must be between %(low)d and %(high)d", low=low, high=high))
            return None
        return value

    def number(self, name: str, low: float, high: float) -> float | None:
        value = self.raw.get(name)
        if value is None or value == "":
            return None
        if isinstance(value, str):
            try:
                value = float(value)
            except ValueError:
                value = None
        if isinstance(value, bool) or not isinstance(value, int | float) or value != value:
            self.error(name, _("must be a number"))
            return None
        if not low <= value <= high:
            self.error(name, _("must be between %(low)s and %(high)s", low=low, high=high))
            return None
        return float(value)

    def code_list(self, name: str, allowed: frozenset[str], unknown_message: str) -> list[str]:
        value = self.raw.get(name)
        if value is None or value == "":
            return []
        if isinstance(value, str):
            value = re.split(r"[;,]", value)
        if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
            self.error(name, _("must be a list of codes"))
            return []
        result: list[str] = []
        for item in (item.strip() for item in value):
            if not item:
                continue
            if item not in allowed:
                self.error(name, unknown_message % {"code": item})
            elif item not in result:
                result.append(item)
        return result

    def choice(self, name: str, enum_class: type, *, required: bool = False):
        value = self.text(name, required=required)
        if value is None:
            return None
        try:
            return enum_class(value)
        except ValueError:
            allowed = ", ".join(member.value for member in enum_class)
            self.error(
                name,
                _("unknown value %(value)r (expected one of: %(allowed)s)",
                  value=value, allowed=allowed),
            )
            return None


def validate_record(
    raw: Any, source: str, line: int
) -> tuple[ProfileData | None, list[FieldError]]:
    """Check one raw record; returns the clean data, or None and every error found."""
    if not isinstance(raw, dict):
        return None, [FieldError(source, line, "json", _("each line must be a JSON object"))]
    check = _Checker(raw, source, line)
    for unknown in sorted(set(raw) - set(ALL_FIELDS)):
        check.error(unknown, _("unknown field"))

    external_id = check.text("external_id", required=True)
    name = check.text("name", required=True)
    kind = check.choice("kind", OrganisationKind, required=True)
    country = _country(check)
    region = check.text("region")
    province, city = _place(check, country)
    if country == MOROCCO and province and not region:
        region = territories.region()["names"]["fr"]
    languages = check.code_list("languages", language_codes(), _("unknown language code %(code)r"))
    sectors = check.code_list(
        "sectors", taxonomy.codes(taxonomy.SECTOR), _("unknown sector code %(code)r")
    )
    capabilities = taxonomy.codes(taxonomy.CAPABILITY)
    needs = check.code_list("needs", capabilities, _("unknown capability code %(code)r"))
    offers = check.code_list("offers", capabilities, _("unknown capability code %(code)r"))
    description = check.text("description", multiline=True) or ""
    description_lang = _description_language(check, description)
    data_fields = {
        "members": check.integer("members", 0, 10_000_000),
        "founded": check.integer("founded", EARLIEST_FOUNDING_YEAR, datetime.now(UTC).year),
        "website": _matching(check, "website", _WEBSITE,
                             _("must be an http:// or https:// address")),
        "email": _matching(check, "email", _EMAIL, _("is not an e-mail address")),
        "phone": _matching(check, "phone", _PHONE, _("is not a phone number")),
        "lat": check.number("lat", -90, 90),
        "lon": check.number("lon", -180, 180),
        "status": check.choice("status", ProfileStatus),
        "slug": _matching(check, "slug", _SLUG, _("may only hold letters, digits and hyphens")),
        "translations": _translations(check, description_lang),
    }
    if (data_fields["lat"] is None) != (data_fields["lon"] is None) and not check.errors:
        check.error("lat" if data_fields["lat"] is None else "lon",
                    _("latitude and longitude go together"))
    if check.errors or external_id is None or name is None or kind is None or country is None:
        return None, check.errors
    return ProfileData(
        external_id=external_id,
        name=name,
        kind=kind,
        country=country,
        region=region,
        province=province,
        city=city,
        languages=languages,
        sectors=sectors,
        needs=needs,
        offers=offers,
        description=description,
        description_lang=description_lang,
        **data_fields,
    ), []


def _country(check: _Checker) -> str | None:
    value = check.text("country", required=True)
    if value is None:
        return None
    code = value.upper()
    if not is_country_code(code):
        check.error("country", _("%(value)r is not an ISO 3166-1 alpha-2 country code",
                                 value=value))
        return None
    return code


def _place(check: _Checker, country: str | None) -> tuple[str | None, str | None]:
    """Moroccan places resolve to the Oriental's provinces and towns, whatever the spelling."""
    province_text = check.text("province")
    city_text = check.text("city")
    if country != MOROCCO:
        return province_text, city_text
    province = territories.resolve_province(province_text) if province_text else None
    if province_text and province is None:
        known = ", ".join(territories.province_codes())
        check.error("province", _("%(value)r is not a province of the Oriental (%(known)s)",
                                  value=province_text, known=known))
        return None, city_text
    town = territories.resolve_town(city_text)
    if town is None:
        return (province.code if province else None), city_text
    if province is not None and town.parent_code != province.code:
        check.error("city", _("%(city)r is not in the province %(province)r",
                              city=city_text, province=province_text))
        return None, None
    return town.parent_code, town.name("fr")


def _description_language(check: _Checker, description: str) -> str | None:
    value = check.text("description_lang")
    if value is None:
        return detect_language(description) if description else None
    if value not in language_codes():
        check.error("description_lang", _("unknown language code %(code)r", code=value))
        return None
    return value


def _matching(check: _Checker, name: str, pattern: re.Pattern[str], message: str) -> str | None:
    value = check.text(name)
    if value is not None and not pattern.match(value):
        check.error(name, message)
        return None
    return value


def _translations(check: _Checker, description_lang: str | None) -> list[Translation]:
    value = check.raw.get("translations")
    if value is None or value == "" or value == []:
        return []
    if not isinstance(value, list) or not all(isinstance(item, dict) for item in value):
        check.error("translations", _("must be a list of {lang, text, origin} objects"))
        return []
    result: list[Translation] = []
    seen = {description_lang}
    for item in value:
        lang, text = item.get("lang"), item.get("text")
        origin = item.get("origin", TextOrigin.TRANSLATION.value)
        if lang not in language_codes():
            check.error("translations", _("unknown language code %(code)r", code=lang))
        elif lang in seen:
            check.error("translations", _("language %(code)r appears twice", code=lang))
        elif not isinstance(text, str) or not text.strip():
            check.error("translations", _("each version needs its text"))
        elif "\x00" in text or _CONTROL.search(text):
            check.error("translations", _("contains control characters"))
        elif len(text) > MAX_LENGTHS["description"]:
            check.error("translations", _("is too long (%(length)d characters, at most %(limit)d)",
                                          length=len(text), limit=MAX_LENGTHS["description"]))
        elif origin not in {member.value for member in TextOrigin}:
            check.error("translations", _("origin must be 'organisation' or 'translation'"))
        else:
            seen.add(lang)
            result.append(Translation(lang, text.strip(), TextOrigin(origin)))
    return result
