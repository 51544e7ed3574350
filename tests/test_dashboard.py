"""The territory dashboard: who may open it, its figures against the database (the SVG's
table, the chart and the CSV agree), CSV downloads in the reader's language with a BOM,
valid HTML left to right and right to left, paged lists; the charts as pure functions."""

from __future__ import annotations

import csv
import io
import re
import secrets
from html import unescape

import html5lib
import pytest
import sqlalchemy as sa
from conftest import ONE_COOPERATIVE
from site_helpers import PASSWORD, log_in, signed_in

from twinning.accounts.service import create_user
from twinning.dashboard import charts
from twinning.exchanges import service as exchanges
from twinning.extensions import db
from twinning.models import Membership, OrganisationKind, Profile, Purpose, Role, User
from twinning.presenters import term_label
from twinning.profiles import service as profiles
from twinning.profiles.interchange import validate_record

PROVINCE = "berkane"
ARABIC = re.compile("[\u0600-\u06ff]")
BOM = b"\xef\xbb\xbf"
SVG = re.compile(r"<svg\b[^>]*>.*?</svg>", re.S)
FRENCH_PARTNER = {
    "external_id": "asso-vercors", "name": "Emballages Solidaires du Vercors",
    "kind": "association", "country": "FR", "city": "Grenoble", "languages": ["fr"],
    "sectors": ["honey"], "needs": ["fair_trade"], "offers": ["packaging", "marketing"],
    "description": "Notre atelier forme les petits producteurs à concevoir leurs emballages.",
}


# ----- helpers ----------------------------------------------------------------------------
def _profile(app, **where) -> Profile:
    with app.app_context():
        found = db.session.scalars(sa.select(Profile).filter_by(**where)
                                   .order_by(Profile.id)).first()
        assert found is not None, where
        db.session.expunge(found)
        return found


def _member(app, profile: Profile | None, lang: str = "fr"):
    """A client signed in as a new confirmed owner of ``profile`` (or of nothing)."""
    email = f"member-{secrets.token_hex(5)}@example.org"
    with app.app_context():
        owned = (db.session.get(Profile, profile.id),) if profile else ()
        create_user(email, PASSWORD, name="Member", lang=lang, role=Role.MEMBER,
                    owner_of=owned)
    client = app.test_client()
    assert log_in(client, email).status_code == 302
    return client


def _owner(profile: Profile) -> User:
    return db.session.scalars(sa.select(User).join(Membership).where(
        Membership.profile_id == profile.id)).one()


def _valid(response) -> str:
    assert response.status_code == 200, response.status_code
    html5lib.HTMLParser(strict=True).parse(response.data)
    return response.text


def _table(text: str, name: str) -> list[tuple[str, list[int]]]:
    """The rows of the page's table ``name``: (label, numbers)."""
    found = re.search(rf'<table[^>]*id="table-{name}".*?<tbody>(.*?)</tbody>', text, re.S)
    assert found, f"no table {name}"
    rows = []
    for row in re.findall(r"<tr>(.*?)</tr>", found.group(1), re.S):
        label = re.search(r"<th[^>]*>(.*?)</th>", row, re.S).group(1)
        numbers = [int(re.sub(r"\D", "", cell)) for cell in
                   re.findall(r'<td class="number">(.*?)</td>', row, re.S)]
        rows.append((unescape(re.sub(r"<[^>]+>", "", label)).strip(), numbers))
    return rows


def _chart(text: str, name: str) -> str:
    for svg in SVG.findall(text):
        if f'id="chart-{name}"' in svg:
            return svg
    raise AssertionError(f"no chart {name}")


def _csv(response) -> list[list[str]]:
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/csv; charset=utf-8"
    assert response.data.startswith(BOM)
    return list(csv.reader(io.StringIO(response.data.decode("utf-8-sig"))))


def _save(app, *raws: dict) -> None:
    with app.test_request_context("/fr/"):
        records = []
        for number, raw in enumerate(raws, start=1):
            record, errors = validate_record(raw, "test", number)
            assert not errors, errors
            records.append(record)
        profiles.save_records(records)


# ----- who may open it --------------------------------------------------------------------
def test_anonymous_visitors_are_sent_to_log_in(shared_demo_app):
    client = shared_demo_app.test_client()
    for path in ("/fr/dashboard/", f"/ar/dashboard/{PROVINCE}",
                 f"/fr/dashboard/{PROVINCE}?format=csv&table=sectors"):
        response = client.get(path)
        assert response.status_code == 302, path
        assert "/account/login" in response.headers["Location"]


def test_a_cooperatives_member_reads_territories_but_not_the_authorities_home(
        shared_demo_app):
    cooperative = _profile(shared_demo_app, province=PROVINCE,
                           kind=OrganisationKind.COOPERATIVE)
    client = _member(shared_demo_app, cooperative)
    assert client.get("/fr/dashboard/").status_code == 403
    assert client.get(f"/fr/dashboard/{PROVINCE}").status_code == 200
    assert client.get("/fr/dashboard/saidia").status_code == 200  # a town
    assert client.get("/fr/dashboard/casablanca").status_code == 404
    # The header leads to the dashboard of the cooperative's own province.
    assert f'href="/fr/dashboard/{PROVINCE}">' in client.get("/fr/").text


def test_a_communes_member_lands_on_its_provinces_dashboard(shared_demo_app):
    commune = _profile(shared_demo_app, province=PROVINCE,
                       kind=OrganisationKind.LOCAL_AUTHORITY)
    client = _member(shared_demo_app, commune)
    response = client.get("/fr/dashboard/")
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/fr/dashboard/{PROVINCE}")
    assert 'href="/fr/dashboard/">' in client.get("/fr/").text


def test_a_european_authority_chooses_among_the_provinces(shared_demo_app):
    european = _profile(shared_demo_app, country="FR", kind=OrganisationKind.LOCAL_AUTHORITY)
    text = _valid(_member(shared_demo_app, european).get("/fr/dashboard/"))
    assert text.count('href="/fr/dashboard/') >= 8


def test_nobody_elses_header_shows_a_dashboard(shared_demo_app):
    client = signed_in(shared_demo_app, f"nobody-{secrets.token_hex(4)}@example.org")
    assert "/dashboard/" not in client.get("/fr/").text


# ----- the page ---------------------------------------------------------------------------
@pytest.mark.parametrize("lang", ["ar", "fr"])
def test_the_page_is_valid_html_with_accessible_charts(shared_demo_app, lang):
    client = _member(shared_demo_app, None)
    text = _valid(client.get(f"/{lang}/dashboard/{PROVINCE}"))
    direction = "rtl" if lang == "ar" else "ltr"
    assert f'<html lang="{lang}" dir="{direction}">' in text
    svgs = SVG.findall(text)
    assert len(svgs) >= 2  # sectors, and partners by country (the demo's past exchanges)
    for svg in svgs:
        assert 'role="img"' in svg and f'direction="{direction}"' in svg
        ident = re.search(r'aria-labelledby="([^"]+)"', svg).group(1)
        assert re.search(rf'<title id="{ident}">[^<]+</title>', svg)
    assert text.count('class="data-table figures-table"') >= len(svgs)
    assert 'data-list="territory-map-list"' in text and "data-lat=" in text


def test_organisations_by_sector_agree_in_sql_table_chart_and_csv(shared_demo_app):
    with shared_demo_app.app_context():
        counted = db.session.execute(sa.text(
            "SELECT t.code, COUNT(*) FROM profile_sector ps "
            "JOIN taxonomy_term t ON t.id = ps.term_id JOIN profile p ON p.id = ps.profile_id "
            "WHERE p.province = :province AND p.country = 'MA' AND p.status = 'published' "
            "GROUP BY t.code"), {"province": PROVINCE}).all()
    with shared_demo_app.test_request_context("/fr/"):
        expected = {term_label(code): number for code, number in counted}
    assert expected
    client = _member(shared_demo_app, None)
    text = client.get(f"/fr/dashboard/{PROVINCE}").text
    assert {label: numbers[0] for label, numbers in _table(text, "sectors")} == expected
    svg = _chart(text, "sectors")
    shown = re.findall(r'text-anchor="start"[^>]*>(\d+)</text>', svg)
    assert sorted(map(int, shown)) == sorted(expected.values())
    rows = _csv(client.get(f"/fr/dashboard/{PROVINCE}?format=csv&table=sectors"))
    assert {label: int(number) for label, number in rows[1:]} == expected


def test_csv_has_a_bom_arabic_headers_and_arabic_names(shared_demo_app):
    client = _member(shared_demo_app, None, lang="ar")
    response = client.get(f"/ar/dashboard/{PROVINCE}?format=csv&table=organisations")
    rows = _csv(response)
    assert f'filename="{PROVINCE}-organisations.csv"' in response.headers["Content-Disposition"]
    with shared_demo_app.app_context():
        names = set(db.session.scalars(sa.select(Profile.name).where(
            Profile.province == PROVINCE, Profile.country == "MA")))
    assert {row[0] for row in rows[1:]} == names
    assert any(ARABIC.search(name) for name in names)
    assert all(row[3].isdigit() for row in rows[1:])  # numbers stay plain numbers
    sectors = _csv(client.get(f"/ar/dashboard/{PROVINCE}?format=csv&table=sectors"))
    assert ARABIC.search(sectors[0][0]) and ARABIC.search(sectors[1][0])


@pytest.mark.parametrize("query", ["format=csv&table=secrets", "format=csv", "format=xml",
                                   "only=everything", "page=0"])
def test_bad_parameters_answer_400(shared_demo_app, query):
    client = _member(shared_demo_app, None)
    assert client.get(f"/fr/dashboard/{PROVINCE}?{query}").status_code == 400


def test_exchanges_are_counted_in_pipeline_months_and_countries(app):
    _save(app, ONE_COOPERATIVE, FRENCH_PARTNER)
    cooperative, partner = (_profile(app, external_id=ONE_COOPERATIVE["external_id"]),
                            _profile(app, external_id=FRENCH_PARTNER["external_id"]))
    asking, answering = _member(app, cooperative, lang="ar"), _member(app, partner)
    with app.test_request_context("/fr/"):
        fatima, claire = (_owner(profile) for profile in (cooperative, partner))
        ours, theirs = db.session.get(Profile, cooperative.id), db.session.get(Profile, partner.id)
        accepted = exchanges.request_exchange(fatima, ours, theirs, Purpose.TRAINING_VISIT,
                                              "نريد زيارة ورشتكم.")
        exchanges.act(claire, accepted, "accept")
        exchanges.request_exchange(claire, theirs, ours, Purpose.TRADE, "Vendre votre miel ?")
    text = _valid(asking.get(f"/fr/dashboard/{PROVINCE}"))
    assert re.search(r'id="figure-partnerships"><strong>1</strong>', text)
    assert re.search(r'id="figure-waiting"><strong>1</strong>', text)
    assert re.search(r'id="figure-without-partner"><strong>0</strong>', text)
    pipeline = _csv(answering.get(f"/fr/dashboard/{PROVINCE}?format=csv&table=pipeline"))
    totals = {row[0]: int(row[-1]) for row in pipeline[1:]}
    assert sum(totals.values()) == 2
    months = _csv(answering.get(f"/fr/dashboard/{PROVINCE}?format=csv&table=months"))
    assert len(months) == 1 + 12 and months[-1][1:] == ["2", "1"]
    assert sum(int(row[1]) for row in months[1:]) == 2
    countries = _csv(answering.get(f"/fr/dashboard/{PROVINCE}?format=csv&table=countries"))
    assert [row[1] for row in countries[1:]] == ["1"] and len(countries) == 2
    assert _chart(text, "months") and _chart(text, "countries")
    unpartnered = _csv(asking.get(f"/fr/dashboard/{PROVINCE}?format=csv&table=unpartnered"))
    assert unpartnered[1:] == []


def test_lists_are_paged_and_the_territory_page_reads_stored_suggestions(app):
    _save(app, FRENCH_PARTNER, *({**ONE_COOPERATIVE, "external_id": f"coop-{number:02d}",
                                  "name": f"Coopérative {number:02d}"}
                                 for number in range(25)))
    client = _member(app, None)
    first = _valid(client.get(f"/fr/territories/{PROVINCE}"))
    assert first.count('class="territory-entry"') == 20
    assert 'rel="next" href="/fr/territories/berkane?page=2"' in first
    assert f'href="/fr/dashboard/{PROVINCE}"' in first  # signed in: the dashboard's link
    second = _valid(client.get(f"/fr/territories/{PROVINCE}?page=2"))
    assert second.count('class="territory-entry"') == 5
    with app.app_context():
        stored = db.session.scalar(sa.text("SELECT COUNT(DISTINCT profile_id) "
                                           "FROM stored_suggestion"))
    assert stored == 25  # each page stored what it asked the index
    dashboard = _valid(client.get(f"/fr/dashboard/{PROVINCE}?only=unpartnered&page=2"))
    assert dashboard.count('<th scope="row"><a href="/fr/profiles/') == 5
    assert 'rel="prev" href="/fr/dashboard/berkane?only=unpartnered&amp;page=1"' in dashboard
    visitor = app.test_client().get(f"/fr/territories/{PROVINCE}").text
    assert "/dashboard/" not in visitor


def test_spreadsheet_formulas_in_names_are_defused(app):
    _save(app, {**ONE_COOPERATIVE, "name": "=HYPERLINK(\"http://evil.example\")"})
    rows = _csv(_member(app, None).get(
        f"/fr/dashboard/{PROVINCE}?format=csv&table=organisations"))
    assert rows[1][0] == "'=HYPERLINK(\"http://evil.example\")"


# ----- the charts, as pure functions ------------------------------------------------------
def test_horizontal_bars_mirror_right_to_left_and_escape_text():
    bars = [charts.Bar("<miel> & co", 4, "4"), charts.Bar("عسل", 2, "2")]
    ltr = str(charts.horizontal_bars("c", "Sectors <b>", bars, rtl=False))
    rtl = str(charts.horizontal_bars("c", "Sectors <b>", bars, rtl=True))
    assert "&lt;miel&gt; &amp; co" in ltr and "<miel>" not in ltr
    assert "<title id=\"c-title\">Sectors &lt;b&gt;</title>" in ltr
    rects = [re.findall(r'<rect x="([\d.]+)" y="[\d.]+" width="([\d.]+)"', svg)
             for svg in (ltr, rtl)]
    for (left, width), (mirrored, same) in zip(*rects, strict=True):
        assert width == same
        assert float(mirrored) == pytest.approx(charts.WIDTH - float(left) - float(width))
    assert 'direction="rtl"' in rtl and 'direction="ltr"' in ltr


def test_vertical_bars_run_right_to_left_in_arabic():
    series = [charts.Series("Requests", (1, 0, 3), ("1", "0", "3"))]
    columns = [("janv.", "2025"), ("févr.",), ("mars",)]
    ltr = str(charts.vertical_bars("m", "Months", columns, series, rtl=False))
    rtl = str(charts.vertical_bars("m", "Months", columns, series, rtl=True))

    def x_of(svg: str, label: str) -> float:
        return float(re.search(rf'<text x="([\d.]+)"[^>]*>{label}</text>', svg).group(1))

    assert x_of(ltr, "janv.") < x_of(ltr, "mars")
    assert x_of(rtl, "janv.") > x_of(rtl, "mars")
    assert ">3</text>" in ltr and ">0</text>" not in ltr  # empty months carry no number
