"""Counts of profiles by kind, country, province, sector and working language."""

from __future__ import annotations

import sqlalchemy as sa

from twinning.extensions import db
from twinning.models import Profile, ProfileLanguage, TaxonomyTerm
from twinning.models.profile import profile_sector


def _grouped(column: sa.ColumnElement, *joins: tuple) -> list[tuple[str, int]]:
    count = sa.func.count(sa.distinct(Profile.id))
    query = sa.select(column, count).select_from(Profile)
    for target, condition in joins:
        query = query.join(target, condition)
    query = query.where(column.is_not(None)).group_by(column).order_by(count.desc(), column)
    return [(str(key), number) for key, number in db.session.execute(query)]


def profile_statistics() -> dict[str, object]:
    return {
        "total": db.session.scalar(sa.select(sa.func.count(Profile.id))) or 0,
        "kind": _grouped(Profile.kind),
        "country": _grouped(Profile.country),
        "province": _grouped(Profile.province),
        "sector": _grouped(
            TaxonomyTerm.code,
            (profile_sector, profile_sector.c.profile_id == Profile.id),
            (TaxonomyTerm, TaxonomyTerm.id == profile_sector.c.term_id),
        ),
        "language": _grouped(
            ProfileLanguage.lang, (ProfileLanguage, ProfileLanguage.profile_id == Profile.id)
        ),
    }
