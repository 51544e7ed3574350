"""Reference data: taxonomy, territories and countries."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from twinning.extensions import db
from twinning.models import TaxonomyTerm
from twinning.reference import taxonomy, territories
from twinning.reference.countries import country_code, country_name

REQUIRED_SECTORS = {
    "dairy", "dates", "olive_oil", "honey", "aromatic_medicinal_plants", "citrus", "livestock",
    "fishing_aquaculture", "handicrafts", "textiles_carpets", "natural_cosmetics",
    "food_processing", "rural_tourism", "water_environment", "waste_recycling",
    "renewable_energy", "culture_heritage", "youth_education", "health",
    "governance_public_services", "social_economy",
}
REQUIRED_CAPABILITIES = {
    "marketing", "packaging", "quality_certification", "training_governance",
    "transport_logistics", "market_access", "ecommerce", "financing", "equipment",
    "product_development", "export", "fair_trade", "research_innovation", "tourism_promotion",
    "institutional_cooperation",
}


def test_taxonomy_has_every_required_code():
    assert taxonomy.codes(taxonomy.SECTOR) >= REQUIRED_SECTORS
    assert taxonomy.codes(taxonomy.CAPABILITY) >= REQUIRED_CAPABILITIES


def test_every_term_has_labels_and_synonyms_in_four_languages():
    for term in taxonomy.terms():
        assert set(term.labels) == {"ar", "fr", "en", "es"}, term.code
        assert all(term.labels.values()), term.code
        assert all(term.synonyms.get(lang) for lang in ("ar", "fr", "en", "es")), term.code


def test_decentralised_cooperation_uses_the_right_arabic_word():
    words = " ".join(
        word for term in taxonomy.terms() for values in term.synonyms.values() for word in values
    )
    assert "التعاون اللامركزي" in words
    assert "اللاممركز" not in words


@pytest.mark.parametrize(
    ("spellings", "code"),
    [
        (["وجدة", "Oujda", "Wajda", "OUJDA", "oujda-angad", "وجدة أنكاد"], "oujda-angad"),
        (["الناظور", "الناضور", "Nador"], "nador"),
        (["Figuig", "فجيج"], "figuig"),
        (["Berkane", "بركان", "Saïdia", "Saidia", "السعيدية"], "berkane"),
        (["Guercif", "جرسيف"], "guercif"),
        (["Driouch", "الدريوش"], "driouch"),
        (["Taourirt", "تاوريرت"], "taourirt"),
        (["Jerada", "جرادة", "جراده"], "jerada"),
    ],
)
def test_spelling_variants_resolve_to_one_province(spellings, code):
    assert {territories.resolve_province(spelling).code for spelling in spellings} == {code}


def test_unknown_places_do_not_resolve():
    assert territories.resolve_province("Casablanca") is None
    assert territories.resolve_town("Lyon") is None


def test_eight_provinces_with_arabic_and_french_names():
    provinces = territories.provinces()
    assert len(provinces) == 8
    assert all(place.names.get("ar") and place.names.get("fr") for place in territories.places())


def test_countries_come_from_cldr():
    assert country_code("MA") == "MA" and country_code(" nl ") == "NL"
    assert country_code("XX") is None and country_code("EU") is None
    assert country_name("MA", "ar") == "المغرب"
    assert country_name("ES", "fr") == "Espagne"


def test_taxonomy_sync_command_is_idempotent(app, runner):
    first = runner.invoke(args=["twinning", "taxonomy-sync"])
    assert first.exit_code == 0, first.output
    assert "0 added, 0 updated, 0 removed" in first.output
    with app.app_context():
        count = db.session.scalar(sa.select(sa.func.count(TaxonomyTerm.id)))
        assert count == len(taxonomy.terms())
