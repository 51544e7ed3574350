"""The evidence of a match, on plain data: the sentences that say why two profiles fit."""

from __future__ import annotations

from matching_helpers import HashingEncoder, load_terms, record

from twinning.matching.encoder import VectorCache
from twinning.matching.evidence import Sentence, directed_sentences, find_evidence
from twinning.matching.tagger import NEED, OFFER, Tagger

TAGGER = Tagger(load_terms())


def test_a_need_is_answered_by_the_offer_that_names_the_same_thing():
    cooperative = record("coop", description="Nous produisons du miel dans les montagnes. "
                         "Nous cherchons de l'aide pour l'emballage et les étiquettes.",
                         description_lang="fr")
    association = record("asso", country="ES", description="Somos una asociación de "
                         "Granada. Ofrecemos formación en envasado y etiquetado de miel.",
                         description_lang="es")
    evidence = find_evidence(directed_sentences(cooperative, TAGGER),
                             directed_sentences(association, TAGGER),
                             VectorCache(HashingEncoder()))
    assert evidence[0].yours.startswith("Nous cherchons")
    assert evidence[0].theirs.startswith("Ofrecemos")
    assert (evidence[0].yours_lang, evidence[0].theirs_lang) == ("fr", "es")


def test_sentences_carry_their_direction_and_concepts():
    cooperative = record("coop", description="Nous cherchons de l'aide pour l'emballage.",
                         description_lang="fr")
    [sentence] = directed_sentences(cooperative, TAGGER)
    assert sentence.direction == NEED and "packaging" in sentence.concepts


def test_unrelated_sentences_are_not_quoted():
    yours = [Sentence("alpha beta gamma", "fr", NEED)]
    theirs = [Sentence("zzz yyy xxx", "es", OFFER)]
    assert find_evidence(yours, theirs, VectorCache(HashingEncoder())) == []
