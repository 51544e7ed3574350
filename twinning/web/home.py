"""What the home page shows: live counts of published organisations."""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa

from twinning.extensions import db
from twinning.models import Profile
from twinning.reference.countries import MOROCCO


@dataclass(frozen=True)
class HomeCounts:
    profiles: int
    oriental: int
    europe: int
    countries: int


def home_counts() -> HomeCounts:
    count = sa.func.count(Profile.id)
    total = db.session.scalar(sa.select(count).where(Profile.is_published)) or 0
    oriental = db.session.scalar(
        sa.select(count).where(Profile.is_published, Profile.country == MOROCCO)
    )
    countries = db.session.scalar(
        sa.select(sa.func.count(sa.distinct(Profile.country))).where(Profile.is_published)
    )
    return HomeCounts(
        profiles=total,
        oriental=oriental or 0,
        europe=total - (oriental or 0),
        countries=countries or 0,
    )
