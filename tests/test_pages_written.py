"""The pages people write to exist in every language, right to left in Arabic, as valid
HTML, and every one of their forms carries a CSRF token."""

from __future__ import annotations

import re

import html5lib
import pytest
from site_helpers import register, signed_in

from twinning.extensions import db
from twinning.models import MemberRole, Membership, Role, User

LANGUAGES = ("ar", "fr", "en", "es")
PUBLIC = ("/account/register", "/account/login", "/account/reset",
          "/account/check-your-mailbox", "/account/logout", "/privacy")
SIGNED_IN = ("/account/", "/account/settings", "/account/password", "/account/email",
             "/account/delete", "/profiles/new", "/profiles/cooperative-nahla/edit",
             "/profiles/cooperative-nahla/members", "/profiles/cooperative-nahla",
             "/moderation/", "/moderation/cooperative-nahla/history", "/moderation/archived",
             "/moderation/users")


@pytest.fixture
def admin(app, demo_profile):
    client = signed_in(app, "admin@example.org", role=Role.ADMIN, facilitator=True)
    with app.app_context():
        user = db.session.scalar(db.select(User).where(User.email == "admin@example.org"))
        db.session.add(Membership(user_id=user.id, profile_id=demo_profile,
                                  role=MemberRole.OWNER))
        db.session.commit()
    return client


def _valid(response, lang: str) -> str:
    assert response.status_code == 200, response.status_code
    html5lib.HTMLParser(strict=True).parse(response.data)
    direction = "rtl" if lang == "ar" else "ltr"
    assert f'<html lang="{lang}" dir="{direction}">' in response.text
    for form in response.text.split("<form")[1:]:
        if 'method="post"' in form.split(">", 1)[0]:
            assert 'name="csrf_token"' in form.split("</form>", 1)[0], form[:300]
    return response.text


@pytest.mark.parametrize("lang", LANGUAGES)
def test_public_pages(client, lang):
    for page in PUBLIC:
        _valid(client.get(f"/{lang}{page}"), lang)


@pytest.mark.parametrize("lang", LANGUAGES)
def test_pages_of_a_signed_in_admin(admin, lang):
    for page in SIGNED_IN:
        _valid(admin.get(f"/{lang}{page}"), lang)


def test_the_outbox_pages_are_valid(client):
    register(client, "amina@example.org", lang="ar")
    listing = client.get("/dev/outbox", headers={"Accept-Language": "ar"})
    _valid(listing, "ar")
    name = re.search(r'href="/dev/outbox/([^"]+\.eml)"', listing.text).group(1)
    _valid(client.get(f"/dev/outbox/{name}", headers={"Accept-Language": "ar"}), "ar")
