"""The matching index on plain records: ranking, reasons, updates, persistence (no app)."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest
from matching_helpers import HashingEncoder, load_terms, record

from twinning.matching.index import ANY, PEER, MatchIndex
from twinning.matching.records import Reason
from twinning.matching.scoring import DEFAULT_WEIGHTS

TERMS = load_terms()

HONEY_COOP = record(
    "honey-coop", sectors=["honey"], needs=["packaging"], offers=["training_governance"],
    languages=["ar", "fr"],
    description="Coopérative de miel de thym des Beni Snassen, nous cherchons un emballage.",
    description_lang="fr",
)
PACKAGING_FOR_FOOD = record(
    "food-packaging", kind="research_training", country="FR", sectors=["honey",
                                                                        "food_processing"],
    offers=["packaging"], languages=["fr"],
    description="Notre école propose des formations en emballage des produits alimentaires.",
    description_lang="fr",
)
PACKAGING_TWO_WAY = record(
    "packaging-two-way", kind="federation", country="ES", sectors=["honey"],
    offers=["packaging"], needs=["training_governance"], languages=["es", "fr"],
    description="Federación apícola: ofrecemos envasado y buscamos formación en gestión.",
    description_lang="es",
)
OTHER_HONEY_COOP = record(
    "other-honey-coop", country="ES", sectors=["honey"], needs=["packaging"], languages=["es",
                                                                                       "fr"],
    description="Cooperativa de miel: buscamos ayuda con el envasado.", description_lang="es",
)
TEXTILE_PACKAGING = record(
    "textile-packaging", kind="federation", country="BE", sectors=["textiles_carpets"],
    offers=["packaging"], languages=["fr"],
    description="Nous proposons des emballages pour tapis et textiles.", description_lang="fr",
)
GERMAN_ONLY = record(
    "german-only", kind="federation", country="DE", sectors=["honey"], offers=["packaging"],
    languages=["de"], description="We offer honey packaging, German only.",
    description_lang="en",
)
COMMUNE = record(
    "commune", kind="local_authority", sectors=["water_environment"],
    needs=["institutional_cooperation"], languages=["ar", "fr"],
    description="La commune cherche une coopération décentralisée sur l'eau.",
    description_lang="fr",
)
EUROPEAN_TOWN = record(
    "town", kind="local_authority", country="FR", sectors=["water_environment"],
    offers=["institutional_cooperation"], languages=["fr"],
    description="La ville propose un jumelage sur l'eau potable.", description_lang="fr",
)
WATER_COOPERATIVE = record(
    "water-coop", kind="cooperative", country="FR", sectors=["water_environment"],
    offers=["institutional_cooperation", "training_governance"], languages=["fr"],
    description="Coopérative d'ingénieurs de l'eau, nous proposons des formations.",
    description_lang="fr",
)
ALL = [HONEY_COOP, PACKAGING_FOR_FOOD, PACKAGING_TWO_WAY, OTHER_HONEY_COOP, TEXTILE_PACKAGING,
       GERMAN_ONLY, COMMUNE, EUROPEAN_TOWN, WATER_COOPERATIVE]


@pytest.fixture
def index():
    return MatchIndex.build(ALL, TERMS, encoder=HashingEncoder())


def keys(matches):
    return [match.key for match in matches]


def test_complementary_partner_ranks_above_a_look_alike(index):
    ranked = keys(index.suggest("honey-coop", limit=10, mode=ANY))
    assert ranked.index("food-packaging") < ranked.index("other-honey-coop")


def test_two_way_exchange_ranks_above_one_way_without_silencing_it(index):
    matches = index.suggest("honey-coop", limit=10)
    ranked = keys(matches)
    assert ranked[0] == "packaging-two-way"
    assert "food-packaging" in ranked[:2]


def test_the_right_offer_in_an_unrelated_sector_ranks_lower(index):
    ranked = keys(index.suggest("honey-coop", limit=10))
    assert ranked.index("food-packaging") < ranked.index("textile-packaging")


def test_no_shared_language_ranks_lower_and_says_an_interpreter_is_needed(index):
    matches = {match.key: match for match in index.suggest("honey-coop", limit=10)}
    assert matches["german-only"].score < matches["food-packaging"].score
    assert Reason("interpreter_needed") in matches["german-only"].reasons


def test_a_commune_is_matched_with_local_authorities_not_cooperatives(index):
    ranked = keys(index.suggest("commune", limit=10))
    assert ranked[0] == "town"
    assert "water-coop" not in ranked


def test_suggestions_cross_the_mediterranean_by_default(index):
    assert "other-honey-coop" not in keys(index.suggest("packaging-two-way", limit=10))
    assert all(key != "honey-coop" for key in keys(index.suggest("commune", mode=PEER)))


def test_reasons_cover_both_sides(index):
    best = index.suggest("honey-coop", limit=1)[0]
    assert best.reasons[0] == Reason("they_offer_what_you_need", ("packaging",))
    assert Reason("you_offer_what_they_need", ("training_governance",)) in best.reasons
    assert Reason("same_sector", ("honey",)) in best.reasons
    assert Reason("shared_language", ("fr",)) in best.reasons
    assert 0 <= best.score <= 1


def test_existing_partners_are_not_suggested_again(index):
    assert "packaging-two-way" not in keys(index.suggest("honey-coop",
                                                         exclude={"packaging-two-way"}))


def test_text_only_profiles_are_read(index):
    text_only = record("text-only", country="FR", kind="federation", languages=["fr"],
                       description="Nous proposons des formations en emballage et étiquetage "
                                   "pour les miels.", description_lang="fr")
    index.upsert(text_only)
    assert index.inferred("text-only").offers >= {"packaging"}
    assert "text-only" in keys(index.suggest("honey-coop", limit=10))


def test_upsert_replaces_and_remove_forgets(index):
    changed = record("food-packaging", kind="research_training", country="FR",
                     sectors=["textiles_carpets"], offers=["export"], languages=["fr"])
    index.upsert(changed)
    matches = {match.key: match for match in index.suggest("honey-coop", limit=10)}
    assert "food-packaging" not in matches or matches["food-packaging"].score < 0.3
    index.remove("food-packaging")
    assert "food-packaging" not in keys(index.suggest("honey-coop", limit=10))
    assert len(index) == len(ALL) - 1


def test_a_record_not_in_the_index_can_still_ask(index):
    draft = record("draft", sectors=["honey"], needs=["packaging"], languages=["fr"])
    assert keys(index.suggest(draft, limit=3))[0] in {"packaging-two-way", "food-packaging"}
    assert "draft" not in index


def test_save_load_and_delta_round_trip(index, tmp_path):
    index.save(tmp_path)
    index.upsert(record("late", kind="federation", country="IT", sectors=["honey"],
                        offers=["packaging"], languages=["fr"]))
    index.remove("german-only")
    index.save_delta(tmp_path)
    loaded = MatchIndex.load(tmp_path, HashingEncoder())
    assert keys(loaded.suggest("honey-coop", limit=10)) == keys(index.suggest("honey-coop",
                                                                              limit=10))
    assert "late" in loaded and "german-only" not in loaded


def test_staleness_follows_the_taxonomy_the_encoder_and_the_weights(index):
    assert not index.is_stale(TERMS, HashingEncoder.name)
    assert index.is_stale(TERMS, None)
    assert index.is_stale(TERMS[:-1], HashingEncoder.name)
    changed = dataclasses.replace(DEFAULT_WEIGHTS, sector=DEFAULT_WEIGHTS.sector + 0.01)
    assert index.is_stale(TERMS, HashingEncoder.name, changed)


def test_works_without_an_encoder():
    plain = MatchIndex.build(ALL, TERMS)
    assert keys(plain.suggest("honey-coop", limit=2))[0] == "packaging-two-way"


def _counting_reader(index, read: list[str]):
    def reader(record):
        read.append(record.key)
        return index.tagger.read(record)
    return reader


def test_a_rebuild_reads_only_what_changed_and_answers_as_a_fresh_build(index, tmp_path):
    index.save(tmp_path)
    saved = MatchIndex.load(tmp_path, HashingEncoder())
    changed = dataclasses.replace(TEXTILE_PACKAGING, description="Nous proposons des "
                                  "emballages pour le miel et les confitures.")
    late = record("late", kind="federation", country="IT", sectors=["honey"],
                  offers=["packaging"], languages=["fr"], description="Emballages.")
    records = [*ALL[:4], changed, *ALL[5:], late]
    read: list[str] = []
    rebuilt = MatchIndex.build(records, TERMS, encoder=HashingEncoder(), previous=saved,
                               read=_counting_reader(index, read))
    assert sorted(read) == ["late", "textile-packaging"]
    fresh = MatchIndex.build(records, TERMS, encoder=HashingEncoder())
    for query in ("honey-coop", "commune", "other-honey-coop"):
        ours, theirs = rebuilt.suggest(query, limit=8), fresh.suggest(query, limit=8)
        assert keys(ours) == keys(theirs)
        assert [match.score for match in ours] == pytest.approx(
            [match.score for match in theirs], abs=1e-4)


def test_a_rebuild_reads_everything_again_when_the_taxonomy_changed(index):
    read: list[str] = []
    MatchIndex.build(ALL, TERMS[:-1], encoder=HashingEncoder(), previous=index,
                     read=_counting_reader(index, read))
    assert sorted(read) == sorted(item.key for item in ALL)


def test_an_unchanged_rebuild_reads_nothing_and_keeps_the_meanings(index):
    rebuilt = MatchIndex.build(ALL, TERMS, encoder=HashingEncoder(), previous=index,
                               read=_counting_reader(index, unexpected := []))
    assert unexpected == []
    assert keys(rebuilt.suggest("honey-coop", limit=5)) == keys(index.suggest("honey-coop",
                                                                              limit=5))


def test_a_rebuild_holds_one_copy_of_each_record_and_of_each_set_of_codes(index, tmp_path):
    """At 100,000 profiles, the records the caller read and the saved index's equal ones
    were held twice, and every profile's sets of codes apart (216 bytes each at least)."""
    index.save(tmp_path)
    records = [dataclasses.replace(item) for item in ALL]  # equal, not the same objects
    rebuilt = MatchIndex.build(records, TERMS, encoder=HashingEncoder(),
                               previous=MatchIndex.load(tmp_path, HashingEncoder()))
    assert all(rebuilt.entries[item.key].record is item for item in records)
    for held in (rebuilt, _saved_and_loaded(rebuilt, tmp_path)):
        sets = [codes for entry in held.entries.values() for tags in (entry.tags, entry.inferred)
                for codes in (tags.sectors, tags.needs, tags.offers)]
        assert len(set(sets)) < len(sets)  # some profiles have the same codes: shared
        assert len({id(codes) for codes in sets}) == len(set(sets))


def _saved_and_loaded(index: MatchIndex, folder) -> MatchIndex:
    index.save(folder)
    return MatchIndex.load(folder, HashingEncoder())


def test_an_edited_rebuild_takes_over_the_meanings_and_answers_as_a_fresh_build(index,
                                                                                 tmp_path):
    """The same profiles in the same rows, one text changed: the previous index's meaning
    arrays are reused in place (a 100,000-profile rebuild then never holds them twice),
    with the changed row overwritten."""
    index.save(tmp_path)
    saved = MatchIndex.load(tmp_path, HashingEncoder())
    arrays = saved.segments[0].meaning
    changed = dataclasses.replace(TEXTILE_PACKAGING, description="Nous proposons des "
                                  "emballages pour le miel et les confitures.")
    records = [*ALL[:4], changed, *ALL[5:]]
    rebuilt = MatchIndex.build(records, TERMS, encoder=HashingEncoder(), previous=saved)
    assert rebuilt.segments[0].meaning is arrays
    fresh = MatchIndex.build(records, TERMS, encoder=HashingEncoder())
    assert np.allclose(rebuilt.segments[0].meaning, fresh.segments[0].meaning, atol=1e-6)
    for query in ("honey-coop", "textile-packaging", "commune"):
        ours, theirs = rebuilt.suggest(query, limit=8), fresh.suggest(query, limit=8)
        assert keys(ours) == keys(theirs)
        assert [match.score for match in ours] == pytest.approx(
            [match.score for match in theirs], abs=1e-4)
