"""The input that once answered 500, each kept as an example: page numbers past any
integer, ids past PostgreSQL's, NUL characters, bodies too large, methods not allowed."""

from __future__ import annotations

import pytest
from site_helpers import signed_in, submit

from twinning.profiles.filters import MAX_PAGE

HUGE = "99999999999999999999"


@pytest.mark.parametrize("page", [HUGE, str(MAX_PAGE + 1), "9" * 5000, "²", "-1", "0"])
def test_impossible_pages_are_a_400_on_the_site_and_the_api(client, page):
    api = client.get(f"/api/v1/profiles?page={page}")
    assert api.status_code == 400
    assert api.get_json()["error"]["parameter"] == "page"
    site = client.get(f"/en/profiles/?page={page}")
    assert site.status_code == 400
    assert "page must be" in site.text


def test_a_page_after_the_last_is_empty_with_a_way_back(client, demo_profile):
    api = client.get(f"/api/v1/profiles?page={MAX_PAGE}").get_json()
    assert (api["items"], api["total"], api["page"]) == ([], 1, MAX_PAGE)
    site = client.get("/en/profiles/?page=7")
    assert site.status_code == 200
    assert "1 organisation found" in site.text
    assert 'rel="prev" href="/en/profiles/?page=1"' in site.text


@pytest.mark.parametrize("url", ["/fr/exchanges/2147483648", f"/fr/exchanges/{HUGE}",
                                 "/fr/exchanges/0", "/fr/notifications/2147483648/open"])
def test_ids_beyond_the_databases_integers_are_404(app, url):
    client = signed_in(app, "amina@example.org")
    assert client.get(url).status_code in (404, 405)
    assert client.post(url).status_code in (400, 404, 405)


@pytest.mark.parametrize("url", ["/en/profiles/?q=miel%00", "/en/profiles/%00",
                                 "/api/v1/profiles?province=%00", "/api/v1/profiles/a%00b"])
def test_a_nul_character_is_a_400_that_says_so(client, url):
    response = client.get(url, headers={"Accept-Language": "en"})  # the API's language
    assert response.status_code == 400
    assert "NUL character" in (response.get_json()["error"]["message"] if response.is_json
                               else response.text)


def test_a_nul_character_in_a_form_is_a_400_and_nothing_is_kept(app):
    client = signed_in(app, "amina@example.org")
    response = submit(client, "/en/account/settings", {"name": "Ami\x00na", "lang": "en"})
    assert response.status_code == 400
    assert "NUL character" in response.text


def test_a_body_too_large_gets_a_translated_413_page(client):
    response = client.post("/fr/account/login", data={"email": "x" * 3_000_000})
    assert response.status_code == 413
    assert 'lang="fr"' in response.text
    assert "413" in response.text


def test_a_method_not_allowed_says_which_are(client):
    for url in ("/api/v1/profiles", "/api/v1/taxonomy", "/fr/profiles/"):
        response = client.open(url, method="TRACE")
        assert response.status_code == 405
        assert set(response.headers["Allow"].replace(" ", "").split(",")) >= {"GET", "HEAD"}
