"""The home page and the language prefix."""

from __future__ import annotations

import html5lib
import pytest


@pytest.mark.parametrize(("lang", "direction"), [("ar", "rtl"), ("fr", "ltr"), ("en", "ltr"),
                                                  ("es", "ltr")])
def test_home_page_sets_language_and_direction(client, lang, direction):
    response = client.get(f"/{lang}/")
    assert response.status_code == 200
    assert f'<html lang="{lang}" dir="{direction}">' in response.text


def test_home_page_is_valid_html(demo_app):
    response = demo_app.test_client().get("/ar/")
    html5lib.HTMLParser(strict=True).parse(response.data)


@pytest.mark.parametrize(
    ("accept", "target"),
    [("ar-MA,ar;q=0.9", "/ar/"), ("es-ES,es;q=0.9,en;q=0.5", "/es/"), ("de-DE", "/fr/"),
     ("", "/fr/")],
)
def test_root_redirects_by_accept_language(client, accept, target):
    response = client.get("/", headers={"Accept-Language": accept} if accept else {})
    assert response.status_code == 302
    assert response.headers["Location"] == target


def test_chosen_language_is_remembered(client):
    client.get("/es/")
    response = client.get("/", headers={"Accept-Language": "ar"})
    assert response.headers["Location"] == "/es/"


def test_home_counts_use_moroccan_latin_digits_in_arabic(demo_app):
    text = demo_app.test_client().get("/ar/").text
    assert "<strong>1" in text  # ≥ 150 organisations, in Latin digits
    assert "١" not in text
