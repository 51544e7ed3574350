"""Pages remembered per process (twinning/remembered.py): answered again from memory, and
forgotten as soon as a profile or an exchange changes, whoever made the change."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from site_helpers import log_in, signed_in, submit
from test_exchanges import OTHER, _ask, _user, pair  # noqa: F401  (a fixture)

from twinning import index_version
from twinning.exchanges import service as exchanges
from twinning.extensions import db
from twinning.models import Profile, ProfileStatus
from twinning.profiles import service as profiles
from twinning.profiles.interchange import validate_record

NEWCOMER = {**OTHER, "external_id": "asso-ardeche", "name": "Ruchers Solidaires d'Ardèche",
            "city": "Privas"}


@pytest.fixture
def partners(pair):  # noqa: F811  (the exchanges tests' cooperative and associations)
    return pair


def _slug(app, external_id: str) -> str:
    with app.app_context():
        return profiles.find_by_reference(external_id).slug


def _queries_of(app, client, path: str) -> tuple[int, str]:
    """How many SQL statements answering ``path`` took, and the page."""
    statements = []
    with app.app_context():
        engine = db.engine

    def count(*_arguments) -> None:
        statements.append(1)

    sa.event.listen(engine, "before_cursor_execute", count)
    try:
        response = client.get(path)
    finally:
        sa.event.remove(engine, "before_cursor_execute", count)
    assert response.status_code == 200, response.text
    return len(statements), response.text


def test_a_page_asked_again_is_the_same_page_with_fewer_queries(partners):
    client = partners.test_client()
    nahla = _slug(partners, "coop-nahla")
    for path in ("/fr/", "/fr/profiles/", "/fr/profiles/?q=miel&sort=name",
                 "/ar/profiles/?country=FR", "/fr/sectors/honey", f"/fr/profiles/{nahla}",
                 "/api/v1/profiles?q=miel", f"/api/v1/profiles/{nahla}/matches"):
        first_queries, first = _queries_of(partners, client, path)
        again_queries, again = _queries_of(partners, client, path)
        assert again == first, path
        assert again_queries < first_queries, path


def test_a_profile_saved_is_in_the_next_answer(partners):
    client = partners.test_client()
    assert "Ruchers Solidaires" not in client.get("/fr/profiles/?q=miel").text
    assert "asso-ardeche" not in client.get("/api/v1/profiles").text
    with partners.test_request_context("/fr/"):
        record, errors = validate_record(NEWCOMER, "test", 1)
        assert not errors
        profiles.save_records([record])
    assert "Ruchers Solidaires" in client.get("/fr/profiles/?q=miel").text
    assert "asso-ardeche" in client.get("/api/v1/profiles").text
    matches = f"/api/v1/profiles/{_slug(partners, 'coop-nahla')}/matches"
    assert "asso-ardeche" in client.get(matches).text


def test_a_change_logged_by_another_process_is_seen(partners):
    """Another app server changed a profile: this one hears of it from the change log."""
    client = partners.test_client()
    assert "Miels Équitables" in client.get("/fr/profiles/").text
    with partners.app_context():
        other = db.session.scalar(sa.select(Profile).where(Profile.external_id == "asso-drome"))
        other.status = ProfileStatus.ARCHIVED
        index_version.record([other])
        db.session.commit()
    assert "Miels Équitables" not in client.get("/fr/profiles/").text
    matches = client.get(f"/api/v1/profiles/{_slug(partners, 'coop-nahla')}/matches").text
    assert "asso-drome" not in matches


def test_new_partners_are_no_longer_suggested_to_each_other(partners):
    client = partners.test_client()
    matches = f"/api/v1/profiles/{_slug(partners, 'coop-nahla')}/matches"
    assert "asso-vercors" in client.get(matches).text
    with partners.test_request_context("/fr/"):
        exchanges.act(_user("claire@example.fr"), _ask(), "accept")
    assert "asso-vercors" not in client.get(matches).text


def test_what_depends_on_the_reader_is_not_remembered(partners):
    """The owner of a profile sees a request button beside each suggestion; a visitor who
    asked first for the same page must not have made it lose them, nor see them."""
    nahla = _slug(partners, "coop-nahla")
    page, asked_from = f"/fr/profiles/{nahla}", f"from={nahla}"
    visitor = partners.test_client()
    assert asked_from not in visitor.get(page).text
    owner = partners.test_client()
    assert log_in(owner, "fatima@example.ma").status_code == 302
    assert asked_from in owner.get(page).text
    assert asked_from not in visitor.get(page).text
    assert "fatima" not in visitor.get("/fr/profiles/").text.lower()


def test_the_dashboard_counts_a_new_request_at_once(partners):
    reader = signed_in(partners, "reader@example.ma")

    def waiting() -> str:
        page = reader.get("/fr/dashboard/berkane").text
        return page.split('id="figure-waiting"><strong>', 1)[1].split("<", 1)[0]

    assert waiting() == "0"
    with partners.test_request_context("/fr/"):
        _ask()
    assert waiting() == "1"


def test_a_profile_page_shows_its_new_texts_and_facts_at_once(partners):
    """What a profile's page remembers (its texts, codes and facts) follows an update."""
    client = partners.test_client()
    for founded, description in ((1998, "Nous formons les apiculteurs de la Drôme."),
                                 (2004, "Nos ruchers accueillent des stagiaires.")):
        with partners.test_request_context("/fr/"):
            record, errors = validate_record({**NEWCOMER, "founded": founded,
                                              "description": description}, "test", 1)
            assert not errors
            profiles.save_records([record])
        page = client.get(f"/fr/profiles/{_slug(partners, 'asso-ardeche')}").text
        assert description in page and str(founded) in page
        assert page == client.get(f"/fr/profiles/{_slug(partners, 'asso-ardeche')}").text


def test_a_signed_in_header_takes_one_query_and_its_count_is_true_at_once(partners):
    """The person, their organisations, their unread count and the published version come
    in one query (twinning/reader.py); the count still follows a new notification and
    their reading it, within the next page."""
    claire = partners.test_client()
    assert log_in(claire, "claire@example.fr").status_code == 302
    _queries_of(partners, claire, "/fr/")  # the content block is remembered from now on
    queries, page = _queries_of(partners, claire, "/fr/")
    assert queries == 1
    assert "count-badge" not in page
    with partners.test_request_context("/fr/"):
        _ask()  # tells Claire
    queries, page = _queries_of(partners, claire, "/fr/")
    assert queries == 1
    assert '<span class="count-badge">1<' in page
    assert submit(claire, "/fr/notifications/read", {}, "/fr/notifications/").status_code == 303
    assert "count-badge" not in claire.get("/fr/").text
