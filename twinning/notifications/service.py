"""Telling people what happened: a notification in the site (the count in the header) and,
unless they stopped that kind, an e-mail in their own language."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa
from flask import url_for

from twinning import session_memo
from twinning.extensions import db
from twinning.models import Exchange, Notification, Profile, User
from twinning.notifications import preferences

SHOWN = 50


@dataclass(frozen=True)
class Email:
    """The e-mail that goes with a notification: ``mail/<template>.txt|html`` and a lazy
    subject; ``context`` is given to the templates (each recipient's own ``link`` too)."""

    template: str
    subject: Any
    context: dict[str, Any] = field(default_factory=dict)


def notify(users: Iterable[User], event: str, *, exchange: Exchange | None = None,
           profile: Profile | None = None, data: dict[str, Any] | None = None,
           email: Email | None = None, link=None) -> None:
    """Record ``event`` for each of ``users`` (each once) and e-mail them.

    ``link(user)`` gives the address the e-mail points to, in the recipient's language.
    The notifications are committed before any e-mail leaves, so a slow mail server never
    holds a transaction open; each e-mail's key is its notification (one event, one person).
    """
    recipients = list({user.id: user for user in users}.values())
    told = [Notification(user_id=user.id, event=event,
                         exchange_id=exchange.id if exchange else None,
                         profile_id=profile.id if profile else None, data=data or {})
            for user in recipients]
    db.session.add_all(told)
    db.session.commit()
    if email is None:
        return
    for user, notification in zip(recipients, told, strict=True):
        context = dict(email.context, exchange=exchange, profile=profile)
        if link is not None:
            context["link"] = link(user)
        preferences.email(user, event, email.template, email.subject,
                          key=f"notification:{notification.id}", **context)


def unread_count_column(user_id: Any) -> sa.ScalarSelect:
    """How many notifications of ``user_id`` (a value or a column) are unread, as a column."""
    return (sa.select(sa.func.count(Notification.id))
            .where(Notification.user_id == user_id, Notification.read_at.is_(None))
            .scalar_subquery())


def unread_count(user: User) -> int:
    """Read once per session state (the header asks on every page), or taken from the
    query that loaded the signed-in person (:func:`note_unread_count`)."""
    return session_memo.read_once(_unread_key(user), lambda: db.session.scalar(
        sa.select(unread_count_column(user.id))) or 0)


def note_unread_count(user: User, count: int) -> None:
    session_memo.note(_unread_key(user), count)


def _unread_key(user: User) -> tuple[str, int]:
    return ("unread_notifications", user.id)


def recent(user: User, limit: int = SHOWN) -> list[Notification]:
    """Newest first."""
    return list(db.session.scalars(
        sa.select(Notification).where(Notification.user_id == user.id)
        .order_by(Notification.created_at.desc(), Notification.id.desc()).limit(limit)
    ))


def target_of(user: User, notification_id: int) -> str | None:
    """The page a notification is about: its exchange, or its profile."""
    notification = db.session.get(Notification, notification_id)
    if notification is None or notification.user_id != user.id:
        return None
    if notification.exchange_id is not None:
        return url_for("exchanges.detail", exchange_id=notification.exchange_id)
    if notification.profile is not None:
        return url_for("web.profile", slug=notification.profile.slug)
    return None


def mark_read(user: User, notification_id: int | None = None) -> None:
    """One notification, or all of the person's, as read."""
    condition = [Notification.user_id == user.id, Notification.read_at.is_(None)]
    if notification_id is not None:
        condition.append(Notification.id == notification_id)
    db.session.execute(sa.update(Notification).where(*condition)
                       .values(read_at=datetime.now(UTC)))
    db.session.commit()
