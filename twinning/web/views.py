"""Thin page views: read the request, call a service, render a template."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import Flask, abort, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user
from markupsafe import Markup

from twinning import suggestions
from twinning.dashboard import service as territory_figures
from twinning.exchanges import service as exchanges
from twinning.i18n import current_language
from twinning.memberships import service as memberships
from twinning.models import ChangeAction, Profile, ProfileStatus
from twinning.profiles import facets, history, places, queries, service
from twinning.profiles.filters import parse_filters, parse_paging, parse_sort
from twinning.reference import taxonomy, territories
from twinning.reference.countries import country_code
from twinning.remembered import remember, render_remembered, render_with_remembered_content
from twinning.routing import localized_blueprint
from twinning.web.home import home_counts

PER_PAGE = 20
SUGGESTIONS_ON_PROFILE = 10
SUGGESTIONS_PER_ORGANISATION = 3

blueprint = localized_blueprint("web", __name__)


def root() -> ResponseReturnValue:
    return redirect(url_for("web.home", lang=current_language()))


def register(app: Flask) -> None:
    app.register_blueprint(blueprint)
    app.add_url_rule("/", "root", root)


def _page_number() -> int:
    page, _per_page = parse_paging(request.args, PER_PAGE, PER_PAGE)
    return page


@blueprint.get("/")
def home() -> ResponseReturnValue:
    return render_with_remembered_content("web/home.html", lambda: {"counts": home_counts()})


@blueprint.get("/profiles/")
def directory() -> ResponseReturnValue:
    filters = parse_filters(request.args)
    sort = parse_sort(request.args, searching=bool(filters.q))
    page = _page_number()
    # The form shows relevance unless another order was asked for, so that a search typed
    # on a page without one comes back ranked (without a search text it is by name). The
    # facets are the same for every search: read once per version, not once per search.
    return render_with_remembered_content(
        "web/directory.html",
        lambda: {"result": queries.search(filters, page, PER_PAGE, sort, with_details=False),
                 "facets": remember("directory facets", facets.directory_facets)},
        filters=filters, sort=request.args.get("sort") or queries.RELEVANCE)


@blueprint.get("/profiles/<slug>")
def profile(slug: str) -> ResponseReturnValue:
    """A profile; one not (yet) published exists only for its people and moderators."""
    found = service.get_by_slug(slug)
    if found is None or not memberships.can_see(current_user, found):
        abort(404)
    last_decision = None
    if found.status in (ProfileStatus.REJECTED, ProfileStatus.ARCHIVED):
        last_decision = history.latest(found, ChangeAction(found.status.value))
    may_edit = memberships.can_edit(current_user, found)
    request_from = found.slug if may_edit and found.is_published else None
    return render_template(
        "web/profile.html", profile=found,
        about=_same_for_every_reader("web/_profile_about.html", found, lambda: {
            "profile": found, "inferred": suggestions.inferred_tags(found)}),
        facts=_same_for_every_reader("web/_profile_facts.html", found,
                                     lambda: {"profile": found}),
        suggested=render_remembered("web/_suggested.html", (found.slug, request_from), lambda: {
            "profile": found, "request_from": request_from,
            "suggested": suggestions.for_profile(found, limit=SUGGESTIONS_ON_PROFILE,
                                                 with_evidence=True)}),
        partnerships=exchanges.partnerships_of(found),
        asking_organisations=exchanges.organisations_to_ask_from(current_user, found)
        if found.is_published else [],
        may_edit=may_edit,
        may_manage=memberships.can_manage_members(current_user, found),
        shows_contact=current_user.is_authenticated and current_user.is_confirmed,
        last_decision=last_decision,
    )


def _same_for_every_reader(template: str, profile: Profile,
                           context: Callable[[], dict[str, Any]]) -> Markup:
    """A part of a profile's page that does not depend on its reader: remembered while the
    profile is published (every change to it is then logged), drawn afresh before."""
    if not profile.is_published:
        return Markup(render_template(template, **context()))
    return render_remembered(template, ("profile", profile.slug), context)


@blueprint.get("/sectors/")
def sectors() -> ResponseReturnValue:
    return render_template("web/sectors.html", counts=facets.sector_counts(),
                           sectors=[term for term in taxonomy.terms()
                                    if term.kind == taxonomy.SECTOR])


@blueprint.get("/sectors/<code>")
def sector(code: str) -> ResponseReturnValue:
    if code not in taxonomy.codes(taxonomy.SECTOR):
        abort(404)
    page = _page_number()
    return render_with_remembered_content(
        "web/sector.html",
        lambda: {"result": queries.search(queries.ProfileFilters(sector=code), page, PER_PAGE,
                                          with_details=False)},
        code=code)


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
    code = country_code(code)
    if code is None:
        abort(404)
    return render_template("web/country.html", code=code,
                           profiles=places.profiles_of_country(code))


@blueprint.get("/territories/<code>")
def territory(code: str) -> ResponseReturnValue:
    place = places.find_place(code)
    if place is None:
        abort(404)
    listed = territory_figures.organisations(place, _page_number(), PER_PAGE)
    suggested = suggestions.stored_for(listed.items, SUGGESTIONS_PER_ORGANISATION)
    return render_template(
        "web/territory.html", place=place, listed=listed,
        entries=[(profile, suggested[profile.id]) for profile in listed.items],
    )


@blueprint.get("/about")
def about() -> ResponseReturnValue:
    return render_template("web/about.html", learning=suggestions.learning_summary())


@blueprint.get("/privacy")
def privacy() -> ResponseReturnValue:
    return render_template("web/privacy.html")


@blueprint.get("/map")
def map_page() -> ResponseReturnValue:
    return render_template("web/map.html", profiles=places.profiles_with_coordinates())
