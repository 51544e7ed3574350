"""What the directory can be filtered by: the values that published profiles actually have."""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa

from twinning.extensions import db
from twinning.models import Profile, ProfileLanguage, TaxonomyTerm
from twinning.models.profile import profile_sector
from twinning.reference import taxonomy, territories
from twinning.reference.countries import MOROCCO


@dataclass(frozen=True)
class Facets:
    countries: list[str]
    provinces: list[str]  # Oriental province codes, in the data file's order
    languages: list[str]
    sectors: list[str]  # taxonomy order
    capabilities: list[str]


def directory_facets() -> Facets:
    return Facets(
        countries=_distinct(Profile.country, Profile.is_published),
        provinces=list(territories.province_codes()),
        languages=_distinct(ProfileLanguage.lang, sa.exists().where(
            Profile.id == ProfileLanguage.profile_id, Profile.is_published)),
        sectors=[term.code for term in taxonomy.terms() if term.kind == taxonomy.SECTOR],
        capabilities=[term.code for term in taxonomy.terms()
                      if term.kind == taxonomy.CAPABILITY],
    )


def _distinct(column: sa.ColumnElement[str], *where: sa.ColumnElement[bool]) -> list[str]:
    """The distinct values of an indexed ``column`` among the rows ``where`` selects, in
    order: the least one, then again and again the least one after the last found, each
    of which the column's index answers at once (``ix_profile_status_country``,
    ``ix_profile_language_lang``). A hundred thousand profiles then cost a few lookups
    per value, where ``SELECT DISTINCT`` reads them all (the directory shows these on
    every page)."""
    def least(*more: sa.ColumnElement[bool]) -> sa.ScalarSelect:
        return sa.select(column).where(*where, *more).order_by(column).limit(1) \
            .scalar_subquery()

    seen = sa.select(least().label("value")).cte("seen", recursive=True)
    seen = seen.union_all(sa.select(least(column > seen.c.value))
                          .where(seen.c.value.is_not(None)))
    return list(db.session.scalars(sa.select(seen.c.value).where(seen.c.value.is_not(None))))


def sector_counts() -> dict[str, int]:
    """Published profiles per sector code (given codes)."""
    rows = db.session.execute(
        sa.select(TaxonomyTerm.code, sa.func.count(profile_sector.c.profile_id))
        .join(profile_sector, profile_sector.c.term_id == TaxonomyTerm.id)
        .join(Profile, Profile.id == profile_sector.c.profile_id)
        .where(Profile.is_published)
        .group_by(TaxonomyTerm.code)
    )
    return dict(rows.all())


def province_counts() -> dict[str, int]:
    rows = db.session.execute(
        sa.select(Profile.province, sa.func.count(Profile.id))
        .where(Profile.is_published, Profile.country == MOROCCO)
        .group_by(Profile.province)
    )
    return {code: count for code, count in rows.all() if code}


def country_counts() -> dict[str, int]:
    rows = db.session.execute(
        sa.select(Profile.country, sa.func.count(Profile.id))
        .where(Profile.is_published)
        .group_by(Profile.country)
    )
    return dict(rows.all())
