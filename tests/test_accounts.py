"""Accounts end to end with the test client: register, confirm from the outbox, log in,
passwords, the address, settings, personal data, deletion; nothing tells a stranger which
addresses have an account."""

from __future__ import annotations

import re

import pytest
import sqlalchemy as sa
from site_helpers import (
    PASSWORD,
    csrf_token,
    link_in,
    log_in,
    mails_to,
    make_user,
    outbox,
    register,
    signed_in,
    submit,
    text_of,
)

from twinning.extensions import db
from twinning.models import MemberRole, Membership, Profile, ProfileChange, ProfileStatus, User
from twinning.notifications.events import EVENTS


def _user(app, email: str) -> User | None:
    with app.app_context():
        user = db.session.scalar(sa.select(User).where(User.email == email))
        if user is not None:
            db.session.expunge(user)
        return user


def test_register_confirm_from_the_outbox_and_log_in(app, client):
    response = register(client, "Amina@Example.org", name="أمينة", lang="ar")
    assert response.status_code == 302
    assert response.headers["Location"] == "/ar/account/check-your-mailbox"
    user = _user(app, "amina@example.org")
    assert user is not None and not user.is_confirmed and user.lang == "ar"
    assert user.consent_at is not None
    assert user.password_hash.startswith("scrypt:") and PASSWORD not in user.password_hash

    [message] = mails_to(app, "amina@example.org")
    assert message["Content-Language"] == "ar"
    assert re.search("[\u0600-\u06ff]", str(message["Subject"]))
    confirmed = client.get(link_in(message, "/account/confirm/"))
    assert confirmed.status_code == 302 and confirmed.headers["Location"] == "/ar/account/login"
    assert _user(app, "amina@example.org").is_confirmed

    signed = log_in(client, "amina@example.org", lang="ar")
    assert signed.status_code == 302 and signed.headers["Location"] == "/ar/account/"
    page = client.get("/ar/account/")
    assert page.status_code == 200 and "أمينة" in page.text


def test_registering_an_existing_address_looks_the_same_and_warns_its_owner(app, client):
    make_user(app, "known@example.org", lang="es")
    fresh = register(client, "new@example.org")
    again = register(app.test_client(), "known@example.org", name="Somebody else")
    assert fresh.status_code == again.status_code == 302
    assert fresh.headers["Location"] == again.headers["Location"]
    [warning] = mails_to(app, "known@example.org")
    assert "/es/account/reset" in text_of(warning)  # in the owner's language, not the page's
    assert _user(app, "known@example.org").name == "known"


def test_log_in_and_reset_answer_the_same_whether_or_not_the_address_exists(app, client):
    make_user(app, "known@example.org")
    wrong_password = log_in(client, "known@example.org", password="not the password at all")
    no_account = log_in(client, "nobody@example.org")
    assert wrong_password.status_code == no_account.status_code == 200
    assert _without_tokens(wrong_password.text).replace("known@example.org", "X") == \
        _without_tokens(no_account.text).replace("nobody@example.org", "X")
    known = submit(client, "/fr/account/reset", {"email": "known@example.org"})
    unknown = submit(client, "/fr/account/reset", {"email": "nobody@example.org"})
    assert known.status_code == unknown.status_code == 200
    assert _without_tokens(known.text) == _without_tokens(unknown.text)
    assert len(mails_to(app, "known@example.org")) == 1
    assert mails_to(app, "nobody@example.org") == []


def _without_tokens(html: str) -> str:
    return re.sub(r'value="[^"]*"', "", html)


@pytest.mark.parametrize(("password", "message"), [
    ("short1", "at least 10 characters"),
    ("1234567890", "too common"),
    ("password123", "too common"),
    ("aaaaaaaaaaaa", "too common"),
    ("me@example.org", "your e-mail address or your name"),
    ("x" * 201, "at most 200"),
])
def test_weak_passwords_are_refused_with_a_translated_reason(app, client, password, message):
    response = register(client, "me@example.org", password=password, lang="en")
    assert response.status_code == 422
    assert message in response.text
    assert _user(app, "me@example.org") is None
    french = register(client, "me@example.org", password=password, lang="fr")
    assert message not in french.text and 'class="field-error"' in french.text


@pytest.mark.parametrize(("field", "value", "message"), [
    ("email", "not-an-address", "This is not an e-mail address."),
    ("name", "", "Please fill in this field."),
    ("consent", "", "agreement to the privacy notice"),
    ("lang", "xx", "Not a valid choice"),
])
def test_every_register_field_is_checked_and_nothing_is_stored(app, client, field, value,
                                                               message):
    data = {"name": "Amina", "email": "amina@example.org", "password": PASSWORD, "lang": "en",
            "consent": "y", field: value}
    response = submit(client, "/en/account/register", data)
    assert response.status_code == 422
    assert message in response.text
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(User.id))) == 0
    assert outbox(app) == []


def test_a_form_without_its_csrf_token_is_refused(app, client):
    response = client.post("/fr/account/register", data={
        "name": "Amina", "email": "amina@example.org", "password": PASSWORD, "lang": "fr",
        "consent": "y"})
    assert response.status_code == 400
    assert '<html lang="fr"' in response.text
    assert _user(app, "amina@example.org") is None


def test_password_reset_link_works_once_and_signs_other_devices_out(app, client):
    make_user(app, "known@example.org")
    other_device = app.test_client()
    log_in(other_device, "known@example.org")
    assert other_device.get("/fr/account/").status_code == 200
    submit(client, "/fr/account/reset", {"email": "known@example.org"})
    link = link_in(mails_to(app, "known@example.org")[-1], "/account/reset/")
    changed = submit(client, link, {"password": "a brand new passphrase"})
    assert changed.status_code == 302
    assert client.get("/fr/account/").status_code == 200  # signed in by the reset
    assert client.get(link).status_code == 400  # the link died with the old password
    assert other_device.get("/fr/account/").status_code == 302  # signed out
    assert log_in(app.test_client(), "known@example.org",
                  password="a brand new passphrase").status_code == 302


def test_an_expired_link_says_so(make_app):
    app = make_app(RESET_LINK_MAX_AGE=-1)
    make_user(app, "known@example.org", lang="en")
    client = app.test_client()
    submit(client, "/en/account/reset", {"email": "known@example.org"})
    link = link_in(mails_to(app, "known@example.org")[-1], "/account/reset/")
    response = client.get(link)
    assert response.status_code == 400 and "expired" in response.text
    assert client.get("/en/account/confirm/forged-token").status_code == 400


def test_change_password_needs_the_current_one(app):
    client = signed_in(app, "amina@example.org")
    wrong = submit(client, "/en/account/password",
                   {"current_password": "not my password", "password": "another good one"})
    assert "not your current password" in wrong.text
    right = submit(client, "/en/account/password",
                   {"current_password": PASSWORD, "password": "another good one"})
    assert right.status_code == 302
    assert client.get("/en/account/").status_code == 200  # this device stays signed in
    assert log_in(app.test_client(), "amina@example.org",
                  password="another good one").status_code == 302


def test_change_of_address_is_confirmed_from_the_new_address(app):
    client = signed_in(app, "old@example.org", lang="en")
    make_user(app, "taken@example.org")
    taken = submit(client, "/en/account/email", {"email": "taken@example.org",
                                                 "password": PASSWORD})
    assert taken.status_code == 302  # the same answer as for a free address
    assert "already has an account" in text_of(mails_to(app, "taken@example.org")[-1])
    submit(client, "/en/account/email", {"email": "new@example.org", "password": PASSWORD})
    assert _user(app, "old@example.org") is not None  # not changed yet
    link = link_in(mails_to(app, "new@example.org")[-1], "/account/email/")
    assert client.get(link).status_code == 302
    assert _user(app, "new@example.org") is not None
    assert "new@example.org" in text_of(mails_to(app, "old@example.org")[-1])


def test_settings_change_name_language_and_e_mails(app):
    client = signed_in(app, "amina@example.org")
    response = submit(client, "/fr/account/settings",
                      {"name": "Amina B.", "lang": "es", "email_events": []})
    assert response.status_code == 302
    user = _user(app, "amina@example.org")
    assert (user.name, user.lang) == ("Amina B.", "es")
    assert user.email_opt_outs == sorted(EVENTS)  # every box unticked: no notification e-mail


def test_data_json_holds_everything_about_the_person(app, demo_profile):
    client = signed_in(app, "amina@example.org", name="Amina")
    with app.app_context():
        user = db.session.scalar(sa.select(User).where(User.email == "amina@example.org"))
        db.session.add(Membership(user_id=user.id, profile_id=demo_profile,
                                  role=MemberRole.OWNER))
        db.session.commit()
    response = client.get("/fr/account/data.json")
    assert response.status_code == 200 and response.mimetype == "application/json"
    data = response.get_json()
    assert data["account"]["email"] == "amina@example.org"
    assert data["account"]["name"] == "Amina"
    assert data["organisations"][0]["role"] == "owner"
    assert "password" not in str(data).lower()
    assert app.test_client().get("/fr/account/data.json").status_code == 302


def test_deleting_the_account_erases_it_and_archives_what_nobody_else_keeps(app, demo_profile):
    client = signed_in(app, "amina@example.org")
    make_user(app, "karim@example.org")
    with app.app_context():
        amina = db.session.scalar(sa.select(User).where(User.email == "amina@example.org"))
        karim = db.session.scalar(sa.select(User).where(User.email == "karim@example.org"))
        shared = db.session.get(Profile, demo_profile)
        alone = Profile(external_id="alone", slug="alone", name="Alone", kind=shared.kind,
                        country="FR", status=ProfileStatus.PUBLISHED)
        db.session.add(alone)
        db.session.flush()
        db.session.add_all([
            Membership(user_id=amina.id, profile_id=shared.id, role=MemberRole.OWNER),
            Membership(user_id=karim.id, profile_id=shared.id, role=MemberRole.OWNER),
            Membership(user_id=amina.id, profile_id=alone.id, role=MemberRole.OWNER),
            ProfileChange(profile_id=shared.id, user_id=amina.id, action="edited",
                          fields={"name": ["a", "b"]}),
        ])
        db.session.commit()
    wrong = submit(client, "/fr/account/delete", {"password": "not my password"})
    assert wrong.status_code == 200 and _user(app, "amina@example.org") is not None
    deleted = submit(client, "/fr/account/delete", {"password": PASSWORD})
    assert deleted.status_code == 302
    assert _user(app, "amina@example.org") is None
    with app.app_context():
        assert db.session.get(Profile, demo_profile).status == ProfileStatus.PUBLISHED
        alone = db.session.scalar(sa.select(Profile).where(Profile.slug == "alone"))
        assert alone.status == ProfileStatus.ARCHIVED
        change = db.session.scalar(sa.select(ProfileChange).where(
            ProfileChange.profile_id == demo_profile, ProfileChange.action == "edited"))
        assert change.user_id is None and change.fields == {"name": ["a", "b"]}
    assert client.get("/fr/account/").status_code == 302


def test_log_out_is_a_post(app):
    client = signed_in(app, "amina@example.org")
    assert client.get("/fr/account/logout").status_code == 200  # a page with the button
    assert client.get("/fr/account/").status_code == 200
    response = submit(client, "/fr/account/logout", {}, form_page="/fr/account/logout")
    assert response.status_code == 302
    assert client.get("/fr/account/").status_code == 302


def test_next_only_leads_to_this_site(app):
    make_user(app, "amina@example.org")
    client = app.test_client()
    token = csrf_token(client, "/fr/account/login")
    outside = client.post("/fr/account/login?next=https://evil.example/x",
                          data={"email": "amina@example.org", "password": PASSWORD,
                                "csrf_token": token})
    assert outside.headers["Location"] == "/fr/account/"
    client = app.test_client()
    token = csrf_token(client, "/fr/account/login")
    inside = client.post("/fr/account/login?next=/fr/profiles/new",
                         data={"email": "amina@example.org", "password": PASSWORD,
                               "csrf_token": token})
    assert inside.headers["Location"] == "/fr/profiles/new"


def test_pages_that_need_an_account_send_to_log_in(client):
    for url in ("/fr/account/", "/fr/account/settings", "/fr/profiles/new",
                "/fr/moderation/"):
        response = client.get(url)
        assert response.status_code == 302
        assert response.headers["Location"].startswith("/fr/account/login?next=")


def test_writing_needs_a_confirmed_address(app, client):
    register(client, "amina@example.org")
    log_in(client, "amina@example.org")
    response = client.get("/fr/profiles/new")
    assert response.headers["Location"] == "/fr/account/unconfirmed"
    resent = submit(client, "/fr/account/confirm", {}, form_page="/fr/account/unconfirmed")
    assert resent.status_code == 302
    assert len(mails_to(app, "amina@example.org")) == 2
