"""``/api/v1`` routes: thin wrappers around the profile services."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, current_app, jsonify, request
from flask.typing import ResponseReturnValue

from twinning import suggestions
from twinning.api.openapi import openapi_document
from twinning.exchanges import service as exchanges
from twinning.models import Profile
from twinning.profiles import queries, service
from twinning.profiles.exporter import to_interchange
from twinning.profiles.fields import FIELDS
from twinning.profiles.filters import (
    FILTER_PARAMETERS,
    MATCH_PARAMETERS,
    PAGING_PARAMETERS,
    SORT_PARAMETER,
    parse_filters,
    parse_limit,
    parse_mode,
    parse_paging,
    parse_sort,
    reject_unknown,
    reject_unlisted,
)
from twinning.reference import taxonomy
from twinning.remembered import remember, request_key

blueprint = Blueprint("api", __name__, url_prefix="/api/v1")


def interchange_json(profile: Profile) -> dict[str, Any]:
    """Interchange fields, every key present (null or [] when empty). Contact details stay
    null: the API is anonymous, and they are shown only to signed-in people."""
    values = to_interchange(profile)
    return {
        field.name: None if field.contact else
        values.get(field.name, [] if field.multiple else None)
        for field in FIELDS
    }


def profile_json(profile: Profile) -> dict[str, Any]:
    """The interchange fields and the codes the model reads in the texts (``inferred``)."""
    return {**interchange_json(profile),
            "inferred": suggestions.tags_json(suggestions.inferred_tags(profile))}


@blueprint.get("/profiles")
def list_profiles() -> ResponseReturnValue:
    reject_unknown(request.args, (*FILTER_PARAMETERS, *PAGING_PARAMETERS, SORT_PARAMETER))
    reject_unlisted(request.args)
    filters = parse_filters(request.args)
    page, per_page = parse_paging(
        request.args,
        current_app.config["API_DEFAULT_PER_PAGE"],
        current_app.config["API_MAX_PER_PAGE"],
    )
    sort = parse_sort(request.args, searching=bool(filters.q))

    def listed() -> dict[str, object]:
        result = queries.search(filters, page, per_page, sort)
        return {"items": [profile_json(profile) for profile in result.items],
                "total": result.total, "page": result.page, "per_page": result.per_page}

    return jsonify(remember(("api list", *request_key()), listed))


@blueprint.get("/profiles/<slug>")
def get_profile(slug: str) -> ResponseReturnValue:
    reject_unknown(request.args, ())
    profile = service.get_published(slug)
    if profile is None:
        abort(404, description=f"no published profile {slug!r}")
    return jsonify(profile_json(profile))


@blueprint.get("/profiles/<slug>/matches")
def get_matches(slug: str) -> ResponseReturnValue:
    reject_unknown(request.args, MATCH_PARAMETERS)
    reject_unlisted(request.args)
    profile = service.get_published(slug)
    if profile is None:
        abort(404, description=f"no published profile {slug!r}")
    limit = parse_limit(request.args, current_app.config["API_MAX_PER_PAGE"])
    mode = parse_mode(request.args)

    def matched() -> dict[str, object]:
        found = suggestions.for_profile(profile, limit=limit, mode=mode, with_evidence=True)
        return {"items": [suggestions.match_json(item) for item in found]}

    return jsonify(remember(("api matches", *request_key()), matched))


@blueprint.get("/profiles/<slug>/partnerships")
def get_partnerships(slug: str) -> ResponseReturnValue:
    """The organisations a profile has accepted an exchange with, newest first."""
    reject_unknown(request.args, ())
    profile = service.get_published(slug)
    if profile is None:
        abort(404, description=f"no published profile {slug!r}")
    return jsonify(items=[{**interchange_json(exchange.other(profile.id)),
                           "purpose": exchange.purpose.value,
                           "since": exchange.accepted_at.date().isoformat(),
                           "state": exchange.state.value}
                          for exchange in exchanges.partnerships_of(profile)])


@blueprint.get("/taxonomy")
def get_taxonomy() -> ResponseReturnValue:
    def term_json(term: taxonomy.TermData) -> dict[str, Any]:
        return {"code": term.code, "labels": term.labels, "synonyms": term.synonyms}

    return jsonify(
        sectors=[term_json(term) for term in taxonomy.terms() if term.kind == taxonomy.SECTOR],
        capabilities=[
            term_json(term) for term in taxonomy.terms() if term.kind == taxonomy.CAPABILITY
        ],
    )


@blueprint.get("/openapi.json")
def get_openapi() -> ResponseReturnValue:
    return jsonify(openapi_document(current_app.config["API_MAX_PER_PAGE"]))
