"""Normalisation and language detection (pure functions, no app)."""

from __future__ import annotations

import pytest

from twinning.matching.text import detect_language, normalise


@pytest.mark.parametrize(
    ("variant", "canonical"),
    [
        ("أحفير", "احفير"),
        ("إكليل", "اكليل"),
        ("آسفي", "اسفي"),
        ("تعاونيّة", "تعاونيه"),
        ("تعاونية", "تعاونيه"),
        ("مستشفى", "مستشفي"),
        ("العَسَل", "عسل"),
        ("العســـل", "عسل"),
        ("والعسل", "عسل"),
        ("فالعسل", "عسل"),
        ("بالمغرب", "مغرب"),
        ("للتسويق", "تسويق"),
        ("٢٠٢٤", "2024"),
        ("Saïdia", "saidia"),
        ("COOPÉRATIVE", "cooperative"),
        ("Dátiles", "datiles"),
    ],
)
def test_spelling_variants_normalise_alike(variant, canonical):
    assert normalise(variant) == canonical


def test_article_is_kept_when_too_little_would_remain():
    assert normalise("ال") == "ال"


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("تعاونية نسائية لإنتاج العسل في جبال بني يزناسن", "ar"),
        ("Nous produisons du miel dans les montagnes et nous cherchons des débouchés.", "fr"),
        ("We produce honey in the mountains and we are looking for markets.", "en"),
        ("Producimos miel en la sierra y buscamos nuevos mercados para nuestros socios.", "es"),
        ("", None),
        ("12345", None),
    ],
)
def test_detect_language(text, language):
    assert detect_language(text) == language
