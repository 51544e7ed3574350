"""The signed-in reader, loaded by Flask-Login in one query with what every page shows of
them besides: their organisations (the header's dashboard link, every permission check),
the number of their unread notifications (the header's badge) and the change log's newest
id (the version remembered content is checked against).

Once a page's content comes from memory (:mod:`twinning.remembered`), its database round
trips are most of its cost: reading the first three apart took about 0.8 ms of a worker's CPU
per page, together about 0.25 ms (bench/load.py). This module sits above the features
whose values it reads, so none of them depends on another for it."""

from __future__ import annotations

from functools import cache

import sqlalchemy as sa
from flask import Flask, request
from flask_login import current_user

from twinning import index_version
from twinning.extensions import db, login_manager
from twinning.memberships import service as memberships
from twinning.models import User
from twinning.notifications import service as notifications


@cache
def _reader_statement() -> sa.Select:
    """Made once: building the statement and its cache key for every request took half
    as long again as running it (about 0.7 ms of a worker's CPU per page)."""
    return memberships.with_organisations(
        sa.select(User, notifications.unread_count_column(User.id),
                  index_version.latest_column())
        .where(User.session_token == sa.bindparam("session_token")))


def load_reader(session_token: str) -> User | None:
    """Flask-Login's user loader: the id in the session is the rotating session token."""
    row = db.session.execute(_reader_statement(),
                             {"session_token": session_token}).unique().first()
    if row is None:
        return None
    user, unread, version = row
    memberships.note_organisations(user)
    notifications.note_unread_count(user, unread or 0)
    index_version.note_latest(version)
    return user


def _load_reader_first() -> None:
    """Load the reader before the view asks for the version on its own (static files
    need neither)."""
    if request.endpoint != "static":
        current_user._get_current_object()  # Flask-Login loads on first use


def init_app(app: Flask) -> None:
    login_manager.user_loader(load_reader)
    app.before_request(_load_reader_first)
