"""A profile's fields, declared once.

The importer's validation (:mod:`twinning.profiles.interchange`), the exporter's field order,
the service's mapping onto the model, the OpenAPI schema and the submission form all read
:data:`FIELDS`, so they cannot disagree: a new field is one line here plus a migration.
"""

from __future__ import annotations

import enum
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from flask_babel import lazy_gettext as _l

from twinning.models import OrganisationKind, Profile, ProfileStatus
from twinning.reference import taxonomy


class FieldKind(enum.StrEnum):
    """What a field holds; it decides the check, the form widget and the JSON schema."""

    TEXT = "text"  # one line
    LONG_TEXT = "long_text"  # paragraphs
    EMAIL = "email"
    URL = "url"
    PHONE = "phone"
    SLUG = "slug"
    CHOICE = "choice"  # one value of an enum
    COUNTRY = "country"  # ISO 3166-1 alpha-2
    LANGUAGE = "language"  # ISO 639-1
    LANGUAGES = "languages"  # several ISO 639-1
    CODES = "codes"  # several taxonomy codes
    INTEGER = "integer"
    NUMBER = "number"
    TRANSLATIONS = "translations"  # other-language versions of the description


MULTI_VALUED = frozenset({FieldKind.LANGUAGES, FieldKind.CODES, FieldKind.TRANSLATIONS})


def current_year() -> int:
    """Evaluated when a record is checked, never when this module is imported."""
    return datetime.now(UTC).year


@dataclass(frozen=True, slots=True)
class ProfileField:
    name: str  # the interchange name, also the HTML form field's name
    kind: FieldKind
    label: Any  # a lazy string, translated where it is shown
    required: bool = False
    max_length: int | None = None
    minimum: int | float | None = None
    maximum: int | float | Callable[[], int] | None = None
    choices: type[enum.StrEnum] | None = None  # for CHOICE
    taxonomy: str | None = None  # for CODES: taxonomy.SECTOR or taxonomy.CAPABILITY
    attribute: str | None = None  # the model attribute, when it is named otherwise
    on_form: bool = True  # the submission form asks for it
    # Contact details: shown only to signed-in people with a confirmed address, so never
    # in the public API (the organisations' members are people, under the GDPR).
    contact: bool = False

    @property
    def multiple(self) -> bool:
        return self.kind in MULTI_VALUED

    @property
    def model_attribute(self) -> str:
        return self.attribute or self.name

    def upper_bound(self) -> int | float | None:
        return self.maximum() if callable(self.maximum) else self.maximum


FIELDS: tuple[ProfileField, ...] = (
    ProfileField("external_id", FieldKind.TEXT, _l("Identifier"), required=True,
                 max_length=100, on_form=False),
    ProfileField("name", FieldKind.TEXT, _l("Name of the organisation"), required=True,
                 max_length=200),
    ProfileField("kind", FieldKind.CHOICE, _l("Kind of organisation"), required=True,
                 choices=OrganisationKind),
    ProfileField("country", FieldKind.COUNTRY, _l("Country"), required=True),
    ProfileField("region", FieldKind.TEXT, _l("Region"), max_length=120),
    ProfileField("province", FieldKind.TEXT, _l("Province"), max_length=120),
    ProfileField("city", FieldKind.TEXT, _l("Town"), max_length=120),
    ProfileField("languages", FieldKind.LANGUAGES, _l("Working languages")),
    ProfileField("sectors", FieldKind.CODES, _l("Sectors"), taxonomy=taxonomy.SECTOR),
    ProfileField("needs", FieldKind.CODES, _l("Needs"), taxonomy=taxonomy.CAPABILITY),
    ProfileField("offers", FieldKind.CODES, _l("Offers"), taxonomy=taxonomy.CAPABILITY),
    ProfileField("description", FieldKind.LONG_TEXT, _l("Description"), max_length=10_000),
    ProfileField("description_lang", FieldKind.LANGUAGE, _l("Language of the description")),
    ProfileField("members", FieldKind.INTEGER, _l("Members"), minimum=0, maximum=10_000_000),
    ProfileField("founded", FieldKind.INTEGER, _l("Founded"), minimum=1800,
                 maximum=current_year),
    ProfileField("website", FieldKind.URL, _l("Website"), max_length=300),
    ProfileField("email", FieldKind.EMAIL, _l("E-mail"), max_length=254, contact=True),
    ProfileField("phone", FieldKind.PHONE, _l("Phone"), max_length=40, contact=True),
    ProfileField("lat", FieldKind.NUMBER, _l("Latitude"), minimum=-90, maximum=90,
                 attribute="latitude"),
    ProfileField("lon", FieldKind.NUMBER, _l("Longitude"), minimum=-180, maximum=180,
                 attribute="longitude"),
    ProfileField("status", FieldKind.CHOICE, _l("Status"), choices=ProfileStatus,
                 on_form=False),
    ProfileField("slug", FieldKind.SLUG, _l("Name in the web address"), max_length=120,
                 on_form=False),
    ProfileField("translations", FieldKind.TRANSLATIONS, _l("Other-language versions"),
                 max_length=10_000, on_form=False),
)

BY_NAME: dict[str, ProfileField] = {field.name: field for field in FIELDS}
# The interchange field names, in the order every export writes them.
FIELD_NAMES: tuple[str, ...] = tuple(field.name for field in FIELDS)
FORM_FIELDS: tuple[ProfileField, ...] = tuple(field for field in FIELDS if field.on_form)


def interchange_value(profile: Profile, field: ProfileField) -> Any:
    """The value of ``field`` for ``profile``, as the interchange format writes it."""
    value = getattr(profile, field.model_attribute)
    if field.kind == FieldKind.CODES:
        return [term.code for term in value]
    if field.kind == FieldKind.LANGUAGES:
        return [language.lang for language in value]
    if field.kind == FieldKind.TRANSLATIONS:
        return [{"lang": version.lang, "text": version.text, "origin": version.origin.value}
                for version in value]
    if isinstance(value, enum.Enum):
        return value.value
    return value
