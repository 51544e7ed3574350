"""The JSON Lines / CSV interchange format: validation of one record.

Validation turns a raw mapping (a JSON object, a CSV row or a submitted form) into a
:class:`ProfileData` or a list of :class:`FieldError`; it never touches the database, so a
whole file can be checked before anything is written. The fields themselves are declared
once, in :mod:`twinning.profiles.fields`; the importer and the submission form both call
:func:`validate_record`, so the same rules hold wherever a profile comes from.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from flask_babel import gettext as _

from twinning.matching.text import detect_language
from twinning.models import TextOrigin
from twinning.profiles.fields import FIELD_NAMES, FIELDS, FieldKind, ProfileField
from twinning.reference import taxonomy, territories
from twinning.reference.countries import MOROCCO, country_code, language_codes

_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s.]+$")
_WEBSITE = re.compile(r"^https?://[^\s/]+\.[^\s/]+(/\S*)?$", re.IGNORECASE)
_PHONE = re.compile(r"^\+?[0-9 ()./-]{6,}$")
_SLUG = re.compile(r"^[\w-]+$", re.UNICODE)
# Control characters other than tab and newline have no place in profile text.
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
# Invisible characters that change how text around them is displayed: bidirectional
# embeddings, overrides and isolates (U+202A–U+202E, U+2066–U+2069), the direction marks
# (U+200E, U+200F, U+061C), zero-width spaces and joiners (U+200B–U+200D, U+2060, U+FEFF)
# and invisible operators (U+2061–U+2064). With them a name could display as another's
# ("ab" written as "\u202eba"); the pages isolate each text with dir="auto" instead.
_INVISIBLE = re.compile("[\u061c\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff]")
# The zero-width non-joiner and joiner do shape letters of the Arabic script (Persian
# می‌خواهم, Urdu, some Amazigh transcriptions): kept between two such letters, where they are
# seen as a change of letter form and cannot reorder anything.
_JOINERS = "\u200c\u200d"
_ARABIC_LETTER = re.compile("[\u0620-\u064a\u066e-\u06d3\u06fa-\u06ff]")


def neutralise(text: str) -> str:
    """``text`` without the invisible characters that could make it display as other text.

    The one rule for every free text people write: profile fields (form and importer),
    names of accounts, messages, reasons and reports."""
    return _INVISIBLE.sub(_kept_if_joining, text)


def _kept_if_joining(found: re.Match[str]) -> str:
    text, at = found.string, found.start()
    joining = found.group() in _JOINERS and 0 < at < len(text) - 1 \
        and _ARABIC_LETTER.match(text[at - 1]) and _ARABIC_LETTER.match(text[at + 1])
    return found.group() if joining else ""


def is_email_address(value: str) -> bool:
    """The one e-mail check, for profiles and accounts alike."""
    return len(value) <= 254 and _EMAIL.match(value) is not None


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


class ProfileData:
    """A validated profile: every declared field's clean value, read as ``record.<name>``."""

    __slots__ = ("values",)

    def __init__(self, values: dict[str, Any]) -> None:
        self.values = values

    def __getattr__(self, name: str) -> Any:
        try:
            return self.values[name]
        except KeyError:
            raise AttributeError(name) from None

    def __repr__(self) -> str:
        return f"<ProfileData {self.values.get('external_id')!r}>"


class _Checker:
    """Collects the errors of one record while its fields are read."""

    def __init__(self, raw: dict[str, Any], source: str, line: int) -> None:
        self.raw = raw
        self.source = source
        self.line = line
        self.errors: list[FieldError] = []

    def error(self, name: str, message: str) -> None:
        self.errors.append(FieldError(self.source, self.line, name, message))

    def read(self, field: ProfileField) -> Any:
        """The clean value of one declared field (None, or [] for lists, when absent)."""
        return _READERS[field.kind](self, field)

    def text(self, field: ProfileField, *, multiline: bool = False) -> str | None:
        name = field.name
        value = self.raw.get(name)
        if isinstance(value, str):
            value = neutralise(value).strip() or None
        if value is None:
            if field.required:
                self.error(name, _("is required and must not be empty"))
            return None
        if not isinstance(value, str):
            self.error(name, _("must be text"))
            return None
        if "\x00" in value:
            self.error(name, _("contains a NUL byte"))
            return None
        if _CONTROL.search(value) or (not multiline and ("\n" in value or "\r" in value)):
            self.error(name, _("contains control characters"))
            return None
        if field.max_length is not None and len(value) > field.max_length:
            self.error(name, _too_long(len(value), field.max_length))
            return None
        return value

    def long_text(self, field: ProfileField) -> str | None:
        return self.text(field, multiline=True)

    def matching(self, field: ProfileField) -> str | None:
        pattern, message = _PATTERNS[field.kind]
        value = self.text(field)
        if value is not None and not pattern.match(value):
            self.error(field.name, str(message()))
            return None
        return value

    def integer(self, field: ProfileField) -> int | None:
        value = self.raw.get(field.name)
        if value is None or value == "":
            return None
        if isinstance(value, str) and re.fullmatch(r"\s*-?\d{1,18}\s*", value):
            value = int(value)
        if isinstance(value, bool) or not isinstance(value, int):
            self.error(field.name, _("must be a whole number"))
            return None
        low, high = field.minimum, field.upper_bound()
        if not low <= value <= high:
            self.error(field.name, _("must be between %(low)d and %(high)d", low=low, high=high))
            return None
        return value

    def number(self, field: ProfileField) -> float | None:
        value = self.raw.get(field.name)
        if value is None or value == "":
            return None
        if isinstance(value, str):
            try:
                value = float(value)
            except ValueError:
                value = None
        if isinstance(value, bool) or not isinstance(value, int | float) or value != value:
            self.error(field.name, _("must be a number"))
            return None
        low, high = field.minimum, field.upper_bound()
        if not low <= value <= high:
            self.error(field.name, _("must be between %(low)s and %(high)s", low=low, high=high))
            return None
        return float(value)

    def choice(self, field: ProfileField):
        value = self.text(field)
        if value is None:
            return None
        try:
            return field.choices(value)
        except ValueError:
            allowed = ", ".join(member.value for member in field.choices)
            self.error(
                field.name,
                _("unknown value %(value)r (expected one of: %(allowed)s)",
                  value=value, allowed=allowed),
            )
            return None

    def country(self, field: ProfileField) -> str | None:
        value = self.text(field)
        if value is None:
            return None
        code = country_code(value)
        if code is None:
            self.error(field.name, _("%(value)r is not an ISO 3166-1 alpha-2 country code",
                                     value=value))
        return code

    def language(self, field: ProfileField) -> str | None:
        value = self.text(field)
        if value is not None and value not in language_codes():
            self.error(field.name, _("unknown language code %(code)r", code=value))
            return None
        return value

    def code_list(self, field: ProfileField) -> list[str]:
        name = field.name
        value = self.raw.get(name)
        if value is None or value == "":
            return []
        if isinstance(value, str):
            value = re.split(r"[;,]", value)
        if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
            self.error(name, _("must be a list of codes"))
            return []
        allowed, unknown = _allowed_codes(field)
        result: list[str] = []
        for item in (item.strip() for item in value):
            if not item:
                continue
            if item not in allowed:
                self.error(name, unknown(item))
            elif item not in result:
                result.append(item)
        return result

    def translations(self, field: ProfileField) -> list[Translation]:
        name = field.name
        value = self.raw.get(name)
        if value is None or value == "" or value == []:
            return []
        if not isinstance(value, list) or not all(isinstance(item, dict) for item in value):
            self.error(name, _("must be a list of {lang, text, origin} objects"))
            return []
        result: list[Translation] = []
        for item in value:
            lang, text = item.get("lang"), item.get("text")
            text = neutralise(text) if isinstance(text, str) else text
            origin = item.get("origin", TextOrigin.TRANSLATION.value)
            if lang not in language_codes():
                self.error(name, _("unknown language code %(code)r", code=lang))
            elif any(version.lang == lang for version in result):
                self.error(name, _("language %(code)r appears twice", code=lang))
            elif not isinstance(text, str) or not text.strip():
                self.error(name, _("each version needs its text"))
            elif "\x00" in text or _CONTROL.search(text):
                self.error(name, _("contains control characters"))
            elif len(text) > field.max_length:
                self.error(name, _too_long(len(text), field.max_length))
            elif origin not in {member.value for member in TextOrigin}:
                self.error(name, _("origin must be 'organisation' or 'translation'"))
            else:
                result.append(Translation(lang, text.strip(), TextOrigin(origin)))
        return result


def _too_long(length: int, limit: int) -> str:
    return _("is too long (%(length)d characters, at most %(limit)d)",
             length=length, limit=limit)


def _allowed_codes(field: ProfileField):
    """The codes a list field accepts, and how an unknown one is reported."""
    if field.kind == FieldKind.LANGUAGES:
        return language_codes(), lambda code: _("unknown language code %(code)r", code=code)
    if field.taxonomy == taxonomy.SECTOR:
        return taxonomy.codes(taxonomy.SECTOR), \
            lambda code: _("unknown sector code %(code)r", code=code)
    return taxonomy.codes(taxonomy.CAPABILITY), \
        lambda code: _("unknown capability code %(code)r", code=code)


_PATTERNS = {
    FieldKind.URL: (_WEBSITE, lambda: _("must be an http:// or https:// address")),
    FieldKind.EMAIL: (_EMAIL, lambda: _("is not an e-mail address")),
    FieldKind.PHONE: (_PHONE, lambda: _("is not a phone number")),
    FieldKind.SLUG: (_SLUG, lambda: _("may only hold letters, digits and hyphens")),
}
_READERS = {
    FieldKind.TEXT: _Checker.text,
    FieldKind.LONG_TEXT: _Checker.long_text,
    FieldKind.EMAIL: _Checker.matching,
    FieldKind.URL: _Checker.matching,
    FieldKind.PHONE: _Checker.matching,
    FieldKind.SLUG: _Checker.matching,
    FieldKind.CHOICE: _Checker.choice,
    FieldKind.COUNTRY: _Checker.country,
    FieldKind.LANGUAGE: _Checker.language,
    FieldKind.LANGUAGES: _Checker.code_list,
    FieldKind.CODES: _Checker.code_list,
    FieldKind.INTEGER: _Checker.integer,
    FieldKind.NUMBER: _Checker.number,
    FieldKind.TRANSLATIONS: _Checker.translations,
}


def validate_record(
    raw: Any, source: str, line: int
) -> tuple[ProfileData | None, list[FieldError]]:
    """Check one raw record; returns the clean data, or None and every error found."""
    if not isinstance(raw, dict):
        return None, [FieldError(source, line, "json", _("each line must be a JSON object"))]
    check = _Checker(raw, source, line)
    for unknown in sorted(set(raw) - set(FIELD_NAMES)):
        check.error(unknown, _("unknown field"))
    values = {field.name: check.read(field) for field in FIELDS}
    _apply_rules_across_fields(check, values)
    if check.errors or any(values[field.name] is None for field in FIELDS if field.required):
        return None, check.errors
    return ProfileData(values), []


def _apply_rules_across_fields(check: _Checker, values: dict[str, Any]) -> None:
    """The rules that read more than one field: places of the Oriental, the description's
    language and its other versions, and coordinates that only make sense in pairs."""
    values["province"], values["city"] = _place(check, values)
    if values["country"] == MOROCCO and values["province"] and not values["region"]:
        values["region"] = territories.region()["names"]["fr"]
    if values["description_lang"] is None and values["description"]:
        values["description_lang"] = detect_language(values["description"])
    if values["description_lang"] is not None:
        for version in values["translations"]:
            if version.lang == values["description_lang"]:
                check.error("translations", _("language %(code)r appears twice",
                                              code=version.lang))
    if (values["lat"] is None) != (values["lon"] is None) and not check.errors:
        check.error("lat" if values["lat"] is None else "lon",
                    _("latitude and longitude go together"))


def _place(check: _Checker, values: dict[str, Any]) -> tuple[str | None, str | None]:
    """Moroccan places resolve to the Oriental's provinces and towns, whatever the spelling."""
    province_text, city_text = values["province"], values["city"]
    if values["country"] != MOROCCO:
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
