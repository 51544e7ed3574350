"""The demo data set: enough, varied, hand-written, and giving the matching model work."""

from __future__ import annotations

import re
from collections import Counter
from urllib.parse import urlsplit

import pytest

from twinning.profiles.demo import parse_demo
from twinning.reference.territories import province_codes


@pytest.fixture(scope="module")
def demo_records(request):
    from twinning import create_app

    app = create_app({"SECRET_KEY": "x", "SQLALCHEMY_DATABASE_URI": "sqlite://"})
    with app.app_context():
        result = parse_demo()
    assert result.ok, "\n".join(map(str, result.errors))
    return result.records


def test_demo_files_are_valid_and_large_enough(demo_records):
    assert len(demo_records) >= 150


def test_oriental_side_covers_every_province(demo_records):
    oriental = [record for record in demo_records if record.country == "MA"]
    assert len(oriental) >= 80
    assert {record.province for record in oriental} == set(province_codes())


def test_european_side_spans_at_least_six_countries(demo_records):
    european = [record for record in demo_records if record.country != "MA"]
    assert len(european) >= 70
    countries = Counter(record.country for record in european)
    assert {"FR", "ES", "BE", "NL", "IT", "DE"} <= set(countries)


def test_descriptions_are_in_the_four_platform_languages(demo_records):
    languages = Counter(record.description_lang for record in demo_records)
    assert all(languages[lang] >= 10 for lang in ("ar", "fr", "en", "es")), languages


def test_every_kind_is_present(demo_records):
    from twinning.models import OrganisationKind

    assert {record.kind for record in demo_records} == set(OrganisationKind)


def _sentences(text: str) -> list[str]:
    parts = re.split(r"[.!?؟\n]+", text)
    return [" ".join(part.split()).casefold() for part in parts if len(part.split()) >= 4]


def test_no_sentence_appears_in_two_descriptions(demo_records):
    seen: dict[str, str] = {}
    for record in demo_records:
        texts = [record.description, *(version.text for version in record.translations)]
        for sentence in {sentence for text in texts for sentence in _sentences(text)}:
            assert sentence not in seen, (
                f"{record.external_id} repeats a sentence of {seen[sentence]}: {sentence!r}"
            )
            seen[sentence] = record.external_id


def test_contacts_are_fictional(demo_records):
    for record in demo_records:
        if record.email:
            assert record.email.rsplit("@", 1)[1].endswith("example.org"), record.email
        if record.website:
            assert urlsplit(record.website).hostname.endswith("example.org"), record.website


def test_oriental_needs_are_offered_in_europe_in_another_language(demo_records):
    """The data gives the matching model work: every need of the Oriental side is offered by a
    European profile written in a different language from at least one profile needing it."""
    oriental = [record for record in demo_records if record.country == "MA"]
    european = [record for record in demo_records if record.country != "MA"]
    needed = {code for record in oriental for code in record.needs}
    assert len(needed) >= 10
    for code in needed:
        cross_language_pairs = [
            (seeker.external_id, helper.external_id)
            for seeker in oriental if code in seeker.needs
            for helper in european if code in helper.offers
            if seeker.description_lang != helper.description_lang
        ]
        assert cross_language_pairs, f"nobody in Europe answers {code!r} in another language"
