"""The site in a real browser: direction, cross-language search, filters, language switcher,
suggested partners, accessibility (axe-core), screenshots, small screens, no JavaScript."""

from __future__ import annotations

import json
import re
from typing import Any
from urllib.parse import parse_qs, quote, unquote, urlencode, urlsplit
from urllib.request import urlopen

import pytest

HONEY = "عسل"
ARABIC_LETTER = re.compile(r"[\u0600-\u06FF\u0750-\u077F\u08A0-\u08FF]")
BLOCKING_IMPACTS = {"serious", "critical"}


@pytest.fixture(scope="session")
def arabic_profile(live_server) -> str:
    """The slug of a Moroccan honey cooperative whose description is written in Arabic."""
    query = urlencode({"country": "MA", "q": HONEY, "per_page": 50})
    with urlopen(f"{live_server}/api/v1/profiles?{query}", timeout=30) as response:
        items = json.load(response)["items"]
    slugs = [item["slug"] for item in items if item["description_lang"] == "ar"]
    assert slugs, f"the demo data has no Arabic-described honey cooperative: {items}"
    return slugs[0]


def profile_path(lang: str, slug: str) -> str:
    return f"/{lang}/profiles/{quote(slug)}"


def result_count(page) -> int:
    """The number in «N organisations found» (Latin digits in every language)."""
    text = page.locator("p.result-count").inner_text()
    digits = re.sub(r"\D", "", text)
    assert digits, f"no number in the result count {text!r}"
    return int(digits)


def query_of(url: str) -> dict[str, list[str]]:
    return parse_qs(urlsplit(url).query)


def path_of(url: str) -> str:
    return unquote(urlsplit(url).path)


def assert_cross_language_results(page) -> None:
    assert result_count(page) > 0
    other_languages = page.locator(".card-list .card-text[lang=fr], .card-list .card-text[lang=es]")
    assert other_languages.count() >= 1, (
        "no French or Spanish description among the results of an Arabic search: "
        + ", ".join(str(page.locator(".card-list .card-text").evaluate_all(
            "nodes => nodes.map(node => node.lang)")))
    )


def describe_violations(violations: list[dict[str, Any]]) -> str:
    """One readable block per violation: rule, impact, help, and the offending nodes."""
    lines = []
    for violation in violations:
        lines.append(f"- [{violation['impact']}] {violation['id']}: {violation['help']}"
                     f" ({violation['helpUrl']})")
        for node in violation["nodes"][:10]:
            lines.append(f"    {json.dumps(node['target'], ensure_ascii=False)}: "
                         f"{node['html'][:200]}")
            summary = (node.get("failureSummary") or "").replace("\n", " ")
            if summary:
                lines.append(f"      {summary[:400]}")
        if len(violation["nodes"]) > 10:
            lines.append(f"    … and {len(violation['nodes']) - 10} more")
    return "\n".join(lines)


# --- direction and language ----------------------------------------------------------------

def test_arabic_home_is_right_to_left(page):
    page.goto("/ar/")
    html = page.locator("html")
    assert html.get_attribute("dir") == "rtl"
    assert html.get_attribute("lang") == "ar"
    assert page.evaluate("getComputedStyle(document.body).direction") == "rtl"


def test_french_home_is_left_to_right(page):
    page.goto("/fr/")
    html = page.locator("html")
    assert (html.get_attribute("lang"), html.get_attribute("dir")) == ("fr", "ltr")
    assert page.evaluate("getComputedStyle(document.body).direction") == "ltr"


# --- search --------------------------------------------------------------------------------

def test_arabic_search_finds_french_or_spanish_profiles(page):
    page.goto(f"/ar/profiles/?q={quote(HONEY)}")
    assert page.locator("input#q").input_value() == HONEY
    assert_cross_language_results(page)


def test_search_from_the_home_page_with_the_keyboard(page, live_server):
    page.goto("/ar/")
    box = page.locator("#home-q")
    box.click()
    page.keyboard.type(HONEY)
    page.keyboard.press("Enter")
    page.wait_for_url(lambda url: path_of(url) == "/ar/profiles/")
    assert query_of(page.url)["q"] == [HONEY]
    assert page.locator("html").get_attribute("lang") == "ar"
    assert_cross_language_results(page)


# --- filters and profiles ------------------------------------------------------------------

def filter_by_province(page, province: str) -> tuple[int, int]:
    """Choose a province in the directory's form and submit it; the counts before and after."""
    page.goto("/fr/profiles/")
    before = result_count(page)
    page.locator("select#province").select_option(province)
    page.locator("form.filters button[type=submit]").click()
    page.wait_for_url(lambda url: query_of(url).get("province") == [province])
    return before, result_count(page)


def test_filter_by_province(page):
    before, after = filter_by_province(page, "nador")
    assert 0 < after < before, f"{before} organisations, then {after} in Nador"
    assert page.locator("select#province").input_value() == "nador"
    assert page.locator(".card-list article.card").count() == min(after, 20)


def test_open_a_profile_from_the_results(page):
    filter_by_province(page, "nador")
    link = page.locator(".card-list article.card .card-title a").first
    name = link.inner_text().strip()
    href = link.get_attribute("href")
    link.click()
    page.wait_for_url(lambda url: path_of(url) == unquote(href))
    assert path_of(page.url).startswith("/fr/profiles/")
    assert page.locator("h1").inner_text().strip() == name


def test_arabic_profile_suggests_partners_with_arabic_reasons(page, arabic_profile):
    page.goto(profile_path("ar", arabic_profile))
    suggestions = page.locator("ol.suggestions li.suggestion")
    assert suggestions.count() >= 1, "no suggested partner on the Arabic profile page"
    reasons = page.locator("ol.suggestions .reasons li").all_inner_texts()
    assert reasons, "the suggested partners come without reasons"
    not_arabic = [reason for reason in reasons if not ARABIC_LETTER.search(reason)]
    assert not not_arabic, f"reasons not written in Arabic on /ar/: {not_arabic}"


def test_language_switcher_keeps_the_profile(page, arabic_profile):
    page.goto(profile_path("ar", arabic_profile))
    page.locator("nav.language-nav a[hreflang=fr]").click()
    page.wait_for_url(lambda url: path_of(url).startswith("/fr/"))
    assert path_of(page.url) == f"/fr/profiles/{arabic_profile}"
    html = page.locator("html")
    assert (html.get_attribute("lang"), html.get_attribute("dir")) == ("fr", "ltr")


def test_language_switcher_keeps_the_directory_query(page):
    page.goto(f"/ar/profiles/?{urlencode({'q': HONEY, 'province': 'berkane'})}")
    before = result_count(page)
    page.locator("nav.language-nav a[hreflang=fr]").click()
    page.wait_for_url(lambda url: path_of(url).startswith("/fr/"))
    assert path_of(page.url) == "/fr/profiles/"
    assert query_of(page.url) == {"q": [HONEY], "province": ["berkane"]}
    assert page.locator("input#q").input_value() == HONEY
    assert page.locator("select#province").input_value() == "berkane"
    assert result_count(page) == before


# --- accessibility -------------------------------------------------------------------------

@pytest.mark.parametrize("lang", ["ar", "fr"])
@pytest.mark.parametrize("which", ["home", "directory", "profile"])
def test_no_serious_accessibility_violations(page, run_axe, arabic_profile, lang, which):
    path = {"home": f"/{lang}/", "directory": f"/{lang}/profiles/",
            "profile": profile_path(lang, arabic_profile)}[which]
    page.goto(path)
    violations = run_axe(page)
    blocking = [violation for violation in violations
                if violation["impact"] in BLOCKING_IMPACTS]
    others = [violation for violation in violations if violation not in blocking]
    if others:
        print(f"axe on {path}, below serious:\n{describe_violations(others)}")
    assert not blocking, f"axe on {path}:\n{describe_violations(blocking)}"


# --- screenshots and small screens ---------------------------------------------------------

def test_screenshots(new_page, screenshots, arabic_profile):
    shots = {
        "ar-home.png": (1280, "/ar/"),
        "ar-profile.png": (1280, profile_path("ar", arabic_profile)),
        "fr-home.png": (1280, "/fr/"),
        "fr-directory.png": (1280, "/fr/profiles/"),
        "ar-directory-mobile-375.png": (375, "/ar/profiles/"),
    }
    for name, (width, path) in shots.items():
        page = new_page(width=width, height=900 if width > 600 else 812)
        page.goto(path)
        target = screenshots / name
        target.unlink(missing_ok=True)
        page.screenshot(path=str(target), full_page=True)
        assert target.stat().st_size > 0


@pytest.mark.parametrize("lang", ["ar", "fr"])
@pytest.mark.parametrize("which", ["home", "directory", "profile"])
def test_no_horizontal_scroll_at_360_px(new_page, arabic_profile, lang, which):
    path = {"home": f"/{lang}/", "directory": f"/{lang}/profiles/",
            "profile": profile_path(lang, arabic_profile)}[which]
    page = new_page(width=360, height=740)
    page.goto(path)
    width = page.evaluate("document.documentElement.scrollWidth")
    if width > 360:
        wide = page.evaluate("""() => [...document.querySelectorAll('body *')]
            .filter(node => { const box = node.getBoundingClientRect();
                              return box.width > 0 && (box.right > 360.5 || box.left < -0.5); })
            .slice(0, 8)
            .map(node => node.tagName.toLowerCase()
                 + (node.id ? '#' + node.id : '')
                 + (node.className && typeof node.className === 'string'
                    ? '.' + node.className.trim().split(/\\s+/).join('.') : '')
                 + ' [' + Math.round(node.getBoundingClientRect().left) + ', '
                 + Math.round(node.getBoundingClientRect().right) + ']')""")
        pytest.fail(f"{path} scrolls sideways at 360 px: scrollWidth {width}; "
                    f"boxes outside the viewport: {wide}", pytrace=False)


# --- without JavaScript --------------------------------------------------------------------

def test_province_filter_works_without_javascript(new_page):
    page = new_page(javascript=False)
    before, after = filter_by_province(page, "nador")
    assert 0 < after < before
    assert page.locator(".card-list article.card").count() > 0
