"""Thin page views: read the request, call a service, render a template."""

from __future__ import annotations

from typing import Any

from flask import (
    Blueprint,
    Flask,
    Response,
    abort,
    current_app,
    g,
    redirect,
    render_template,
    request,
    url_for,
)
from flask.typing import ResponseReturnValue

from twinning import suggestions
from twinning.i18n import LANGUAGE_COOKIE, LANGUAGES, current_language
from twinning.profiles import facets, places, queries, service
from twinning.profiles.filters import parse_filters, parse_paging, parse_sort
from twinning.reference import taxonomy, territories
from twinning.reference.countries import is_country_code
from twinning.web.home import home_counts

LANG_CONVERTER = "any(" + ",".join(LANGUAGES) + ")"
COOKIE_MAX_AGE = 365 * 24 * 3600
PER_PAGE = 20
SUGGESTIONS_ON_PROFILE = 10
SUGGESTIONS_PER_ORGANISATION = 3

blueprint = Blueprint("web", __name__, url_prefix=f"/<{LANG_CONVERTER}:lang>")


@blueprint.url_value_preprocessor
def take_language(endpoint: str | None, values: dict[str, Any] | None) -> None:
    if values and "lang" in values:
        g.lang = values.pop("lang")


@blueprint.url_defaults
def keep_language(endpoint: str, values: dict[str, Any]) -> None:
    values.setdefault("lang", getattr(g, "lang", None) or current_language())


def remember_language(response: Response) -> Response:
    """A language chosen through the URL is kept in a cookie for the next visit to ``/``."""
    lang = getattr(g, "lang", None)
    if lang and request.cookies.get(LANGUAGE_COOKIE) != lang:
        response.set_cookie(LANGUAGE_COOKIE, lang, max_age=COOKIE_MAX_AGE, samesite="Lax")
    return response


def root() -> ResponseReturnValue:
    return redirect(url_for("web.home", lang=current_language()))


def language_url(lang: str) -> str:
    """The current page, with its query, in another language (the switcher's links)."""
    endpoint = request.endpoint if request.endpoint and request.endpoint.startswith("web.") \
        else "web.home"
    arguments = dict(request.view_args or {}) if endpoint == request.endpoint else {}
    arguments.update(request.args.to_dict(flat=True))
    return url_for(endpoint, **arguments, lang=lang)


def register(app: Flask) -> None:
    app.register_blueprint(blueprint)
    app.add_url_rule("/", "root", root)
    app.after_request(remember_language)
    app.jinja_env.globals["language_url"] = language_url


def _page_number() -> int:
    page, _per_page = parse_paging(request.args, PER_PAGE, PER_PAGE)
    return page


@blueprint.get("/")
def home() -> ResponseReturnValue:
    return render_template("web/home.html", counts=home_counts())


@blueprint.get("/profiles/")
def directory() -> ResponseReturnValue:
    filters = parse_filters(request.args)
    sort = parse_sort(request.args)
    result = queries.search(filters, _page_number(), PER_PAGE, sort)
    return render_template("web/directory.html", result=result, filters=filters, sort=sort,
                           facets=facets.directory_facets())


@blueprint.get("/profiles/<slug>")
def profile(slug: str) -> ResponseReturnValue:
    found = service.get_published(slug)
    if found is None:
        abort(404)
    return render_template(
        "web/profile.html", profile=found,
        suggested=suggestions.for_profile(found, limit=SUGGESTIONS_ON_PROFILE),
        partners=suggestions.partnerships(found),
        inferred=suggestions.inferred_tags(found),
    )


@blueprint.get("/sectors/")
def sectors() -> ResponseReturnValue:
    return render_template("web/sectors.html", counts=facets.sector_counts(),
                           sectors=[term for term in taxonomy.terms()
                                    if term.kind == taxonomy.SECTOR])


@blueprint.get("/sectors/<code>")
def sector(code: str) -> ResponseReturnValue:
    if code not in taxonomy.codes(taxonomy.SECTOR):
        abort(404)
    result = queries.search(queries.ProfileFilters(sector=code), _page_number(), PER_PAGE)
    return render_template("web/sector.html", code=code, result=result)


@blueprint.get("/places/")
def places_index() -> ResponseReturnValue:
    return render_template("web/places.html", provinces=facets.province_counts(),
                           province_codes=territories.province_codes(),
                           countries=facets.country_counts())


@blueprint.get("/provinces/<code>")
def province(code: str) -> ResponseReturnValue:
    place = places.find_place(code)
    if place is None:
        abort(404)
    return render_template("web/province.html", place=place,
                           profiles=places.profiles_of_place(place),
                           towns=places.towns_of(place) if place.parent_code is None else [])


@blueprint.get("/countries/<code>")
def country(code: str) -> ResponseReturnValue:
    code = code.upper()
    if not is_country_code(code):
        abort(404)
    return render_template("web/country.html", code=code,
                           profiles=places.profiles_of_country(code))


@blueprint.get("/territories/<code>")
def territory(code: str) -> ResponseReturnValue:
    place = places.find_place(code)
    if place is None:
        abort(404)
    organisations = places.profiles_of_place(place)
    return render_template(
        "web/territory.html", place=place,
        entries=suggestions.for_profiles(organisations, SUGGESTIONS_PER_ORGANISATION),
    )


@blueprint.get("/about")
def about() -> ResponseReturnValue:
    return render_template("web/about.html")


@blueprint.get("/map")
def map_page() -> ResponseReturnValue:
    return render_template(
        "web/map.html", profiles=places.profiles_with_coordinates(),
        tile_url=current_app.config["MAP_TILE_URL"],
        attribution=current_app.config["MAP_ATTRIBUTION"],
    )
