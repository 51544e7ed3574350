"""The map and the territory dashboard in a real browser: markers inside the map's box at a
sensible zoom, axe-core on the dashboard and on an exchange, and the issue's scenario — a
cooperative asks a suggested French partner in Arabic, the partner accepts in French, both
profiles show the partnership and the province's dashboard counts it."""

from __future__ import annotations

import json
import math
import re
from urllib.parse import quote, urlencode
from urllib.request import urlopen

import pytest
from sqlalchemy import func, select

from twinning.accounts.service import create_user
from twinning.extensions import db
from twinning.models import Exchange, Profile, Role

from .test_accounts import (
    PASSWORD,
    assert_no_blocking_violations,
    log_in,
    path_of,
    unique_email,
)

PROVINCE = "berkane"
TILE = 256  # Leaflet's tile size: at zoom z the world is 256 · 2^z pixels wide
MIN_ZOOM = 3
NAVIGATION_MS = 30_000
REQUEST = "نود زيارة ورشتكم لنتعلم منكم تقنيات التعبئة والتغليف."


def api(live_server: str, path: str, **query) -> dict:
    with urlopen(f"{live_server}/api/v1/{path}?{urlencode(query)}", timeout=30) as response:
        return json.load(response)


def account(live_app, lang: str, *slugs: str) -> str:
    """A confirmed account owning the profiles ``slugs``; returns its address."""
    email = unique_email(f"dashboard-{lang}")
    with live_app.app_context():
        owned = tuple(db.session.scalars(select(Profile).where(Profile.slug.in_(slugs))))
        create_user(email, PASSWORD, name=f"Member {lang}", lang=lang, role=Role.MEMBER,
                    owner_of=owned)
    return email


def partnerships_figure(page, lang: str) -> int:
    page.goto(f"/{lang}/dashboard/{PROVINCE}")
    return int(re.sub(r"\D", "", page.locator("#figure-partnerships strong").inner_text()))


# --- the map -------------------------------------------------------------------------------

def markers_on_the_map(page) -> list[dict]:
    """Every marker icon's box and longitude, once Leaflet has placed them all."""
    expected = page.locator(".map-list a[data-lat]").count()
    assert expected > 0
    page.wait_for_function(
        f"document.querySelectorAll('#map .leaflet-marker-icon').length === {expected}")
    return page.evaluate("""() => {
        const longitudes = {};
        for (const link of document.querySelectorAll('.map-list a[data-lat]')) {
            longitudes[link.textContent.trim()] = +link.dataset.lon;
        }
        return [...document.querySelectorAll('#map .leaflet-marker-icon')].map(icon => {
            const box = icon.getBoundingClientRect();
            return {left: box.left, right: box.right, top: box.top, bottom: box.bottom,
                    lon: longitudes[icon.title]};
        });
    }""")


def zoom_of(markers: list[dict]) -> float:
    """The map's zoom, from the two markers farthest apart in longitude (Web Mercator:
    pixels per degree of longitude = 256 · 2^zoom / 360)."""
    west = min(markers, key=lambda marker: marker["lon"])
    east = max(markers, key=lambda marker: marker["lon"])
    degrees = east["lon"] - west["lon"]
    pixels = (east["left"] + east["right"]) / 2 - (west["left"] + west["right"]) / 2
    assert degrees > 0 and pixels > 0, (west, east)
    return math.log2(pixels * 360 / (TILE * degrees))


@pytest.mark.parametrize("path", ["/fr/map", "/ar/map"])
def test_every_marker_lies_inside_the_map_at_a_sensible_zoom(page, path):
    page.goto(path)
    markers = markers_on_the_map(page)
    box = page.locator("#map").bounding_box()
    assert box["width"] > 300 and box["height"] > 300, box
    outside = [marker for marker in markers
               if marker["left"] < box["x"] - 1 or marker["right"] > box["x"] + box["width"] + 1
               or marker["top"] < box["y"] - 1
               or marker["bottom"] > box["y"] + box["height"] + 1]
    assert not outside, f"{len(outside)} of {len(markers)} markers outside {box}: {outside[:3]}"
    assert zoom_of(markers) >= MIN_ZOOM - 0.01


# --- the dashboard -------------------------------------------------------------------------

@pytest.fixture(scope="session")
def reader(live_app, live_server) -> str:
    """Anybody signed in may read a territory's dashboard."""
    return account(live_app, "fr")


@pytest.mark.parametrize("lang", ["ar", "fr"])
def test_dashboard_has_no_serious_accessibility_violations(new_page, run_axe, reader, lang):
    page = new_page()
    log_in(page, lang, reader, PASSWORD)
    path = f"/{lang}/dashboard/{PROVINCE}"
    page.goto(path)
    assert page.locator("svg.chart[role=img]").count() >= 1
    page.locator("#map .leaflet-marker-icon").first.wait_for()
    assert_no_blocking_violations(page, run_axe, path)


def never_exchanged(live_app, first: str, second: str) -> bool:
    """No past exchange between the two (a recent refusal would forbid asking again)."""
    with live_app.app_context():
        ids = select(Profile.id).where(Profile.slug.in_((first, second)))
        return db.session.scalar(select(func.count(Exchange.id)).where(
            Exchange.requester_id.in_(ids), Exchange.partner_id.in_(ids))) == 0


def suggested_french_partner(live_app, live_server) -> tuple[str, str, str]:
    """(cooperative slug, partner slug, partner name): a cooperative of the province with a
    French organisation among the partners its profile page suggests, and no past
    exchange between the two."""
    cooperatives = api(live_server, "profiles", country="MA", kind="cooperative",
                       province=PROVINCE, per_page=50)["items"]
    for cooperative in cooperatives:
        matches = api(live_server, f"profiles/{quote(cooperative['slug'])}/matches",
                      limit=10)["items"]
        for match in matches:
            if match["country"] == "FR" and never_exchanged(live_app, cooperative["slug"],
                                                            match["slug"]):
                return cooperative["slug"], match["slug"], match["name"]
    raise AssertionError(f"no cooperative of {PROVINCE} has a new French partner suggested")


def partnerships_section(page, lang: str, slug: str):
    page.goto(f"/{lang}/profiles/{quote(slug)}")
    return page.locator("section[aria-labelledby=partners-heading] ul.partnerships")


def test_a_cooperative_asks_in_arabic_the_partner_accepts_in_french_the_dashboard_counts(
        new_page, live_app, live_server, run_axe, screenshots):
    cooperative, partner, partner_name = suggested_french_partner(live_app, live_server)
    asking_email = account(live_app, "ar", cooperative)
    answering_email = account(live_app, "fr", partner)

    # The cooperative's member, in Arabic: the dashboard before, then the request.
    asking = new_page()
    log_in(asking, "ar", asking_email, PASSWORD)
    before = partnerships_figure(asking, "ar")
    asking.goto(f"/ar/profiles/{quote(cooperative)}")
    suggestion = asking.locator("ol.suggestions li.suggestion").filter(
        has=asking.locator(f"a[href='/ar/profiles/{quote(partner)}']"))
    assert suggestion.count() == 1, f"{partner} is not among the suggestions"
    suggestion.locator("a.button").click()
    asking.wait_for_url(lambda url: path_of(url) == f"/ar/profiles/{partner}/request")
    form = asking.locator("main form.stacked-form")
    assert form.locator("select[name=from_profile]").input_value() == cooperative
    form.locator("select[name=purpose]").select_option("training_visit")
    form.locator("textarea[name=message]").fill(REQUEST)
    form.locator("button[type=submit]").click()
    asking.wait_for_url(lambda url: re.fullmatch(r"/ar/exchanges/\d+", path_of(url)),
                        timeout=NAVIGATION_MS)
    exchange_id = path_of(asking.url).rsplit("/", 1)[1]
    assert asking.locator("html").get_attribute("dir") == "rtl"
    assert_no_blocking_violations(asking, run_axe, asking.url)

    # The partner's member, in French, accepts.
    answering = new_page()
    log_in(answering, "fr", answering_email, PASSWORD)
    answering.goto(f"/fr/exchanges/{exchange_id}")
    assert REQUEST in answering.locator("main").inner_text()
    assert_no_blocking_violations(answering, run_axe, f"/fr/exchanges/{exchange_id}")
    answering.locator(f"form[action$='/exchanges/{exchange_id}/accept'] "
                      "button[type=submit]").click()
    answering.wait_for_url(lambda url: path_of(url) == f"/fr/exchanges/{exchange_id}",
                           timeout=NAVIGATION_MS)
    answering.locator(".exchange-state.state-accepted").first.wait_for()

    # Both profile pages show the partnership.
    theirs = partnerships_section(answering, "fr", partner)
    assert theirs.locator(f"a[href='/fr/profiles/{quote(cooperative)}']").count() == 1
    ours = partnerships_section(asking, "ar", cooperative)
    assert ours.locator(f"a[href='/ar/profiles/{quote(partner)}']").count() == 1
    assert partner_name in ours.inner_text()

    # The province's dashboard counts it, in its figures and its pipeline.
    assert partnerships_figure(asking, "ar") == before + 1
    assert asking.locator("svg#chart-months[role=img]").count() == 1
    assert asking.locator("#table-pipeline tbody td.number").count() > 0
    asking.locator("#map .leaflet-marker-icon").first.wait_for()
    target = screenshots / "ar-dashboard.png"
    target.unlink(missing_ok=True)
    asking.screenshot(path=str(target), full_page=True)
    assert target.stat().st_size > 0
