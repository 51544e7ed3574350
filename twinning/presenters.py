"""How codes, places, languages and match reasons read in the current language.

Everything shown to a person goes through the translation catalog or CLDR (Babel): kind
labels, taxonomy labels from the data file, country and language names, and the sentences
that explain a suggestion.
"""

from __future__ import annotations

from dataclasses import dataclass

from babel import Locale
from babel.core import get_global
from babel.lists import format_list
from flask import Flask
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from twinning import tokens
from twinning.i18n import current_language
from twinning.matching.records import Reason
from twinning.matching.text import normalise
from twinning.models import (
    ChangeAction,
    MemberRole,
    OrganisationKind,
    ProfileStatus,
    Role,
    TextOrigin,
)
from twinning.profiles.fields import BY_NAME
from twinning.reference import taxonomy, territories
from twinning.reference.countries import MOROCCO, country_codes, country_name

KIND_LABELS = {
    OrganisationKind.COOPERATIVE: _l("Cooperative"),
    OrganisationKind.LOCAL_AUTHORITY: _l("Local authority"),
    OrganisationKind.ASSOCIATION: _l("Association"),
    OrganisationKind.FEDERATION: _l("Federation or union of cooperatives"),
    OrganisationKind.FAIR_TRADE: _l("Fair-trade shop or network"),
    OrganisationKind.RESEARCH_TRAINING: _l("University or training body"),
    OrganisationKind.PUBLIC_AGENCY: _l("Public agency"),
}
STATUS_LABELS = {
    ProfileStatus.DRAFT: _l("Draft"),
    ProfileStatus.PENDING: _l("Awaiting moderation"),
    ProfileStatus.PUBLISHED: _l("Published"),
    ProfileStatus.REJECTED: _l("Rejected"),
    ProfileStatus.ARCHIVED: _l("Archived"),
}
MEMBER_ROLE_LABELS = {
    MemberRole.OWNER: _l("Owner"),
    MemberRole.EDITOR: _l("Editor"),
}
# The same roles inside a sentence ("… invites you to keep this profile as editor").
MEMBER_ROLE_NOUNS = {
    MemberRole.OWNER: _l("owner"),
    MemberRole.EDITOR: _l("editor"),
}
ROLE_LABELS = {
    Role.MEMBER: _l("Member"),
    Role.MODERATOR: _l("Moderator"),
    Role.ADMIN: _l("Administrator"),
}
CHANGE_LABELS = {
    ChangeAction.SUBMITTED: _l("Submitted"),
    ChangeAction.CREATED: _l("Created and published by a facilitator"),
    ChangeAction.EDITED: _l("Edited"),
    ChangeAction.IMPORTED: _l("Changed by an import"),
    ChangeAction.APPROVED: _l("Approved"),
    ChangeAction.REJECTED: _l("Rejected"),
    ChangeAction.ARCHIVED: _l("Archived"),
    ChangeAction.RESTORED: _l("Restored"),
    ChangeAction.ORPHANED: _l("Archived: its last owner deleted their account"),
    ChangeAction.HANDED_OVER: _l("Handed over to the organisation"),
}
ORIGIN_LABELS = {
    TextOrigin.ORGANISATION: _l("written by the organisation"),
    TextOrigin.TRANSLATION: _l("translation"),
}


def kind_label(kind: OrganisationKind | str) -> str:
    return str(KIND_LABELS[OrganisationKind(kind)])


def status_label(status: ProfileStatus | str) -> str:
    return str(STATUS_LABELS[ProfileStatus(status)])


def member_role_label(role: MemberRole | str) -> str:
    return str(MEMBER_ROLE_LABELS[MemberRole(role)])


def member_role_noun(role: MemberRole | str) -> str:
    return str(MEMBER_ROLE_NOUNS[MemberRole(role)])


def user_role_label(user) -> str:
    """"Moderator", "Member, facilitator" … in the reader's language."""
    labels = [str(ROLE_LABELS[user.role])]
    if user.is_facilitator:
        labels.append(str(_l("facilitator")))
    return format_list(labels, locale=str(get_locale()))


def change_label(action: ChangeAction | str) -> str:
    return str(CHANGE_LABELS[ChangeAction(action)])


def field_label(name: str) -> str:
    """A profile field's name in the reader's language (the history page's rows)."""
    field = BY_NAME.get(name)
    return str(field.label) if field else name


CHANGE_VALUE_LENGTH = 300


def change_value(value: object) -> str:
    """An old or new value of the history, readable in a table cell."""
    if value in (None, "", []):
        return "—"
    if isinstance(value, list):
        return ", ".join(f"{item.get('lang')}: {item.get('text', '')[:80]}"
                         if isinstance(item, dict) else str(item) for item in value)
    text = str(value)
    return text if len(text) <= CHANGE_VALUE_LENGTH else text[:CHANGE_VALUE_LENGTH] + "…"


def origin_label(origin: TextOrigin | str) -> str:
    return str(ORIGIN_LABELS[TextOrigin(origin)])


def term_label(code: str) -> str:
    term = taxonomy.by_code().get(code)
    if term is None:
        return code
    return term.labels.get(current_language()) or term.labels.get("en") or code


def terms_phrase(codes: list[str] | tuple[str, ...]) -> str:
    """"packaging, marketing and export" in the reader's language (CLDR list patterns)."""
    return format_list([term_label(code) for code in codes], locale=str(get_locale()))


def language_name(code: str) -> str:
    return Locale.parse(str(get_locale())).languages.get(code, code)


def languages_phrase(codes: list[str] | tuple[str, ...]) -> str:
    return format_list([language_name(code) for code in codes], locale=str(get_locale()))


def country(code: str) -> str:
    return country_name(code, str(get_locale()))


def place_name(code: str | None) -> str:
    """A Moroccan province or town in the reader's language; other places as written."""
    if not code:
        return ""
    place = territories.by_code().get(code)
    if place is None:
        return code
    return place.names.get(current_language()) or place.name("fr")


def city_name(city: str | None) -> str:
    """A town of the Oriental in the reader's language; any other town as written."""
    if not city:
        return ""
    town = territories.resolve_town(city)
    return place_name(town.code) if town else city


def region_name(region: str | None) -> str:
    """The Oriental in the reader's language; any other region as written."""
    if not region:
        return ""
    oriental = territories.region()
    spellings = {normalise(name) for name in (*oriental["names"].values(),
                                               *oriental["variants"])}
    if normalise(region) in spellings:
        return oriental["names"].get(current_language()) or region
    return region


def reason_text(reason: Reason) -> str:
    """One sentence per reason, from the point of view of the profile being viewed."""
    terms = reason.terms
    if reason.kind == "they_offer_what_you_need":
        return _("They offer %(terms)s, which you need.", terms=terms_phrase(terms))
    if reason.kind == "you_offer_what_they_need":
        return _("You offer %(terms)s, which they need.", terms=terms_phrase(terms))
    if reason.kind == "same_sector":
        return _("Both work in %(terms)s.", terms=terms_phrase(terms))
    if reason.kind == "related_sector":
        return _("Related fields: %(theirs)s and %(yours)s.",
                 theirs=term_label(terms[0]), yours=term_label(terms[1]))
    if reason.kind == "shared_language":
        return _("Shared working language: %(languages)s.", languages=languages_phrase(terms))
    if reason.kind == "interpreter_needed":
        return _("No shared working language: an interpreter is needed.")
    if reason.kind == "similar_activity":
        return _("Their activities are close to yours.")
    return reason.kind


def filter_options(facets) -> dict[str, list[tuple[str, str]]]:
    """(value, label) choices of each directory filter, labelled in the reader's language."""
    capabilities = [(code, term_label(code)) for code in facets.capabilities]
    return {
        "kind": [(kind.value, str(label)) for kind, label in KIND_LABELS.items()],
        "country": [(code, country(code)) for code in facets.countries],
        "province": [(code, place_name(code)) for code in facets.provinces],
        "sector": [(code, term_label(code)) for code in facets.sectors],
        "need": capabilities,
        "offer": capabilities,
        "language": [(code, language_name(code)) for code in facets.languages],
    }


@dataclass(frozen=True)
class OrientalPlaces:
    provinces: tuple[str, ...]
    towns: tuple[str, ...]


def oriental_places() -> OrientalPlaces:
    """Codes of the Oriental's provinces and towns, for the form's suggestion lists."""
    return OrientalPlaces(
        provinces=territories.province_codes(),
        towns=tuple(place.code for place in territories.places()
                    if place.level == territories.TOWN),
    )


def country_choices() -> dict[str, list[tuple[str, str]]]:
    """Every country named in the reader's language (CLDR), grouped for a select box:
    Morocco, then Europe (the countries with a European time zone), then the others."""
    named = sorted(((code, country(code)) for code in country_codes()),
                   key=lambda item: item[1].casefold())
    europe = _european_countries()
    return {
        str(_l("Morocco")): [(code, name) for code, name in named if code == MOROCCO],
        str(_l("Europe")): [(code, name) for code, name in named if code in europe],
        str(_l("Other countries")): [(code, name) for code, name in named
                                     if code != MOROCCO and code not in europe],
    }


def _european_countries() -> frozenset[str]:
    zones = get_global("territory_zones")
    return frozenset(code for code, names in zones.items()
                     if any(name.startswith("Europe/") for name in names))


def link_days(purpose: str) -> int:
    """How many days a kind of signed link works ("confirm", "invitation" …)."""
    return tokens.lifetime_days(tokens.Purpose(purpose))


def link_hours(purpose: str) -> int:
    return tokens.lifetime_hours(tokens.Purpose(purpose))


TEMPLATE_HELPERS = {
    "kind_label": kind_label,
    "term_label": term_label,
    "terms_phrase": terms_phrase,
    "language_name": language_name,
    "languages_phrase": languages_phrase,
    "country_name": country,
    "place_name": place_name,
    "city_name": city_name,
    "region_name": region_name,
    "reason_text": reason_text,
    "status_label": status_label,
    "origin_label": origin_label,
    "member_role_label": member_role_label,
    "member_role_noun": member_role_noun,
    "user_role_label": user_role_label,
    "change_label": change_label,
    "field_label": field_label,
    "filter_options": filter_options,
    "oriental_places": oriental_places,
    "link_days": link_days,
    "link_hours": link_hours,
}


def init_app(app: Flask) -> None:
    app.jinja_env.globals.update(TEMPLATE_HELPERS)
    app.jinja_env.filters["change_value"] = change_value
