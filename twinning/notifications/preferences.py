"""Which e-mails a person receives: every notification can be stopped from a link in the
message itself, without signing in (``List-Unsubscribe``, one click)."""

from __future__ import annotations

from twinning import tokens
from twinning.extensions import db
from twinning.models import User
from twinning.notifications import mail
from twinning.notifications.events import EVENTS
from twinning.tokens import LinkError, Purpose


def wants_email(user: User, event: str) -> bool:
    return event not in (user.email_opt_outs or [])


def unsubscribe_url(user: User, event: str) -> str:
    token = tokens.make(Purpose.UNSUBSCRIBE, {"user": user.id, "event": event})
    return mail.external_url("accounts.unsubscribe", token=token, lang=user.lang)


def read_unsubscribe_link(token: str) -> tuple[User, str]:
    """The person and the kind of e-mail an unsubscribe link is for."""
    payload = tokens.read(Purpose.UNSUBSCRIBE, token)
    user = db.session.get(User, payload.get("user"))
    event = payload.get("event")
    if user is None or event not in EVENTS:
        raise LinkError(expired=False)
    return user, event


def unsubscribe(token: str) -> tuple[User, str]:
    """Stop one kind of e-mail for the person a link was sent to."""
    user, event = read_unsubscribe_link(token)
    if wants_email(user, event):
        user.email_opt_outs = sorted({*(user.email_opt_outs or []), event})
        db.session.commit()
    return user, event


def email(user: User, event: str, template: str, subject, key: str, **context) -> bool:
    """E-mail ``user`` in their own language, unless they stopped this kind; with the link
    that stops it (``List-Unsubscribe``). ``key`` names the event for this person: never
    two e-mails for it. True when a message was sent (or queued)."""
    if not wants_email(user, event):
        return False
    return mail.send(mail.compose(template, user.email, user.lang, subject,
                                  unsubscribe_url=unsubscribe_url(user, event), user=user,
                                  **context), key)
