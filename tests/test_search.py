"""Directory search: ranked, counted exactly, answered by each database's full-text index.

Runs on both backends (``TWINNING_TEST_BACKEND=sqlite`` and ``=postgresql``): SQLite's FTS5
table and PostgreSQL's GIN-indexed tsvectors must find, count and order the same profiles.
"""

from __future__ import annotations

import re
from urllib.parse import quote

import pytest
import sqlalchemy as sa
from flask_migrate import upgrade

from twinning.extensions import db
from twinning.models import Profile, ProfileStatus
from twinning.profiles import queries, service, textquery
from twinning.profiles.interchange import validate_record
from twinning.reference import taxonomy, territories

BASE = {"kind": "cooperative", "country": "FR", "languages": ["fr"]}


@pytest.fixture
def search_app(make_app):
    # No sentence encoder: the API's inferred codes come from the tagger alone.
    return make_app(MATCHING_ENCODER="")


def add(app, external_id: str, **fields) -> int:
    """Save one profile as an import does (the matching index is not needed here)."""
    with app.test_request_context("/fr/"):
        record, errors = validate_record({**BASE, "external_id": external_id, **fields},
                                         "test", 1)
        assert not errors, errors
        service.save_records([record], update_index=False)
        return service.find_by_reference(external_id).id


def names(app, q: str | None = None, sort: str | None = None, per_page: int = 100,
          page: int = 1, **filters) -> list[str]:
    with app.test_request_context("/fr/"):
        found = queries.search(queries.ProfileFilters(q=q, **filters), page, per_page, sort)
        return [profile.name for profile in found.items]


def total(app, q: str, **filters) -> int:
    with app.test_request_context("/fr/"):
        return queries.search(queries.ProfileFilters(q=q, **filters), 1, 1).total


@pytest.fixture
def honey(search_app):
    """Four profiles where "miel" is found in a different place each, added in the reverse
    of the expected order so that "newest first" cannot explain it."""
    add(search_app, "text", name="Pâtisserie Nour",
        description="Des gâteaux mielleux pour les fêtes du quartier.")
    add(search_app, "read", name="Coopérative Tilelli",
        description="Nous produisons du miel de thym dans les monts des Beni Snassen.")
    add(search_app, "given", name="Coopérative Atlas", sectors=["honey"],
        description="Nous travaillons avec les femmes de la vallée.")
    add(search_app, "name", name="Miel du Rif", description="Une équipe de jeunes du Rif.")
    return search_app


def test_a_match_in_the_name_ranks_above_given_codes_above_read_codes_above_the_text(honey):
    assert names(honey, "miel") == ["Miel du Rif", "Coopérative Atlas", "Coopérative Tilelli",
                                    "Pâtisserie Nour"]
    # The same order through both pages of the site and the API, by default.
    page = honey.test_client().get("/fr/profiles/?q=miel").text
    assert [page.index(name) for name in ("Miel du Rif", "Coopérative Atlas",
                                          "Coopérative Tilelli", "Pâtisserie Nour")] == \
        sorted(page.index(name) for name in ("Miel du Rif", "Coopérative Atlas",
                                             "Coopérative Tilelli", "Pâtisserie Nour"))
    api = honey.test_client().get("/api/v1/profiles?q=miel").get_json()
    assert [item["name"] for item in api["items"]] == names(honey, "miel")


def test_a_word_in_another_language_finds_the_codes_it_names(honey):
    # عسل is a synonym of the honey code: the given and the read code are found, in order;
    # the name and the text, in French, are not.
    assert names(honey, "عسل") == ["Coopérative Atlas", "Coopérative Tilelli"]
    assert names(honey, "honey") == names(honey, "عسل")


def test_a_query_word_matches_the_start_of_a_word(search_app):
    add(search_app, "a", name="Les Coopératives du Levant", description="Vente de figues.")
    add(search_app, "b", name="Association Tawada", description="Nous accompagnons les "
                                                                "coopératives féminines.")
    add(search_app, "c", name="Groupement Oasis", description="Un réseau de producteurs.")
    assert set(names(search_app, "coopérative")) == {"Les Coopératives du Levant",
                                                    "Association Tawada"}
    assert set(names(search_app, "coop")) == set(names(search_app, "coopérative"))
    assert names(search_app, "Lev") == ["Les Coopératives du Levant"]
    assert names(search_app, "evant") == []  # the start of a word, not any part of it


def test_every_word_must_match_somewhere(search_app):
    add(search_app, "both", name="Miel de Berkane", province="berkane", country="MA")
    add(search_app, "honey-only", name="Miel du Vercors")
    add(search_app, "place-only", name="Commune de Saïdia", city="Saïdia", country="MA",
        kind="local_authority")
    assert names(search_app, "miel Berkane") == ["Miel de Berkane"]
    assert names(search_app, "miel Vercors") == ["Miel du Vercors"]
    assert names(search_app, "miel Vercors Berkane") == []


def test_a_place_in_any_spelling_finds_the_profiles_in_it_first_then_those_naming_it(
        search_app):
    add(search_app, "in", name="Coopérative Ennakhil", country="MA", city="Oujda",
        province="oujda-angad")
    add(search_app, "names", name="Comité de jumelage de Lille",
        description="Nous sommes jumelés avec Oujda depuis 2005.")
    add(search_app, "elsewhere", name="Association Nour", country="MA", city="Nador",
        province="nador")
    for spelling in ("Oujda", "وجدة", "Wajda", "Oudjda"):
        assert names(search_app, spelling) == ["Coopérative Ennakhil",
                                               "Comité de jumelage de Lille"], spelling
    # The start of a place's name, in any of its spellings, finds the profiles there.
    assert names(search_app, "Wajd") == names(search_app, "وجد") == ["Coopérative Ennakhil"]


def test_an_arabic_query_finds_french_and_spanish_profiles(search_app):
    add(search_app, "fr", name="Rucher des Cévennes", description="Nous produisons du miel "
        "de châtaignier et cherchons des débouchés.")
    add(search_app, "es", name="Apicultores del Sur", country="ES", languages=["es"],
        description="Producimos miel de romero en la sierra y buscamos socios.")
    add(search_app, "ar", name="تعاونية النحل", country="MA", languages=["ar"],
        description="ننتج العسل الحر في جبال بني يزناسن.")
    assert set(names(search_app, "عسل")) == {"Rucher des Cévennes", "Apicultores del Sur",
                                            "تعاونية النحل"}
    # Arabic spelling variants find the same profiles.
    assert names(search_app, "العسل") == names(search_app, "عسل")


def test_sort_by_name_or_most_recent_and_the_defaults(honey):
    by_relevance = ["Miel du Rif", "Coopérative Atlas", "Coopérative Tilelli",
                    "Pâtisserie Nour"]
    assert names(honey, "miel") == names(honey, "miel", "relevance") == by_relevance
    assert names(honey, "miel", "name") == sorted(by_relevance)
    assert names(honey, "miel", "recent") == by_relevance  # added last, listed first
    assert names(honey) == sorted(by_relevance)  # without a search text, by name
    client = honey.test_client()
    api = client.get("/api/v1/profiles?q=miel&sort=name").get_json()
    assert [item["name"] for item in api["items"]] == sorted(by_relevance)
    bad = client.get("/api/v1/profiles?q=miel&sort=best")
    assert bad.status_code == 400 and bad.get_json()["error"]["parameter"] == "sort"
    page = client.get("/fr/profiles/?q=miel").text
    assert re.search(r'<option value="relevance"\s+selected', page)
    assert re.search(r'<option value="name"\s+selected', client.get(
        "/fr/profiles/?q=miel&sort=name").text)


def test_the_count_is_exact_and_pages_cover_every_match_once(search_app):
    for number in range(23):
        add(search_app, f"p{number}", name=f"Coopérative numéro {number}",
            sectors=["honey"] if number % 3 == 0 else [],
            description="Nous produisons du miel." if number % 2 else "Nous tissons.")
    found = [name for page in (1, 2, 3, 4) for name in names(search_app, "coopérative",
                                                               per_page=7, page=page)]
    assert total(search_app, "coopérative") == len(found) == len(set(found)) == 23
    assert total(search_app, "coopérative miel") == len(names(search_app, "coopérative miel"))
    assert total(search_app, "coopérative", sector="honey") == 8
    counted = re.search(r'class="result-count"[^>]*>(\d+)',
                        search_app.test_client().get("/fr/profiles/?q=miel").text)
    assert int(counted.group(1)) == total(search_app, "miel")


def test_classes_and_scoring_in_sql_give_the_same_order(search_app, monkeypatch):
    """A query is read class by class, or scored in SQL when it has too many words: the
    same order either way, page after page."""
    for number in range(30):
        add(search_app, f"p{number}",
            name=("Miel " if number % 5 == 0 else "Coopérative ") + f"Atlas {number}",
            sectors=["honey"] if number % 3 == 0 else [],
            province="berkane" if number % 4 == 0 else None,
            country="MA" if number % 4 == 0 else "FR",
            description=("Nous produisons du miel à Berkane." if number % 2
                         else "Des gâteaux mielleux."))
    for q in ("miel", "miel Berkane", "coopérative miel", "Berkane", "عسل بركان",
              "coopérative de miel Berkane"):
        orders = []
        for most_classes in (textquery.MAX_CLASSES, 0):
            monkeypatch.setattr(textquery, "MAX_CLASSES", most_classes)
            orders.append([name for page in range(1, 10)
                           for name in names(search_app, q, per_page=4, page=page)])
        assert orders[0] == orders[1], q
        assert len(orders[0]) == total(search_app, q) > 0, q


def test_function_words_must_match_but_do_not_rank(search_app):
    add(search_app, "a", name="Aceite de Oliva Zitoun", country="ES", languages=["es"])
    add(search_app, "b", name="Olivar del Sur", country="ES", languages=["es"],
        description="Producimos aceite de oliva virgen.")
    assert names(search_app, "aceite de oliva") == ["Aceite de Oliva Zitoun", "Olivar del Sur"]
    assert total(search_app, "aceite de oliva zzzz") == 0


def test_the_index_follows_every_write(search_app):
    profile_id = add(search_app, "a", name="Miel du Rif", description="Au marché.")
    assert names(search_app, "miel") == ["Miel du Rif"]
    add(search_app, "a", name="Figues du Rif", description="Au marché.")  # an update
    assert names(search_app, "miel") == [] and names(search_app, "figue") == ["Figues du Rif"]
    with search_app.app_context():
        db.session.get(Profile, profile_id).status = ProfileStatus.ARCHIVED
        db.session.commit()
    assert names(search_app, "figue") == []  # only published profiles are searched
    with search_app.app_context():
        db.session.get(Profile, profile_id).status = ProfileStatus.PUBLISHED
        db.session.commit()
    assert names(search_app, "figue") == ["Figues du Rif"]
    with search_app.app_context():
        db.session.delete(db.session.get(Profile, profile_id))
        db.session.commit()
    assert names(search_app, "figue") == []


def test_words_are_indexed_as_the_app_wrote_them(search_app):
    add(search_app, "a", name="Réseau agro_écologie", description="Semences paysannes.")
    # Underscores stay inside a word, as the app's words have them; accents are folded.
    assert names(search_app, "agro_eco") == ["Réseau agro_écologie"]
    assert names(search_app, "AGRO_ÉCOLOGIE") == ["Réseau agro_écologie"]
    assert names(search_app, "semence") == ["Réseau agro_écologie"]


def test_codes_and_places_are_distinct_index_tokens():
    """PostgreSQL keeps codes and places in the same vectors without "_" and "-": no place
    may then read as a code, nor two codes as one."""
    def token(code: str) -> str:
        return code.replace("_", "").replace("-", "")

    codes = [term.code for term in taxonomy.terms()]
    places = [place.code for place in territories.places()]
    assert len({token(code) for code in codes + places}) == len(codes) + len(places)


def test_refresh_rewrites_only_what_changed(search_app):
    add(search_app, "a", name="Miel du Rif")
    add(search_app, "b", name="Figues de Taza")
    with search_app.app_context():
        assert service.refresh_search_fields() == 0
        profile = service.find_by_reference("a")
        # As if made before the search fields were split and fingerprinted.
        profile.search_name = profile.search_source = ""
        db.session.commit()
        assert service.refresh_search_fields() == 1
        assert service.refresh_search_fields() == 0
    assert names(search_app, "miel") == ["Miel du Rif"]


def test_refresh_reads_again_a_text_changed_behind_the_services_back(search_app):
    add(search_app, "a", name="Coopérative Nour")
    add(search_app, "b", name="Figues de Taza")
    with search_app.app_context():
        db.session.execute(sa.update(Profile).where(Profile.external_id == "a")
                           .values(description="Nous produisons du miel de thym."))
        db.session.commit()
        assert service.refresh_search_fields() == 1
    assert names(search_app, "عسل") == ["Coopérative Nour"]


def test_a_new_way_of_making_the_fields_refreshes_every_profile(search_app, monkeypatch):
    add(search_app, "a", name="Miel du Rif")
    add(search_app, "b", name="Figues de Taza")
    monkeypatch.setattr(service, "SEARCH_FIELDS_VERSION", "next")
    service._search_stamp.cache_clear()
    try:
        with search_app.app_context():
            assert service.refresh_search_fields() == 2
            assert service.refresh_search_fields() == 0
    finally:
        service._search_stamp.cache_clear()


def _search_structures() -> list[str]:
    """The DDL of the search index as the database reports it."""
    with db.engine.connect() as connection:
        if connection.dialect.name == "sqlite":
            return sorted(connection.scalars(sa.text(
                "SELECT sql FROM sqlite_master WHERE name LIKE 'profile_fts%' "
                "AND sql IS NOT NULL")))
        return sorted([
            *connection.scalars(sa.text(
                "SELECT column_name || ' ' || data_type FROM information_schema.columns "
                "WHERE table_name = 'profile_search' AND table_schema = current_schema()")),
            *connection.scalars(sa.text(
                "SELECT indexdef FROM pg_indexes WHERE tablename = 'profile_search' "
                "AND schemaname = current_schema()")),
            *connection.scalars(sa.text(
                "SELECT pg_get_triggerdef(oid) FROM pg_trigger "
                "WHERE tgrelid = 'profile'::regclass AND NOT tgisinternal")),
            *connection.scalars(sa.text(
                "SELECT prosrc FROM pg_proc WHERE proname = 'profile_search_sync' "
                "AND pronamespace = current_schema()::regnamespace")),
        ])


def test_the_migration_makes_the_same_index_as_the_models(make_app):
    app = make_app()
    with app.app_context():
        from_models = _search_structures()
    app = make_app(create_schema=False)
    with app.app_context():
        upgrade()
        assert _search_structures() == from_models
    assert from_models


def test_upgrading_a_database_with_profiles_keeps_them_findable(make_app):
    app = make_app(create_schema=False, MATCHING_ENCODER="")
    with app.app_context():
        upgrade(revision="0004")
        with db.engine.begin() as connection:
            connection.execute(sa.text(
                "INSERT INTO profile (id, slug, name, kind, country, description, status, "
                "search_text, places, name_key, kept_by_facilitator, created_at, "
                "updated_at) VALUES (1, 'miel-du-rif', 'Miel du Rif', 'cooperative', 'MA', "
                "'', 'published', ' miel du rif honey عسل ', '', '', false, "
                "CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)"))
        upgrade()
    # Found from the search text it had, then ranked once reindexed.
    assert names(app, "عسل") == ["Miel du Rif"]
    with app.app_context():
        assert service.refresh_search_fields() == 1
    assert names(app, "miel") == ["Miel du Rif"]


@pytest.mark.parametrize("url", ["/fr/profiles/?q=", "/api/v1/profiles?q="])
def test_queries_that_find_nothing_or_only_punctuation(honey, url):
    client = honey.test_client()
    for q in ("zzzqqq", "؟!", "'\"*()", "NOT", "a OR b", "-miel", "miel*", "___", "x_-_y"):
        assert client.get(url + quote(q)).status_code == 200, q
    assert client.get("/api/v1/profiles?q=" + quote('"miel" OR x')).get_json()["total"] == 0
