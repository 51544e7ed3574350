"""Profiles of one place: a Moroccan province or town, or a country."""

from __future__ import annotations

import sqlalchemy as sa

from twinning.extensions import db
from twinning.models import Profile
from twinning.reference import territories
from twinning.reference.countries import MOROCCO
from twinning.reference.territories import PROVINCE, Place


def in_place(place: Place) -> sa.ColumnElement[bool]:
    """Published profiles of a province (any town in it) or of one town: the one condition
    the place pages, the territory page and the dashboard share."""
    if place.level == PROVINCE:
        where = Profile.province == place.code
    else:
        where = Profile.city == place.name("fr")
    return sa.and_(Profile.is_published, Profile.country == MOROCCO, where)


def profiles_of_place(place: Place) -> list[Profile]:
    """The published profiles of a place, for cards (their collections are not loaded)."""
    return list(db.session.scalars(
        sa.select(Profile).where(in_place(place))
        .order_by(Profile.kind, Profile.name)
    ))


def profiles_of_country(country: str) -> list[Profile]:
    return list(db.session.scalars(
        sa.select(Profile)
        .where(Profile.is_published, Profile.country == country)
        .order_by(Profile.kind, Profile.name)
    ))


def find_place(code: str) -> Place | None:
    """A province or town by code or by any spelling of its name."""
    return territories.by_code().get(code) or territories.resolve_town(code) \
        or territories.resolve_province(code)


def towns_of(province: Place) -> list[Place]:
    return [place for place in territories.places() if place.parent_code == province.code]


def profiles_with_coordinates() -> list[Profile]:
    return list(db.session.scalars(
        sa.select(Profile)
        .where(Profile.is_published, Profile.latitude.is_not(None))
        .order_by(Profile.country, Profile.name)
    ))
