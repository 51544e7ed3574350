"""Values read once per state of the database session: every page's header and permission
checks ask for the same few things (the reader's organisations, their unread count, the
published version), so each is read once and forgotten at the session's next flush,
commit or roll-back, when the database may say otherwise. Flask-SQLAlchemy gives every
request its own session, so nothing outlives the request."""

from __future__ import annotations

from collections.abc import Callable, Hashable
from typing import Any, TypeVar

import sqlalchemy as sa
from sqlalchemy import orm

from twinning.extensions import db

Value = TypeVar("Value")
_MEMO = "twinning.session_memo"  # key of Session.info


def read_once(key: Hashable, read: Callable[[], Value]) -> Value:
    """``read()``'s answer under ``key`` until the session's state changes."""
    memo = db.session.info.setdefault(_MEMO, {})
    if key not in memo:
        memo[key] = read()
    return memo[key]


def note(key: Hashable, value: Any) -> None:
    """Keep ``value`` under ``key`` when it came with another query (unless already read)."""
    db.session.info.setdefault(_MEMO, {}).setdefault(key, value)


@sa.event.listens_for(orm.Session, "after_flush")
@sa.event.listens_for(orm.Session, "after_commit")
@sa.event.listens_for(orm.Session, "after_soft_rollback")
def _forget(session: orm.Session, *_event: Any) -> None:
    session.info.pop(_MEMO, None)
