"""``/api/v1``: profiles, filters, paging, errors and the OpenAPI document."""

from __future__ import annotations

import jsonschema
import pytest
from openapi_spec_validator import validate

from twinning.profiles.fields import FIELD_NAMES


@pytest.fixture
def api(shared_demo_app):
    """Read-only requests share one app with the demo data."""
    return shared_demo_app.test_client()


def _schema(document: dict, name: str) -> dict:
    """A component schema with the document's components, so $refs resolve."""
    return {**document["components"]["schemas"][name], "components": document["components"]}


def test_list_profiles_pages_through_all_published(api):
    first = api.get("/api/v1/profiles?per_page=100").get_json()
    assert first["total"] >= 150
    assert first["page"] == 1 and first["per_page"] == 100
    assert len(first["items"]) == 100
    second = api.get("/api/v1/profiles?per_page=100&page=2").get_json()
    slugs = {item["slug"] for item in first["items"] + second["items"]}
    assert len(slugs) == first["total"]


def test_items_use_the_interchange_field_names_and_slug(api):
    item = api.get("/api/v1/profiles?per_page=1").get_json()["items"][0]
    assert list(item) == [*FIELD_NAMES, "inferred"]


@pytest.mark.parametrize(
    ("query", "check"),
    [
        ("kind=cooperative", lambda item: item["kind"] == "cooperative"),
        ("country=ES", lambda item: item["country"] == "ES"),
        ("province=berkane", lambda item: item["province"] == "berkane"),
        ("province=الناظور", lambda item: item["province"] == "nador"),
        ("province=Wajda", lambda item: item["province"] == "oujda-angad"),
        ("sector=honey", lambda item: "honey" in item["sectors"]),
        ("need=packaging", lambda item: "packaging" in item["needs"]),
        ("offer=packaging", lambda item: "packaging" in item["offers"]),
        ("language=ar", lambda item: "ar" in item["languages"]),
    ],
)
def test_filters(api, query, check):
    body = api.get(f"/api/v1/profiles?per_page=100&{query}").get_json()
    assert body["total"] > 0
    assert all(check(item) for item in body["items"])


def test_search_in_arabic_finds_honey_profiles_written_in_other_languages(api):
    body = api.get("/api/v1/profiles?per_page=100&q=عسل").get_json()
    languages = {item["description_lang"] for item in body["items"]}
    assert {"fr", "ar"} <= languages or {"es", "ar"} <= languages


def test_search_ignores_arabic_spelling_variants(api):
    plain = api.get("/api/v1/profiles?per_page=100&q=تعاونية").get_json()["total"]
    variant = api.get("/api/v1/profiles?per_page=100&q=التعاونيّه").get_json()["total"]
    assert plain == variant > 0


def test_filters_combine(api):
    both = api.get("/api/v1/profiles?country=MA&sector=honey&per_page=100").get_json()
    assert both["total"] > 0
    assert all(item["country"] == "MA" and "honey" in item["sectors"] for item in both["items"])


@pytest.mark.parametrize(
    ("query", "parameter"),
    [
        ("per_page=101", "per_page"),
        ("per_page=0", "per_page"),
        ("page=-1", "page"),
        ("page=two", "page"),
        ("kind=company", "kind"),
        ("country=XX", "country"),
        ("sector=gold", "sector"),
        ("need=honey", "need"),
        ("language=klingon", "language"),
        ("colour=blue", "colour"),
        ("q=" + "x" * 201, "q"),
        # The API takes exactly the values its description lists (the pages forgive more).
        ("country=es", "country"),
        ("kind=", "kind"),
        ("sort=", "sort"),
        ("sector=%20honey", "sector"),
        ("page=99999999999999999999", "page"),
        ("page=100001", "page"),
        ("page=%C2%B2", "page"),
        ("page=" + "9" * 5000, "page"),
        ("page=", "page"),
        ("per_page=", "per_page"),
    ],
)
def test_bad_parameters_are_400_naming_the_parameter(api, query, parameter):
    response = api.get(f"/api/v1/profiles?{query}")
    assert response.status_code == 400
    assert response.is_json
    assert response.get_json()["error"]["parameter"] == parameter


def test_profile_by_slug_and_404(api):
    slug = api.get("/api/v1/profiles?per_page=1").get_json()["items"][0]["slug"]
    assert api.get(f"/api/v1/profiles/{slug}").get_json()["slug"] == slug
    missing = api.get("/api/v1/profiles/no-such-profile")
    assert missing.status_code == 404 and missing.get_json()["error"]["status"] == 404
    unknown_route = api.get("/api/v1/nowhere")
    assert unknown_route.status_code == 404 and unknown_route.is_json


def test_unpublished_profiles_are_not_served(app, runner, tmp_path):
    source = tmp_path / "draft.jsonl"
    source.write_text('{"external_id": "d", "name": "Brouillon", "kind": "association", '
                      '"country": "FR", "status": "draft"}\n', encoding="utf-8")
    assert runner.invoke(args=["twinning", "import", str(source)]).exit_code == 0
    client = app.test_client()
    assert client.get("/api/v1/profiles").get_json()["total"] == 0
    assert client.get("/api/v1/profiles/brouillon").status_code == 404


def test_taxonomy(api):
    body = api.get("/api/v1/taxonomy").get_json()
    assert {"honey", "dates", "citrus"} <= {term["code"] for term in body["sectors"]}
    packaging = next(term for term in body["capabilities"] if term["code"] == "packaging")
    assert set(packaging["labels"]) == {"ar", "fr", "en", "es"}


def test_openapi_document_is_valid_and_matches_the_routes(app):
    client = app.test_client()
    document = client.get("/api/v1/openapi.json").get_json()
    validate(document)
    documented = {"/api/v1" + path.replace("{", "<").replace("}", ">")
                  for path in document["paths"]}
    routed = {rule.rule for rule in app.url_map.iter_rules() if rule.rule.startswith("/api/v1")}
    assert documented == routed


def test_responses_match_the_openapi_schemas(api):
    document = api.get("/api/v1/openapi.json").get_json()
    page = api.get("/api/v1/profiles?per_page=100").get_json()
    jsonschema.validate(page, _schema(document, "ProfilePage"))
    one = api.get(f"/api/v1/profiles/{page['items'][0]['slug']}").get_json()
    jsonschema.validate(one, _schema(document, "Profile"))
    jsonschema.validate(api.get("/api/v1/taxonomy").get_json(), _schema(document, "Taxonomy"))
    matches = api.get(f"/api/v1/profiles/{page['items'][0]['slug']}/matches").get_json()
    jsonschema.validate(matches, _schema(document, "MatchList"))
    error = api.get("/api/v1/profiles?per_page=1000").get_json()
    jsonschema.validate(error, _schema(document, "Error"))
    documented_filters = {parameter["name"] for parameter in
                          document["paths"]["/profiles"]["get"]["parameters"]}
    assert documented_filters == {"kind", "country", "province", "sector", "need", "offer",
                                  "language", "q", "page", "per_page", "sort"}
