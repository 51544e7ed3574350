"""The profile form: one WTForms field per declared field, named as in the interchange
format, plus the description's other-language versions.

The form reads values and checks the CSRF token; every rule about the values is the
importer's (:func:`twinning.profiles.interchange.validate_record`), whose errors are shown
here next to their fields.
"""

from __future__ import annotations

from typing import Any

from flask import current_app
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    Field,
    HiddenField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.widgets import EmailInput, NumberInput, TelInput, TextInput, URLInput

from twinning.forms import as_choices, grouped_choices
from twinning.i18n import LANGUAGES
from twinning.matching.records import Tags
from twinning.models import OrganisationKind, Profile, TextOrigin
from twinning.presenters import (
    city_name,
    country_choices,
    kind_label,
    language_name,
    place_name,
    term_label,
)
from twinning.profiles.fields import FORM_FIELDS, FieldKind, ProfileField
from twinning.profiles.interchange import FieldError
from twinning.reference import taxonomy
from twinning.reference.countries import MOROCCO

VERSION_PREFIX = "version_"  # version_ar, version_fr …: the other-language versions
TAGGED_FIELDS = ("sectors", "needs", "offers")
_INPUTS = {FieldKind.EMAIL: EmailInput, FieldKind.URL: URLInput, FieldKind.PHONE: TelInput}


def _wtforms_field(field: ProfileField) -> Field:
    """The widget that suits a declared field; the values are checked elsewhere."""
    attributes: dict[str, Any] = {}
    if field.max_length:
        attributes["maxlength"] = field.max_length
    if field.kind == FieldKind.LONG_TEXT:
        return TextAreaField(field.label, render_kw={**attributes, "rows": 8})
    if field.kind in (FieldKind.CHOICE, FieldKind.COUNTRY, FieldKind.LANGUAGE):
        return SelectField(field.label, choices=[], validate_choice=False)
    if field.kind in (FieldKind.CODES, FieldKind.LANGUAGES):
        return SelectMultipleField(field.label, choices=[], validate_choice=False)
    if field.kind in (FieldKind.INTEGER, FieldKind.NUMBER):
        step = "1" if field.kind == FieldKind.INTEGER else "any"
        return StringField(field.label, widget=NumberInput(step=step),
                           render_kw={"min": field.minimum, "inputmode": "decimal"})
    return StringField(field.label, widget=_INPUTS.get(field.kind, TextInput)(),
                       render_kw=attributes)


def _form_class() -> type[FlaskForm]:
    attributes: dict[str, Any] = {field.name: _wtforms_field(field) for field in FORM_FIELDS}
    for lang in LANGUAGES:
        attributes[VERSION_PREFIX + lang] = TextAreaField(render_kw={"rows": 5})
    attributes["on_behalf"] = BooleanField(
        _l("I keep this profile on behalf of an organisation that has no internet access "
           "(it is published at once, marked as kept by a facilitator)"))
    # Codes already suggested from the text, so that a box the person unticked stays so.
    attributes["suggested"] = HiddenField()
    return type("ProfileForm", (FlaskForm,), attributes)


ProfileForm = _form_class()


def prepare(form: FlaskForm, profile: Profile | None) -> None:
    """Fill in the choices, in the reader's language."""
    form.kind.choices = as_choices([("", _l("Choose…"))] + [
        (kind.value, kind_label(kind)) for kind in OrganisationKind])
    form.country.choices = grouped_choices({"": [("", _l("Choose…"))], **country_choices()})
    offered = list(current_app.config["PROFILE_FORM_LANGUAGES"])
    for lang in (*(profile.language_codes if profile else ()), *(form.languages.data or ())):
        if lang not in offered:
            offered.append(lang)
    form.languages.choices = as_choices((lang, language_name(lang)) for lang in offered)
    form.description_lang.choices = as_choices([("", _l("Detect it for me"))] + [
        (lang, language_name(lang)) for lang in LANGUAGES])
    sectors = [(term.code, term_label(term.code)) for term in taxonomy.terms()
               if term.kind == taxonomy.SECTOR]
    capabilities = [(term.code, term_label(term.code)) for term in taxonomy.terms()
                    if term.kind == taxonomy.CAPABILITY]
    form.sectors.choices = as_choices(sectors)
    form.needs.choices = as_choices(capabilities)
    form.offers.choices = as_choices(capabilities)


def fill_from(form: FlaskForm, profile: Profile, values: dict[str, Any]) -> None:
    """Show an existing profile (``values`` are its interchange values); places of the
    Oriental are shown by their names in the reader's language."""
    if profile.country == MOROCCO:
        values = {**values, "province": place_name(profile.province),
                  "city": city_name(profile.city)}
    for field in FORM_FIELDS:
        value = values.get(field.name)
        form[field.name].data = value if value is not None else \
            ([] if field.multiple else "")
    for version in profile.translations:
        if version.lang in LANGUAGES:
            form[VERSION_PREFIX + version.lang].data = version.text


def raw_values(form: FlaskForm, profile: Profile | None) -> dict[str, Any]:
    """The submitted values as an interchange record, for the shared validation."""
    raw: dict[str, Any] = {}
    for field in FORM_FIELDS:
        value = form[field.name].data
        if field.multiple:
            raw[field.name] = [item for item in (value or []) if item]
        elif isinstance(value, str) and value.strip():
            raw[field.name] = value
    raw["translations"] = _versions(form, profile)
    return raw


def _versions(form: FlaskForm, profile: Profile | None) -> list[dict[str, str]]:
    """The other-language versions; one left as it was keeps its origin (a translation
    stays a translation), one written or changed here is the organisation's own."""
    existing = {version.lang: version for version in (profile.translations if profile else ())}
    versions = []
    for lang in LANGUAGES:
        text = (form[VERSION_PREFIX + lang].data or "").strip()
        if not text:
            continue
        kept = existing.get(lang)
        origin = kept.origin if kept is not None and kept.text == text \
            else TextOrigin.ORGANISATION
        versions.append({"lang": lang, "text": text, "origin": origin.value})
    # Versions in other languages than the four of the site are kept as they are.
    versions += [{"lang": version.lang, "text": version.text, "origin": version.origin.value}
                 for lang, version in existing.items() if lang not in LANGUAGES]
    return versions


def show_errors(form: FlaskForm, errors: list[FieldError]) -> list[str]:
    """Put each error next to its field; returns those that belong to no field."""
    elsewhere = []
    for error in errors:
        if error.field in form and error.field != "translations":
            form[error.field].errors = [*form[error.field].errors, error.message]
        else:
            elsewhere.append(error.message)
    return elsewhere


def tick_suggestions(form: FlaskForm, tags: Tags) -> dict[str, list[str]]:
    """Tick the codes read from the text that were not suggested before (a box the person
    unticked after an earlier suggestion stays unticked); returns all suggested codes."""
    before = set((form.suggested.data or "").split())
    suggested: dict[str, list[str]] = {}
    for name in TAGGED_FIELDS:
        codes = sorted(getattr(tags, name), key=_taxonomy_order)
        suggested[name] = codes
        ticked = list(form[name].data or [])
        for code in codes:
            if f"{name}:{code}" not in before and code not in ticked:
                ticked.append(code)
        form[name].data = ticked
    form.suggested.data = " ".join(sorted(before | {f"{name}:{code}"
                                                    for name, codes in suggested.items()
                                                    for code in codes}))
    return suggested


def _taxonomy_order(code: str) -> int:
    return next((position for position, term in enumerate(taxonomy.terms())
                 if term.code == code), 0)
