"""The OpenAPI 3 description of ``/api/v1`` (a test checks it against the real routes)."""

from __future__ import annotations

from typing import Any

from twinning.exchanges.states import PARTNERSHIP_STATES
from twinning.matching.index import CROSS
from twinning.matching.records import REASON_KINDS
from twinning.models import OrganisationKind, Purpose, TextOrigin
from twinning.profiles.fields import FIELDS, FieldKind, ProfileField
from twinning.profiles.filters import FILTER_PARAMETERS, MAX_PAGE, MAX_QUERY_LENGTH, listed_values
from twinning.reference import taxonomy

_FILTER_DESCRIPTIONS = {
    "kind": "Organisation kind.",
    "country": "ISO 3166-1 alpha-2 country code.",
    "province": "Province code or any spelling of it (Moroccan provinces), or the text as written.",
    "sector": "Sector code.",
    "need": "Capability code the organisation needs.",
    "offer": "Capability code the organisation offers.",
    "language": "ISO 639-1 working language.",
    "q": "Search text in any platform language; every word must match.",
}


def _string_list(**extra: Any) -> dict[str, Any]:
    return {"type": "array", "items": {"type": "string", **extra}}


def _nullable(schema_type: str, **extra: Any) -> dict[str, Any]:
    return {"type": [schema_type, "null"], **extra}


LANGUAGE_PATTERN = "^[a-z]{2}$"
# Every profile has these, whatever the file it came from said.
ALWAYS_PRESENT = frozenset({"status", "slug"})
_JSON_TYPES = {FieldKind.INTEGER: "integer", FieldKind.NUMBER: "number"}
_FORMATS = {FieldKind.EMAIL: "email", FieldKind.URL: "uri"}
_PATTERNS = {FieldKind.COUNTRY: "^[A-Z]{2}$", FieldKind.LANGUAGE: LANGUAGE_PATTERN}


def _field_schema(field: ProfileField) -> dict[str, Any]:
    """The JSON schema of one declared profile field, as the API writes it."""
    kind = field.kind
    if kind == FieldKind.CODES:
        return _string_list(enum=sorted(taxonomy.codes(field.taxonomy)))
    if kind == FieldKind.LANGUAGES:
        return _string_list(pattern=LANGUAGE_PATTERN)
    if kind == FieldKind.TRANSLATIONS:
        return {"type": "array", "items": {
            "type": "object",
            "required": ["lang", "text", "origin"],
            "properties": {
                "lang": {"type": "string", "pattern": LANGUAGE_PATTERN},
                "text": {"type": "string", "maxLength": field.max_length},
                "origin": {"type": "string", "enum": [origin.value for origin in TextOrigin]},
            },
        }}
    schema: dict[str, Any] = {"type": _JSON_TYPES.get(kind, "string")}
    if field.max_length is not None:
        schema["maxLength"] = field.max_length
    if field.minimum is not None:
        schema["minimum"] = field.minimum
    if field.upper_bound() is not None:
        schema["maximum"] = field.upper_bound()
    if kind == FieldKind.CHOICE:
        schema["enum"] = [member.value for member in field.choices]
    if kind in _FORMATS:
        schema["format"] = _FORMATS[kind]
    if kind in _PATTERNS:
        schema["pattern"] = _PATTERNS[kind]
    if field.contact:
        schema["description"] = "Always null here: contact details are shown only on the " \
                                "site, to signed-in users with a confirmed address."
    if not (field.required or field.name in ALWAYS_PRESENT):
        schema["type"] = [schema["type"], "null"]
    return schema


def _profile_schema() -> dict[str, Any]:
    properties = {field.name: _field_schema(field) for field in FIELDS}
    properties["inferred"] = _tag_lists()
    return {"type": "object", "required": list(properties), "properties": properties}


def _partnership_schema() -> dict[str, Any]:
    """The partner in interchange fields, with the exchange's purpose, date and state."""
    properties = {field.name: _field_schema(field) for field in FIELDS}
    properties.update({
        "purpose": {"type": "string", "enum": [purpose.value for purpose in Purpose]},
        "since": {"type": "string", "format": "date"},
        "state": {"type": "string", "enum": sorted(PARTNERSHIP_STATES)},
    })
    return {"type": "object", "required": list(properties), "properties": properties}


def _tag_lists() -> dict[str, Any]:
    sectors = sorted(taxonomy.codes(taxonomy.SECTOR))
    capabilities = sorted(taxonomy.codes(taxonomy.CAPABILITY))
    return {
        "type": "object",
        "required": ["sectors", "needs", "offers"],
        "properties": {"sectors": _string_list(enum=sectors),
                       "needs": _string_list(enum=capabilities),
                       "offers": _string_list(enum=capabilities)},
    }


def _match_schema() -> dict[str, Any]:
    return {
        "type": "object",
        "required": ["external_id", "slug", "name", "kind", "country", "score", "reasons",
                     "evidence"],
        "properties": {
            "external_id": _nullable("string"),
            "slug": {"type": "string"},
            "name": {"type": "string"},
            "kind": {"type": "string", "enum": [kind.value for kind in OrganisationKind]},
            "country": {"type": "string"},
            "score": {"type": "number", "minimum": 0, "maximum": 1},
            "reasons": {"type": "array", "items": {
                "type": "object",
                "required": ["kind", "terms"],
                "properties": {"kind": {"type": "string", "enum": list(REASON_KINDS)},
                               "terms": _string_list()},
            }},
            "evidence": {
                "type": "array",
                "description": "The pairs of sentences that say best why they fit, each in "
                               "its own language: the asking profile's, then the partner's.",
                "items": {
                    "type": "object",
                    "required": ["yours", "yours_lang", "theirs", "theirs_lang"],
                    "properties": {"yours": {"type": "string"},
                                   "yours_lang": _nullable("string"),
                                   "theirs": {"type": "string"},
                                   "theirs_lang": _nullable("string")},
                },
            },
        },
    }


def _term_schema() -> dict[str, Any]:
    languages = {"type": "object", "additionalProperties": {"type": "string"}}
    return {
        "type": "object",
        "required": ["code", "labels", "synonyms"],
        "properties": {
            "code": {"type": "string"},
            "labels": languages,
            "synonyms": {"type": "object", "additionalProperties": _string_list()},
        },
    }


# Free text may hold any character but NUL, which no request may carry.
_NO_NUL = "^[^\u0000]*$"
_SLUG_PARAMETER = {"name": "slug", "in": "path", "required": True,
                   "schema": {"type": "string", "pattern": _NO_NUL}}


def _filter_schema(name: str, listed: dict[str, list[str]]) -> dict[str, Any]:
    """A code parameter takes its listed values only; q and province are free text."""
    if name in listed:
        return {"type": "string", "enum": listed[name]}
    schema: dict[str, Any] = {"type": "string", "pattern": _NO_NUL}
    if name == "q":
        schema["maxLength"] = MAX_QUERY_LENGTH
    return schema


def _json(schema_ref: str, description: str) -> dict[str, Any]:
    return {
        "description": description,
        "content": {"application/json": {"schema": {"$ref": f"#/components/schemas/{schema_ref}"}}},
    }


def openapi_document(max_per_page: int) -> dict[str, Any]:
    error = _json("Error", "Error")
    listed = listed_values()
    filters = [
        {"name": name, "in": "query", "required": False,
         "description": _FILTER_DESCRIPTIONS[name], "schema": _filter_schema(name, listed)}
        for name in FILTER_PARAMETERS
    ]
    paging = [
        {"name": "page", "in": "query", "required": False,
         "schema": {"type": "integer", "minimum": 1, "maximum": MAX_PAGE, "default": 1},
         "description": "A page after the last one is empty; its total still counts all."},
        {"name": "per_page", "in": "query", "required": False,
         "schema": {"type": "integer", "minimum": 1, "maximum": max_per_page, "default": 20}},
        {"name": "sort", "in": "query", "required": False,
         "description": "Order of the results: relevance (the default with q; a match in "
                        "the name first, then in the given codes, then in the codes read "
                        "from the text, then in the text), name (the default without q), "
                        "or recent.",
         "schema": {"type": "string", "enum": listed["sort"]}},
    ]
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Twinning Oriental API",
            "version": "1.0.0",
            "description": "Read-only access to the published profiles and the taxonomy.",
        },
        "servers": [{"url": "/api/v1"}],
        "paths": {
            "/profiles": {"get": {
                "operationId": "listProfiles",
                "summary": "Published profiles, filtered and paginated",
                "parameters": filters + paging,
                "responses": {"200": _json("ProfilePage", "A page of profiles"), "400": error},
            }},
            "/profiles/{slug}": {"get": {
                "operationId": "getProfile",
                "summary": "One published profile",
                "parameters": [_SLUG_PARAMETER],
                "responses": {"200": _json("Profile", "The profile"), "400": error,
                              "404": error},
            }},
            "/profiles/{slug}/matches": {"get": {
                "operationId": "getMatches",
                "summary": "Suggested partners for a profile, best first, with reasons",
                "parameters": [
                    _SLUG_PARAMETER,
                    {"name": "limit", "in": "query", "required": False,
                     "schema": {"type": "integer", "minimum": 1, "maximum": max_per_page,
                                "default": 10}},
                    {"name": "mode", "in": "query", "required": False,
                     "description": "cross: Oriental ↔ Europe (default); peer: same side; "
                                    "any: both.",
                     "schema": {"type": "string", "enum": listed["mode"], "default": CROSS}},
                ],
                "responses": {"200": _json("MatchList", "Suggested partners"),
                              "400": error, "404": error},
            }},
            "/profiles/{slug}/partnerships": {"get": {
                "operationId": "getPartnerships",
                "summary": "Organisations the profile has accepted an exchange with",
                "parameters": [_SLUG_PARAMETER],
                "responses": {"200": _json("PartnershipList", "Partnerships, newest first"),
                              "400": error, "404": error},
            }},
            "/taxonomy": {"get": {
                "operationId": "getTaxonomy",
                "summary": "Sector and capability codes with labels and synonyms",
                "responses": {"200": _json("Taxonomy", "The taxonomy")},
            }},
            "/openapi.json": {"get": {
                "operationId": "getOpenAPI",
                "summary": "This document",
                "responses": {"200": {"description": "OpenAPI 3 document",
                                      "content": {"application/json": {"schema": {
                                          "type": "object"}}}}},
            }},
        },
        "components": {"schemas": {
            "Profile": _profile_schema(),
            "ProfilePage": {
                "type": "object",
                "required": ["items", "total", "page", "per_page"],
                "properties": {
                    "items": {"type": "array", "items": {"$ref": "#/components/schemas/Profile"}},
                    "total": {"type": "integer", "minimum": 0},
                    "page": {"type": "integer", "minimum": 1},
                    "per_page": {"type": "integer", "minimum": 1, "maximum": max_per_page},
                },
            },
            "Partnership": _partnership_schema(),
            "PartnershipList": {
                "type": "object",
                "required": ["items"],
                "properties": {"items": {"type": "array",
                                         "items": {"$ref": "#/components/schemas/Partnership"}}},
            },
            "Match": _match_schema(),
            "MatchList": {
                "type": "object",
                "required": ["items"],
                "properties": {"items": {"type": "array",
                                         "items": {"$ref": "#/components/schemas/Match"}}},
            },
            "Term": _term_schema(),
            "Taxonomy": {
                "type": "object",
                "required": ["sectors", "capabilities"],
                "properties": {
                    "sectors": {"type": "array", "items": {"$ref": "#/components/schemas/Term"}},
                    "capabilities": {"type": "array",
                                     "items": {"$ref": "#/components/schemas/Term"}},
                },
            },
            "Error": {
                "type": "object",
                "required": ["error"],
                "properties": {"error": {
                    "type": "object",
                    "required": ["status", "message"],
                    "properties": {
                        "status": {"type": "integer"},
                        "message": {"type": "string"},
                        "parameter": {"type": "string"},
                    },
                }},
            },
        }},
    }
