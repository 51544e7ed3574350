"""E-mail: through a real SMTP server (aiosmtpd in a thread), or into the outbox and
``/dev/outbox`` when none is configured; each message in its recipient's language."""

from __future__ import annotations

import re
from email import message_from_bytes, policy

import pytest
import sqlalchemy as sa
from site_helpers import (
    link_in,
    log_in,
    mails_to,
    make_user,
    outbox,
    register,
    smtp_server_for,
    submit,
    text_of,
)

from twinning.extensions import db
from twinning.models import MemberRole, Membership, Role, User


class Collector:
    """An SMTP server's handler that keeps every message it is given."""

    def __init__(self) -> None:
        self.messages = []

    async def handle_DATA(self, server, session, envelope):
        self.messages.append((envelope.rcpt_tos,
                              message_from_bytes(envelope.content, policy=policy.default)))
        return "250 Message accepted for delivery"


@pytest.fixture
def smtp_server():
    collector = Collector()
    with smtp_server_for(collector) as controller:
        yield controller, collector


def test_messages_go_through_smtp_when_a_server_is_configured(make_app, smtp_server):
    controller, collector = smtp_server
    app = make_app(MAIL_SERVER="127.0.0.1", MAIL_PORT=controller.port, MAIL_USE_TLS=False,
                   MAIL_DEFAULT_SENDER="Twinning Oriental <no-reply@twinning.test>")
    response = register(app.test_client(), "amina@example.org", name="Amina", lang="es")
    assert response.status_code == 302
    [(recipients, message)] = collector.messages
    assert recipients == ["amina@example.org"]
    assert message["From"] == "Twinning Oriental <no-reply@twinning.test>"
    assert message["To"] == "amina@example.org"
    assert message["Date"] and re.fullmatch(r"<[^@]+@twinning\.test>", message["Message-ID"])
    assert message["Content-Language"] == "es"
    assert message.get_body(preferencelist=("plain",)) is not None
    html = message.get_body(preferencelist=("html",)).get_content()
    assert '<html lang="es" dir="ltr">' in html
    assert "/es/account/confirm/" in html
    assert outbox(app) == []


def test_an_unreachable_server_does_not_lose_the_account(make_app):
    app = make_app(MAIL_SERVER="127.0.0.1", MAIL_PORT=1, MAIL_USE_TLS=False, MAIL_TIMEOUT=2)
    response = register(app.test_client(), "amina@example.org")
    assert response.status_code == 302  # the account exists; the link can be sent again


def test_without_a_server_messages_land_in_the_outbox_and_its_page(app, client):
    register(client, "amina@example.org", name="أمينة", lang="ar")
    [message] = mails_to(app, "amina@example.org")
    assert message["Content-Language"] == "ar"
    html = message.get_body(preferencelist=("html",)).get_content()
    assert '<html lang="ar" dir="rtl">' in html
    listing = client.get("/dev/outbox")
    assert listing.status_code == 200 and "amina@example.org" in listing.text
    name = re.search(r'href="/dev/outbox/([^"]+\.eml)"', listing.text).group(1)
    shown = client.get(f"/dev/outbox/{name}")
    assert shown.status_code == 200 and 'href="http://twinning.test/ar/account/confirm/' in \
        shown.text
    assert client.get(f"/dev/outbox/{name}/html").mimetype == "text/html"
    assert client.get("/dev/outbox/..%2Fsecret_key").status_code == 404


def test_the_outbox_page_does_not_exist_in_production(make_app):
    app = make_app(ENV="production", ALLOW_SQLITE_IN_PRODUCTION=True)
    assert app.test_client().get("/dev/outbox").status_code == 404


def test_notifications_can_be_stopped_in_one_click_without_signing_in(app, demo_profile):
    make_user(app, "owner@example.ma", lang="fr")
    with app.app_context():
        user = db.session.scalar(sa.select(User).where(User.email == "owner@example.ma"))
        db.session.add(Membership(user_id=user.id, profile_id=demo_profile,
                                  role=MemberRole.OWNER))
        db.session.commit()
    moderator = app.test_client()
    make_user(app, "mod@example.org", role=Role.MODERATOR)
    log_in(moderator, "mod@example.org")
    history = "/fr/moderation/cooperative-nahla/history"
    submit(moderator, "/fr/moderation/cooperative-nahla/archive", {"reason": "Doublon."},
           form_page=history)
    [notice] = mails_to(app, "owner@example.ma")
    assert notice["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    link = link_in(notice, "/account/unsubscribe/")
    assert notice["List-Unsubscribe"] == f"<http://twinning.test{link}>"
    assert "Doublon." in text_of(notice)
    stranger = app.test_client()
    assert stranger.get(link).status_code == 200
    one_click = stranger.post(link, data={"List-Unsubscribe": "One-Click"})
    assert one_click.status_code == 204
    submit(moderator, "/fr/moderation/cooperative-nahla/restore", {}, form_page=history)
    assert len(mails_to(app, "owner@example.ma")) == 1  # no more of these
