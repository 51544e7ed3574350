"""Submitting and editing a profile, and moderating it, end to end with the test client.

The form is checked by the importer's own rules; a profile written through the site waits
for a moderator, then enters the directory, the API and the matching index at once.
"""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import quote, unquote

import pytest
import sqlalchemy as sa
from site_helpers import (
    csrf_token,
    link_in,
    log_in,
    mails_to,
    make_user,
    register,
    signed_in,
    submit,
    text_of,
)

from twinning.extensions import db
from twinning.matching.index import BASE_FILE
from twinning.models import ChangeAction, Profile, ProfileChange, ProfileStatus, Role

ARABIC_COOPERATIVE = {
    "name": "تعاونية نحلة الأطلس الشرقي",
    "kind": "cooperative",
    "country": "MA",
    "province": "بركان",
    "city": "بركان",
    "description": "نحن تعاونية نسوية في بركان ننتج عسل الزعتر في جبال بني يزناسن. "
                   "نبحث عن شريك يساعدنا على تصميم علب وملصقات لعسلنا وعلى تسويق "
                   "منتوجاتنا في أوروبا. نقدم استقبال الزوار والتعريف بتربية النحل.",
}
FRENCH_ASSOCIATION = {
    "name": "Association Emballages Solidaires du Vercors",
    "kind": "association",
    "country": "FR",
    "city": "Grenoble",
    "description": "Notre atelier forme les petits producteurs à concevoir leurs emballages "
                   "et leurs étiquettes. Nous accompagnons aussi la commercialisation dans les "
                   "boutiques solidaires. Nous cherchons des coopératives de miel et d'huile "
                   "d'olive pour des échanges d'expériences.",
}


def _ticked(html: str, field: str) -> list[str]:
    return re.findall(rf'name="{field}" value="([^"]+)" checked', html)


def _profile(app, slug: str) -> Profile:
    with app.app_context():
        profile = db.session.scalar(sa.select(Profile).where(Profile.slug == slug))
        db.session.expunge(profile)
        return profile


def _slug_of(response) -> str:
    assert response.status_code == 302, response.text[:2000]
    return unquote(response.headers["Location"].rsplit("/", 1)[1])


def _submit_profile(client, lang: str, values: dict) -> tuple[str, dict[str, list[str]]]:
    """Write the profile, check it (no codes ticked), then submit what was suggested."""
    url = f"/{lang}/profiles/new"
    checked = submit(client, url, {**values, "check": "1"})
    assert checked.status_code == 200
    ticked = {field: _ticked(checked.text, field) for field in ("sectors", "needs", "offers")}
    suggested = re.search(r'name="suggested" type="hidden" value="([^"]*)"', checked.text)
    created = submit(client, url, {**values, **ticked, "suggested": suggested.group(1)})
    return _slug_of(created), ticked


@pytest.mark.parametrize(("lang", "values", "email"), [
    ("ar", ARABIC_COOPERATIVE, "fatima@example.ma"),
    ("fr", FRENCH_ASSOCIATION, "claire@example.fr"),
])
def test_a_person_registers_submits_and_a_moderator_publishes(demo_app, lang, values, email):
    app = demo_app
    client = app.test_client()
    register(client, email, lang=lang)
    client.get(link_in(mails_to(app, email)[-1], "/account/confirm/"))
    log_in(client, email, lang=lang)

    slug, ticked = _submit_profile(client, lang, values)
    assert ticked["sectors"] or ticked["needs"] or ticked["offers"]
    page = client.get(f"/{lang}/profiles/{quote(slug)}")
    assert page.status_code == 200 and "status-pending" in page.text
    profile = _profile(app, slug)
    assert profile.status == ProfileStatus.PENDING and profile.external_id.startswith("web-")
    assert profile.description_lang == lang
    anonymous = app.test_client()
    assert anonymous.get(f"/api/v1/profiles/{quote(slug)}").status_code == 404
    assert anonymous.get(f"/{lang}/profiles/{quote(slug)}").status_code == 404
    listed = anonymous.get("/api/v1/profiles?per_page=100&q=" + quote(values["name"]))
    assert slug not in {item["slug"] for item in listed.get_json()["items"]}

    moderator = signed_in(app, "mod@example.org", role=Role.MODERATOR)
    queue = moderator.get("/fr/moderation/")
    assert values["name"] in queue.text and email in queue.text
    base = Path(app.config["MATCHING_INDEX_FOLDER"]) / BASE_FILE
    built = base.stat().st_mtime_ns
    approved = submit(moderator, f"/fr/moderation/{quote(slug)}/approve", {},
                      form_page="/fr/moderation/")
    assert approved.status_code == 303
    assert base.stat().st_mtime_ns == built  # an incremental update, not a rebuild

    api = anonymous.get(f"/api/v1/profiles/{quote(slug)}")
    assert api.status_code == 200 and api.get_json()["status"] == "published"
    matches = anonymous.get(f"/api/v1/profiles/{quote(slug)}/matches").get_json()["items"]
    assert matches and all(match["country"] != values["country"] for match in matches[:3])
    [told] = [message for message in mails_to(app, email) if "/profiles/" in text_of(message)]
    assert told["Content-Language"] == lang and told["List-Unsubscribe"]


def test_the_check_button_reads_the_text_and_saves_nothing(app):
    client = signed_in(app, "fatima@example.ma", lang="ar")
    response = submit(client, "/ar/profiles/new", {**ARABIC_COOPERATIVE, "check": "1"})
    assert response.status_code == 200
    assert "honey" in _ticked(response.text, "sectors")
    assert {"packaging", "marketing"} <= set(_ticked(response.text, "needs"))
    assert 'id="check-heading"' in response.text
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(Profile.id))) == 0


def test_a_box_unticked_after_a_suggestion_stays_unticked(app):
    client = signed_in(app, "fatima@example.ma", lang="ar")
    first = submit(client, "/ar/profiles/new", {**ARABIC_COOPERATIVE, "check": "1"})
    suggested = re.search(r'name="suggested" type="hidden" value="([^"]*)"', first.text)
    needs = [code for code in _ticked(first.text, "needs") if code != "marketing"]
    second = submit(client, "/ar/profiles/new", {**ARABIC_COOPERATIVE, "check": "1",
                                                 "needs": needs,
                                                 "suggested": suggested.group(1)})
    assert "marketing" not in _ticked(second.text, "needs")
    assert "packaging" in _ticked(second.text, "needs")


def test_the_check_answers_json_for_the_page_script(app):
    client = signed_in(app, "fatima@example.ma", lang="ar")
    response = submit(client, "/ar/profiles/new", {**ARABIC_COOPERATIVE, "check": "1"},
                      headers={"Accept": "application/json"})
    body = response.get_json()
    assert body["language"] == "ar"
    assert "honey" in body["suggested"]["sectors"]
    assert 'id="check-heading"' in body["html"]


def test_a_similar_profile_is_pointed_out(app, demo_profile):
    client = signed_in(app, "fatima@example.ma")
    response = submit(client, "/fr/profiles/new",
                      {**ARABIC_COOPERATIVE, "name": "تعاونية النحلة", "check": "1"})
    assert "Coopérative Nahla" in response.text
    assert "/fr/profiles/cooperative-nahla" in response.text


INVALID = [
    ("name", "", "is required"),
    ("name", "x" * 201, "too long"),
    ("kind", "company", "unknown value"),
    ("country", "", "is required"),
    ("country", "XX", "ISO 3166-1"),
    ("province", "Casablanca", "not a province of the Oriental"),
    ("languages", "klingon", "unknown language code"),
    ("sectors", "gold", "unknown sector code"),
    ("needs", "honey", "unknown capability code"),
    ("description", "a\u0001b", "control characters"),
    ("description_lang", "zz", "unknown language code"),
    ("members", "many", "whole number"),
    ("founded", "1066", "between"),
    ("website", "www nowhere", "http"),
    ("email", "not-an-address", "not an e-mail address"),
    ("phone", "call us", "not a phone number"),
    ("lat", "95", "between"),
    ("lon", "east", "must be a number"),
]


@pytest.mark.parametrize(("field", "value", "message"), INVALID)
def test_every_invalid_field_gives_its_error_beside_it_and_stores_nothing(app, field, value,
                                                                           message):
    client = signed_in(app, "fatima@example.ma", lang="en")
    values = {**ARABIC_COOPERATIVE, "lat": "34.9", "lon": "-2.3", field: value}
    response = submit(client, "/en/profiles/new", values)
    assert response.status_code == 422
    beside = re.search(rf'<p class="field-error" id="{field}-error-1">(.*?)</p>', response.text,
                       re.S)
    assert beside and message in beside.group(1), response.text[:3000]
    assert 'class="error-summary"' in response.text
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(Profile.id))) == 0


def test_errors_are_written_in_the_page_language(app):
    client = signed_in(app, "fatima@example.ma", lang="fr")
    response = submit(client, "/fr/profiles/new", {**ARABIC_COOPERATIVE, "name": ""})
    error = re.search(r'<p class="field-error" id="name-error-1">(.*?)</p>', response.text, re.S)
    assert error and "is required" not in error.group(1)


def test_only_its_people_and_moderators_may_edit_a_profile(app, demo_profile):
    other = signed_in(app, "other@example.org")
    assert other.get("/fr/profiles/cooperative-nahla/edit").status_code == 403
    denied = submit(other, "/fr/profiles/cooperative-nahla/edit", {"name": "Hijacked"},
                    form_page="/fr/account/")
    assert denied.status_code == 403
    assert _profile(app, "cooperative-nahla").name == "Coopérative Nahla"
    moderator = signed_in(app, "mod@example.org", role=Role.MODERATOR)
    assert moderator.get("/fr/profiles/cooperative-nahla/edit").status_code == 200


def _owned_profile(app, email: str, lang: str = "fr") -> tuple[object, str]:
    client = signed_in(app, email, lang=lang)
    slug, _ticked_codes = _submit_profile(client, lang, FRENCH_ASSOCIATION)
    return client, slug


def test_editing_records_who_changed_which_fields(app):
    client, slug = _owned_profile(app, "claire@example.fr")
    form = client.get(f"/fr/profiles/{slug}/edit")
    assert form.status_code == 200 and "Grenoble" in form.text
    values = {**FRENCH_ASSOCIATION, "city": "Chambéry", "members": "40",
              "version_en": "Our workshop trains small producers in packaging design."}
    saved = submit(client, f"/fr/profiles/{slug}/edit", values)
    assert saved.status_code == 302
    with app.app_context():
        changes = db.session.scalars(sa.select(ProfileChange).where(
            ProfileChange.action == ChangeAction.EDITED)).all()
        assert len(changes) == 1
        assert changes[0].fields["city"] == ["Grenoble", "Chambéry"]
        assert changes[0].fields["members"] == [None, 40]
        assert changes[0].fields["translations"][1][0]["lang"] == "en"
        assert changes[0].user.email == "claire@example.fr"
    unchanged = submit(client, f"/fr/profiles/{slug}/edit", values)
    assert unchanged.status_code == 302
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(ProfileChange.id)).where(
            ProfileChange.action == ChangeAction.EDITED)) == 1


def test_editing_a_published_profile_keeps_it_published_and_tells_moderators(app):
    client, slug = _owned_profile(app, "claire@example.fr")
    moderator = signed_in(app, "mod@example.org", role=Role.MODERATOR)
    submit(moderator, f"/fr/moderation/{slug}/approve", {}, form_page="/fr/moderation/")
    submit(client, f"/fr/profiles/{slug}/edit", {**FRENCH_ASSOCIATION, "members": "12"})
    assert _profile(app, slug).status == ProfileStatus.PUBLISHED
    queue = moderator.get("/fr/moderation/")
    assert "Edits of published profiles" in queue.text or "members" in queue.text
    history = moderator.get(f"/fr/moderation/{slug}/history")
    assert history.status_code == 200 and "12" in history.text
    assert client.get(f"/fr/moderation/{slug}/history").status_code == 403


def test_rejection_needs_a_reason_and_the_owner_reads_it(app):
    client, slug = _owned_profile(app, "claire@example.fr", lang="es")
    moderator = signed_in(app, "mod@example.org", role=Role.MODERATOR)
    no_reason = submit(moderator, f"/fr/moderation/{slug}/reject", {"reason": "  "},
                       form_page="/fr/moderation/")
    assert no_reason.status_code == 422
    assert _profile(app, slug).status == ProfileStatus.PENDING
    rejected = submit(moderator, f"/fr/moderation/{slug}/reject",
                      {"reason": "Le nom ne correspond pas au site web."},
                      form_page="/fr/moderation/")
    assert rejected.status_code == 303
    assert _profile(app, slug).status == ProfileStatus.REJECTED
    [message] = [mail for mail in mails_to(app, "claire@example.fr")
                 if "Le nom ne correspond pas" in text_of(mail)]
    assert message["Content-Language"] == "es"
    page = client.get(f"/es/profiles/{slug}")
    assert "Le nom ne correspond pas au site web." in page.text
    # Editing a rejected profile sends it back to the queue.
    submit(client, f"/es/profiles/{slug}/edit", {**FRENCH_ASSOCIATION, "website":
                                                 "https://emballages.example.org"})
    assert _profile(app, slug).status == ProfileStatus.PENDING


def test_two_moderators_at_once_one_wins(app):
    _client, slug = _owned_profile(app, "claire@example.fr")
    first = signed_in(app, "mod1@example.org", role=Role.MODERATOR)
    second = signed_in(app, "mod2@example.org", role=Role.MODERATOR)
    token_first = csrf_token(first, "/fr/moderation/")
    token_second = csrf_token(second, "/fr/moderation/")
    approved = first.post(f"/fr/moderation/{slug}/approve", data={"csrf_token": token_first})
    rejected = second.post(f"/fr/moderation/{slug}/reject",
                           data={"csrf_token": token_second, "reason": "duplicate"})
    assert approved.status_code == rejected.status_code == 303
    assert _profile(app, slug).status == ProfileStatus.PUBLISHED
    page = second.get("/fr/moderation/")
    assert 'class="flash flash-error"' in page.text
    with app.app_context():
        actions = db.session.scalars(sa.select(ProfileChange.action)).all()
        assert ChangeAction.REJECTED not in actions


def test_archive_and_restore(app, demo_profile):
    moderator = signed_in(app, "mod@example.org", role=Role.MODERATOR)
    history = "/fr/moderation/cooperative-nahla/history"
    no_reason = submit(moderator, "/fr/moderation/cooperative-nahla/archive", {"reason": ""},
                       form_page=history)
    assert no_reason.status_code == 422
    submit(moderator, "/fr/moderation/cooperative-nahla/archive", {"reason": "Closed down."},
           form_page=history)
    assert _profile(app, "cooperative-nahla").status == ProfileStatus.ARCHIVED
    assert app.test_client().get("/api/v1/profiles/cooperative-nahla").status_code == 404
    submit(moderator, "/fr/moderation/cooperative-nahla/restore", {}, form_page=history)
    assert _profile(app, "cooperative-nahla").status == ProfileStatus.PUBLISHED
    assert app.test_client().get("/api/v1/profiles/cooperative-nahla").status_code == 200


def test_members_may_not_moderate(app, demo_profile):
    member = signed_in(app, "member@example.org")
    assert member.get("/fr/moderation/").status_code == 403
    token = csrf_token(member, "/fr/account/")
    response = member.post("/fr/moderation/cooperative-nahla/archive",
                           data={"csrf_token": token, "reason": "mine now"})
    assert response.status_code == 403
    assert _profile(app, "cooperative-nahla").status == ProfileStatus.PUBLISHED


def test_a_facilitator_publishes_at_once_on_behalf_and_hands_over(app):
    facilitator = signed_in(app, "facilitator@example.ma", facilitator=True)
    form = facilitator.get("/fr/profiles/new")
    assert 'name="on_behalf"' in form.text
    created = submit(facilitator, "/fr/profiles/new", {**ARABIC_COOPERATIVE, "on_behalf": "y"})
    slug = _slug_of(created)
    profile = _profile(app, slug)
    assert profile.status == ProfileStatus.PUBLISHED and profile.kept_by_facilitator
    page = app.test_client().get(f"/fr/profiles/{quote(slug)}")
    assert "facilitat" in page.text.lower()

    handed = submit(facilitator, f"/fr/profiles/{quote(slug)}/handover", {},
                    form_page=f"/fr/profiles/{quote(slug)}/members")
    link = re.search(r'id="handover-link" type="text" readonly value="([^"]+)"', handed.text)
    assert link, handed.text[:2000]
    path = link.group(1).removeprefix("http://twinning.test")
    cooperative = signed_in(app, "nahla@example.ma", lang="ar")
    accepted = submit(cooperative, path, {})
    assert accepted.status_code == 302
    profile = _profile(app, slug)
    assert not profile.kept_by_facilitator
    assert cooperative.get(f"/ar/profiles/{quote(slug)}/edit").status_code == 200
    assert facilitator.get(f"/fr/profiles/{quote(slug)}/edit").status_code == 403
    assert submit(cooperative, path, {}).status_code == 400  # used once


def test_a_member_without_the_right_does_not_see_the_facilitator_option(app):
    member = signed_in(app, "member@example.org")
    assert 'name="on_behalf"' not in member.get("/fr/profiles/new").text
    created = submit(member, "/fr/profiles/new", {**FRENCH_ASSOCIATION, "on_behalf": "y"})
    assert _profile(app, _slug_of(created)).status == ProfileStatus.PENDING


def test_contact_details_only_for_confirmed_signed_in_people(app, demo_profile):
    anonymous = app.test_client().get("/fr/profiles/cooperative-nahla")
    assert "contact@nahla.example.org" not in anonymous.text
    api = app.test_client().get("/api/v1/profiles/cooperative-nahla").get_json()
    assert api["email"] is None and api["phone"] is None
    unconfirmed = app.test_client()
    register(unconfirmed, "new@example.org")
    log_in(unconfirmed, "new@example.org")
    assert "contact@nahla.example.org" not in unconfirmed.get(
        "/fr/profiles/cooperative-nahla").text
    confirmed = signed_in(app, "member@example.org")
    assert "contact@nahla.example.org" in confirmed.get("/fr/profiles/cooperative-nahla").text


def test_a_profile_may_not_take_the_address_of_the_form(app):
    make_user(app, "x@example.org")
    client = signed_in(app, "claire@example.fr")
    created = submit(client, "/fr/profiles/new", {**FRENCH_ASSOCIATION, "name": "New"})
    assert _slug_of(created) == "new-2"
