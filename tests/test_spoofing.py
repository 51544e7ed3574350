"""Names that display as another's: bidirectional controls and zero-width characters are
removed by one rule wherever text is written, and names made of look-alike letters of
another script are pointed out to moderators."""

from __future__ import annotations

import json

import pytest
from conftest import ONE_COOPERATIVE
from site_helpers import signed_in, submit

from twinning.extensions import db
from twinning.models import Profile, Role, User
from twinning.profiles import service, similarity
from twinning.profiles.interchange import neutralise, validate_record

# Shown as «Coopérative Nahla» by a browser; kept as what it is, «alhaN evitarépooC».
SPOOFED = "\u202ealhaN evitarépooC\u202c\u200b\ufeff"


@pytest.mark.parametrize(("written", "kept"), [
    ("\u202eallahN\u202c", "allahN"),  # an override that would show «Nhalla»
    ("Na\u200bhla\u2060\ufeff", "Nahla"),
    ("\u2067نحلة\u2069 \u200fOujda\u200e", "نحلة Oujda"),
    ("a\u061cb\u2062c", "abc"),
    # Joiners shape Arabic-script letters (Persian می‌خواهم): kept between two of them only.
    ("می\u200cخواهم", "می\u200cخواهم"),
    ("Nah\u200cla \u200d🐝", "Nahla 🐝"),
])
def test_invisible_characters_are_removed(written, kept):
    assert neutralise(written) == kept


def test_the_form_and_the_importer_keep_the_same_name(app, runner, tmp_path):
    """One rule: what the site's form keeps is what an import of the same text keeps."""
    path = tmp_path / "spoof.jsonl"
    path.write_text(json.dumps({**ONE_COOPERATIVE, "name": SPOOFED}) + "\n", encoding="utf-8")
    assert runner.invoke(args=["twinning", "import", str(path)]).exit_code == 0
    client = signed_in(app, "amina@example.org")
    response = submit(client, "/fr/profiles/new", {
        "name": SPOOFED, "kind": "association", "country": "FR", "city": "Lyon",
        "description": "\u202eNous \u200bcherchons des partenaires.",
    })
    assert response.status_code == 302, response.text
    with app.app_context():
        names = {profile.name for profile in db.session.query(Profile)}
        descriptions = {profile.description for profile in db.session.query(Profile)}
    assert names == {"alhaN evitarépooC"}
    assert "Nous cherchons des partenaires." in descriptions


def test_account_names_and_messages_are_cleaned_too(app):
    client = signed_in(app, "luc@example.org")
    submit(client, "/fr/account/settings", {"name": "\u202eLuc\u202c", "lang": "fr"})
    with app.app_context():
        assert db.session.query(User).one().name == "Luc"


def test_look_alike_letters_read_as_latin():
    latin, cyrillic = "Coopérative Nour", "C\u043e\u043ep\u00e9rative N\u043eur"
    assert latin != cyrillic
    assert similarity.name_key(cyrillic) == similarity.name_key(latin)
    assert similarity.imitates_latin(cyrillic)
    assert not similarity.imitates_latin(latin)
    # A name wholly in another script imitates nothing.
    assert not similarity.imitates_latin("Συνεταιρισμός Ελιάς")
    assert not similarity.imitates_latin("تعاونية النور")


def test_a_look_alike_name_is_flagged_on_the_moderation_queue(app):
    with app.test_request_context("/fr/"):
        for reference, name, status in (("nahla", "Coopérative Nahla", "published"),
                                        ("spoof", "C\u043e\u043epérative N\u0430hla",
                                         "pending")):
            record, errors = validate_record({**ONE_COOPERATIVE, "external_id": reference,
                                              "name": name, "status": status}, "test", 1)
            assert not errors, errors
            service.save_records([record])
    client = signed_in(app, "mina@example.org", role=Role.MODERATOR)
    page = client.get("/en/moderation/").text
    assert "Look-alike letters" in page
    assert "may imitate another organisation" in page
    assert "same or very close name" in page
    assert page.count("Look-alike letters") == 1  # the pending profile only
