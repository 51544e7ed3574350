"""Reading sectors, needs and offers from text in four languages (no app)."""

from __future__ import annotations

import pytest
from matching_helpers import load_terms, record

from twinning.matching.tagger import Tagger


@pytest.fixture(scope="module")
def tagger():
    return Tagger(load_terms())


@pytest.mark.parametrize(
    ("text", "lang", "side", "sector", "need", "offer"),
    [
        ("Nous produisons du miel de thym. Nous cherchons un appui pour l'emballage et "
         "l'étiquetage de nos pots.", "fr", "south", "honey", "packaging", None),
        ("نحن تعاونية لإنتاج العسل ونبحث عن شريك يساعدنا في التلفيف.", "ar", "south",
         "honey", "packaging", None),
        ("Our beekeepers harvest honey in the hills; we are looking for help with packaging.",
         "en", "south", "honey", "packaging", None),
        ("Somos apicultores y buscamos apoyo para el envasado de la miel.", "es", "south",
         "honey", "packaging", None),
        ("Notre école de design propose des formations en emballage pour les produits "
         "alimentaires.", "fr", "north", None, None, "packaging"),
        ("نقدم تكوينا في التلفيف والتغليف للتعاونيات.", "ar", "north", None, None, "packaging"),
        ("Ofrecemos formación en envasado y etiquetado para cooperativas de dátiles.", "es",
         "north", "dates", None, "packaging"),
        ("We offer marketing training and we are looking for date cooperatives.", "en",
         "north", "dates", None, "marketing"),
    ],
)
def test_needs_and_offers_follow_the_cue_words(tagger, text, lang, side, sector, need, offer):
    country = "MA" if side == "south" else "FR"
    tags = tagger.tag(record("x", country=country, description=text, description_lang=lang))
    if sector:
        assert sector in tags.sectors
    if need:
        assert need in tags.needs and need not in tags.offers
    if offer:
        assert offer in tags.offers and offer not in tags.needs


def test_words_of_another_language_and_arabic_variants_are_found(tagger):
    tags = tagger.tag(record("x", description="تعاونيّة التّمور بفجيج تحتاج إلى التغليف.",
                             description_lang="ar"))
    assert "dates" in tags.sectors
    assert "packaging" in tags.needs


def test_words_that_only_look_alike_are_not_concepts(tagger):
    # "équipes" (teams) is not "équipement"; "environ" (about) is not "environnement".
    tags = tagger.tag(record("x", description="Nos équipes vendent environ 900 kilos.",
                             description_lang="fr"))
    assert "equipment" not in tags.needs | tags.offers
    assert "water_environment" not in tags.sectors


def test_a_capability_without_cue_takes_its_side_default(tagger):
    text = "Packaging and labelling."
    south = tagger.tag(record("s", country="MA", description=text, description_lang="en"))
    north = tagger.tag(record("n", country="FR", description=text, description_lang="en"))
    assert "packaging" in south.needs and "packaging" in north.offers
