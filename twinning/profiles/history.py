"""A profile's history: every change with who, when, which fields (old and new values) and
why. Submission, editing, imports, moderation and hand-over all write here."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa

from twinning.extensions import db
from twinning.models import ChangeAction, Profile, ProfileChange, User


def changed_fields(before: dict[str, Any], after: dict[str, Any]) -> dict[str, list[Any]]:
    """``{field: [old, new]}`` for each interchange field whose value differs."""
    return {name: [before.get(name), after.get(name)]
            for name in dict.fromkeys([*before, *after])
            if before.get(name) != after.get(name)}


def record(profile: Profile, action: ChangeAction, user: User | None, *,
           fields: dict[str, list[Any]] | None = None, reason: str | None = None,
           needs_review: bool = False, source: str | None = None) -> ProfileChange:
    """Add one change to the session; the caller's transaction commits it with the rest."""
    change = ProfileChange(profile_id=profile.id, user_id=user.id if user else None,
                           action=action, fields=fields or {}, reason=reason,
                           needs_review=needs_review, source=source)
    db.session.add(change)
    return change


def of_profile(profile: Profile) -> list[ProfileChange]:
    """Newest first."""
    return list(db.session.scalars(
        sa.select(ProfileChange).where(ProfileChange.profile_id == profile.id)
        .order_by(ProfileChange.at.desc(), ProfileChange.id.desc())
    ))


def latest(profile: Profile, action: ChangeAction) -> ProfileChange | None:
    return db.session.scalar(
        sa.select(ProfileChange)
        .where(ProfileChange.profile_id == profile.id, ProfileChange.action == action)
        .order_by(ProfileChange.at.desc(), ProfileChange.id.desc()).limit(1)
    )
