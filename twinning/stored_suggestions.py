"""Each profile's best partners stored in the database, so that pages listing many
organisations (a territory's dashboard, the digests) read them in one query.

Rows go when either profile changes, at a rebuild, when two organisations become partners,
and after ``STORED_SUGGESTIONS_MAX_AGE_DAYS`` (new profiles come in); they are computed
again on demand by :func:`twinning.suggestions.stored_for`.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime, timedelta

import sqlalchemy as sa
from flask import current_app

from twinning.extensions import db
from twinning.matching.records import Match, Reason
from twinning.models import Profile, StoredSuggestion


def read(profile_ids: list[int], per_profile: int) -> dict[int, list[tuple[Profile, Match]]]:
    """The fresh stored partners of each profile (at most ``per_profile``), best first;
    published partners only. A profile without fresh rows maps to an empty list."""
    fresh_since = datetime.now(UTC) - timedelta(
        days=current_app.config["STORED_SUGGESTIONS_MAX_AGE_DAYS"])
    rows = db.session.execute(
        sa.select(StoredSuggestion, Profile)
        .join(Profile, Profile.id == StoredSuggestion.partner_id)
        .where(StoredSuggestion.profile_id.in_(profile_ids),
               StoredSuggestion.rank < per_profile,
               StoredSuggestion.computed_at >= fresh_since, Profile.is_published)
        .order_by(StoredSuggestion.profile_id, StoredSuggestion.rank)).all()
    found: dict[int, list[tuple[Profile, Match]]] = {profile_id: [] for profile_id in profile_ids}
    for row, partner in rows:
        found[row.profile_id].append((partner, Match(
            partner.slug, row.score, tuple(Reason(item["kind"], tuple(item["terms"]))
                                           for item in row.reasons))))
    return found


def store(answers: dict[int, Iterable[tuple[Profile, Match]]]) -> None:
    """Keep these profiles' answers (profile id → partners best first) in place of what
    was stored for them."""
    forget_stored(list(answers), as_partners=False)
    db.session.add_all(
        StoredSuggestion(profile_id=profile_id, rank=rank, partner_id=partner.id,
                         score=match.score, reasons=[reason.as_dict() for reason in match.reasons])
        for profile_id, answered in answers.items()
        for rank, (partner, match) in enumerate(answered))
    db.session.commit()


def forget_stored(profile_ids: list[int] | None = None, as_partners: bool = True) -> None:
    """Drop the stored suggestions of these profiles (and, unless ``as_partners`` is
    false, those in which they are the suggested partner); all of them when None."""
    query = sa.delete(StoredSuggestion)
    if profile_ids is not None:
        condition = StoredSuggestion.profile_id.in_(profile_ids)
        if as_partners:
            condition = sa.or_(condition, StoredSuggestion.partner_id.in_(profile_ids))
        query = query.where(condition)
    db.session.execute(query)
    db.session.commit()


def forget_pair(first: Profile, second: Profile) -> None:
    """Two organisations became partners: neither is suggested to the other any more."""
    forget_stored([first.id, second.id])
