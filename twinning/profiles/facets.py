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
    countries = db.session.scalars(
        sa.select(Profile.country).where(Profile.is_published).distinct()
        .order_by(Profile.country)
    ).all()
    languages = db.session.scalars(
        sa.select(ProfileLanguage.lang).join(Profile).where(Profile.is_published).distinct()
        .order_by(ProfileLanguage.lang)
    ).all()
    return Facets(
        countries=list(countries),
        provinces=list(territories.province_codes()),
        languages=list(languages),
        sectors=[term.code for term in taxonomy.terms() if term.kind == taxonomy.SECTOR],
        capabilities=[term.code for term in taxonomy.terms()
                      if term.kind == taxonomy.CAPABILITY],
    )


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
