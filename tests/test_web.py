"""The pages: every language, right-to-left Arabic, valid HTML, search across languages."""

from __future__ import annotations

import re
from datetime import date

import html5lib
import pytest
from flask_babel import format_date

LANGUAGES = ("ar", "fr", "en", "es")
PAGES = ("/", "/profiles/", "/profiles/?q=miel&sort=recent", "/sectors/", "/sectors/honey",
         "/places/", "/provinces/nador", "/provinces/saidia", "/countries/ES",
         "/territories/figuig", "/about", "/map")


@pytest.fixture
def site(shared_demo_app):
    return shared_demo_app.test_client()


def _profile_slug(site, external_id: str) -> str:
    for page in (1, 2):
        for item in site.get(f"/api/v1/profiles?per_page=100&page={page}").get_json()["items"]:
            if item["external_id"] == external_id:
                return item["slug"]
    raise AssertionError(external_id)


def _html(response) -> str:
    assert response.status_code == 200, response.status_code
    html5lib.HTMLParser(strict=True).parse(response.data)
    return response.text


@pytest.mark.parametrize("lang", LANGUAGES)
@pytest.mark.parametrize("page", PAGES)
def test_every_page_in_every_language_is_valid_html(site, lang, page):
    text = _html(site.get(f"/{lang}{page}"))
    direction = "rtl" if lang == "ar" else "ltr"
    assert f'<html lang="{lang}" dir="{direction}">' in text


@pytest.mark.parametrize("lang", LANGUAGES)
def test_profile_page_shows_suggested_partners_with_reasons(site, lang):
    slug = _profile_slug(site, "demo-ma-010")
    text = _html(site.get(f"/{lang}/profiles/{slug}"))
    assert 'class="suggestions"' in text
    assert text.count('class="reason ') >= 3
    assert 'lang="ar" dir="auto"' in text  # the description is tagged with its language


def test_reasons_are_written_in_the_page_language(site):
    slug = _profile_slug(site, "demo-ma-010")
    arabic = site.get(f"/ar/profiles/{slug}").text
    reasons = re.findall(r'<li class="reason reason-[a-z_]+">([^<]+)</li>', arabic)
    assert reasons and all(re.search("[\u0600-\u06ff]", reason) for reason in reasons)
    french = site.get(f"/fr/profiles/{slug}").text
    assert "Ils proposent ce dont vous avez besoin" in french
    assert "Langue de travail commune" in french


def test_sectors_needs_and_offers_link_to_the_filtered_directory(site):
    slug = _profile_slug(site, "demo-ma-010")
    text = site.get(f"/fr/profiles/{slug}").text
    assert "/fr/profiles/?sector=honey" in text
    assert "/fr/profiles/?need=packaging" in text


def test_language_switcher_keeps_the_page_and_its_query(site):
    text = site.get("/fr/profiles/?q=miel&province=berkane").text
    links = re.findall(r'<a href="([^"]+)" hreflang="ar"', text)
    assert links and links[0].startswith("/ar/profiles/?")
    assert "q=miel" in links[0] and "province=berkane" in links[0]


def test_arabic_search_finds_profiles_written_in_french_and_spanish(site):
    text = site.get("/ar/profiles/?q=عسل").text
    languages = set(re.findall(r'class="card-text" lang="([a-z]{2})"', text))
    assert "ar" in languages
    assert languages & {"fr", "es", "en"}


@pytest.mark.parametrize("variants", [("تعاونية", "التعاونيّة", "تعاونيه"),
                                      ("وجدة", "Oujda", "Wajda"),
                                      ("الناظور", "الناضور", "Nador")])
def test_spelling_variants_give_the_same_results(site, variants):
    counts = {re.search(r'class="result-count"[^>]*>([^<]+)<',
                        site.get(f"/fr/profiles/?q={variant}").text).group(1)
              for variant in variants}
    assert len(counts) == 1
    assert not counts.pop().startswith("0")


def test_directory_filters_and_paginates(site):
    first = site.get("/en/profiles/?province=nador").text
    assert re.search(r"1[0-9] organisations found", first)
    all_pages = site.get("/en/profiles/").text
    assert 'rel="next"' in all_pages
    second = site.get("/en/profiles/?page=2").text
    assert 'rel="prev"' in second


@pytest.mark.parametrize(("url", "status"), [("/fr/nowhere", 404), ("/ar/profiles/nobody", 404),
                                             ("/es/profiles/?kind=company", 400),
                                             ("/en/profiles/?page=zero", 400),
                                             ("/fr/sectors/gold", 404)])
def test_error_pages_are_translated_pages(site, url, status):
    response = site.get(url)
    assert response.status_code == status
    assert response.mimetype == "text/html"
    lang = url.split("/")[1]
    assert f'<html lang="{lang}"' in response.text
    html5lib.HTMLParser(strict=True).parse(response.data)


def test_a_bad_filter_says_which_one_and_why(site):
    text = site.get("/fr/profiles/?kind=company").text
    assert "kind: " in text and "company" in text


def test_error_pages_speak_the_language_of_the_address(site):
    assert "Cette page n" in site.get("/fr/nowhere").text
    assert '<html lang="ar" dir="rtl">' in site.get("/ar/nowhere/at/all").text
    assert '<html lang="es"' in site.get("/es/nowhere", headers={"Accept-Language": "ar"}).text


def test_root_redirects_by_accept_language(client):
    assert client.get("/", headers={"Accept-Language": "ar-MA,ar;q=0.9"}).headers[
        "Location"] == "/ar/"
    assert client.get("/", headers={"Accept-Language": "de-DE"}).headers["Location"] == "/fr/"
    assert client.get("/").headers["Location"] == "/fr/"


def test_chosen_language_is_remembered(client):
    client.get("/es/")
    assert client.get("/", headers={"Accept-Language": "ar"}).headers["Location"] == "/es/"


def test_numbers_and_dates_use_moroccan_arabic(site, shared_demo_app):
    text = site.get("/ar/").text
    assert re.search(r"<strong>1\d\d</strong>", text)
    assert not re.search("[\u0660-\u0669]", text)
    with shared_demo_app.test_request_context("/ar/"):
        shared_demo_app.preprocess_request()
        assert format_date(date(2026, 11, 29), "long") == "29 نونبر 2026"


def test_map_lists_the_organisations_without_javascript(site):
    text = _html(site.get("/fr/map"))
    assert text.count('<li><a href="/fr/profiles/') >= 150
    assert "vendor/leaflet/leaflet.js" in text
    with site.get("/static/vendor/leaflet/leaflet.js") as script:
        assert script.status_code == 200


def test_territory_page_gives_each_organisation_its_partners(site):
    text = _html(site.get("/fr/territories/berkane"))
    assert text.count('class="territory-entry"') >= 8
    assert text.count('class="suggestion"') >= 8


def test_an_unexpected_error_gives_a_translated_500_page_and_json_under_the_api(make_app):
    app = make_app(PROPAGATE_EXCEPTIONS=False)

    def broken():
        raise RuntimeError("boom")

    app.add_url_rule("/ar/broken", "broken", broken)
    app.add_url_rule("/api/v1/broken", "api_broken", broken)
    client = app.test_client()
    page = client.get("/ar/broken")
    assert page.status_code == 500 and page.mimetype == "text/html"
    assert '<html lang="ar" dir="rtl">' in page.text
    api = client.get("/api/v1/broken")
    assert api.status_code == 500 and api.get_json()["error"]["status"] == 500


def test_forbidden_pages_are_translated(make_app):
    from flask import abort

    app = make_app()
    app.add_url_rule("/fr/reserved", "reserved", lambda: abort(403))
    response = app.test_client().get("/fr/reserved")
    assert response.status_code == 403
    assert "403" in response.text and '<html lang="fr"' in response.text
