"""``/api/v1/profiles/<slug>/matches`` and the ``inferred`` codes of a profile."""

from __future__ import annotations

import json

import pytest


@pytest.fixture
def api(shared_demo_app):
    """Read-only requests share one app with the demo data."""
    return shared_demo_app.test_client()


def _slug(api, external_id: str) -> str:
    items = api.get("/api/v1/profiles?per_page=100&country=MA").get_json()["items"]
    items += api.get("/api/v1/profiles?per_page=100&country=MA&page=2").get_json()["items"]
    return next(item["slug"] for item in items if item["external_id"] == external_id)


def test_matches_are_ranked_explained_and_cross_the_mediterranean(api):
    slug = _slug(api, "demo-ma-010")  # a honey cooperative of Bni Drar
    body = api.get(f"/api/v1/profiles/{slug}/matches?limit=5").get_json()
    items = body["items"]
    assert len(items) == 5
    assert [item["score"] for item in items] == sorted((item["score"] for item in items),
                                                       reverse=True)
    assert all(item["country"] != "MA" for item in items)
    assert all(0 <= item["score"] <= 1 for item in items)
    assert set(items[0]) == {"external_id", "slug", "name", "kind", "country", "score",
                             "reasons", "evidence"}
    assert items[0]["reasons"][0]["kind"] == "they_offer_what_you_need"
    assert {"kind", "terms"} == set(items[0]["reasons"][0])


def test_a_commune_is_not_offered_cooperatives(api):
    slug = _slug(api, "demo-ma-001")  # the commune of Oujda
    items = api.get(f"/api/v1/profiles/{slug}/matches?limit=20").get_json()["items"]
    assert items
    assert all(item["kind"] not in {"cooperative", "fair_trade"} for item in items)
    assert items[0]["kind"] == "local_authority"


def test_peer_mode_stays_on_the_same_side(api):
    slug = _slug(api, "demo-ma-010")
    items = api.get(f"/api/v1/profiles/{slug}/matches?mode=peer").get_json()["items"]
    assert items and all(item["country"] == "MA" for item in items)


@pytest.mark.parametrize(("query", "parameter"), [("limit=0", "limit"), ("limit=101", "limit"),
                                                  ("mode=sideways", "mode"),
                                                  ("colour=red", "colour")])
def test_bad_match_parameters(api, query, parameter):
    slug = _slug(api, "demo-ma-010")
    response = api.get(f"/api/v1/profiles/{slug}/matches?{query}")
    assert response.status_code == 400
    assert response.get_json()["error"]["parameter"] == parameter


def test_matches_of_an_unknown_profile_is_404(api):
    assert api.get("/api/v1/profiles/nobody/matches").status_code == 404


def test_profile_json_carries_what_the_model_reads(api):
    slug = _slug(api, "demo-ma-010")
    inferred = api.get(f"/api/v1/profiles/{slug}").get_json()["inferred"]
    assert set(inferred) == {"sectors", "needs", "offers"}
    assert "honey" in inferred["sectors"]


def test_cli_matches_prints_only_json(shared_demo_app):
    runner = shared_demo_app.test_cli_runner()
    result = runner.invoke(args=["twinning", "matches", "demo-ma-010", "--limit", "3"])
    assert result.exit_code == 0, result.output
    rows = json.loads(result.stdout)
    assert len(rows) == 3
    assert rows[0]["external_id"].startswith("demo-eu-")
    table = runner.invoke(args=["twinning", "matches", "demo-ma-010", "--format", "table"])
    assert "they_offer_what_you_need" in table.output


def test_cli_matches_unknown_reference(shared_demo_app):
    runner = shared_demo_app.test_cli_runner()
    result = runner.invoke(args=["twinning", "matches", "no-such-thing"])
    assert result.exit_code != 0


def test_each_match_quotes_its_evidence_in_both_languages(api):
    slug = _slug(api, "demo-ma-010")
    items = api.get(f"/api/v1/profiles/{slug}/matches?limit=3").get_json()["items"]
    evidence = [pair for item in items for pair in item["evidence"]]
    assert evidence, items
    for pair in evidence:
        assert set(pair) == {"yours", "yours_lang", "theirs", "theirs_lang"}
        assert pair["yours_lang"] == "ar" and pair["theirs_lang"] in {"fr", "es", "en"}
    page = api.get(f"/fr/profiles/{slug}").text
    assert 'class="evidence-pair"' in page and evidence[0]["theirs"] in page
