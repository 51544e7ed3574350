"""A territory's figures, read with a few grouped queries: its organisations (a page at a
time), their exchanges by state and purpose, and what the charts count.

"The territory's organisations" are the published Moroccan profiles of a province (any
town in it) or of one town (``places.in_place``). "Partners" are the organisations across
the Mediterranean, outside Morocco, as the matching model's default mode pairs them.
Plain functions of the database: no request, no wording; the views label the figures.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import UTC, date, datetime

import sqlalchemy as sa

from twinning.exchanges import states
from twinning.extensions import db
from twinning.memberships import service as memberships
from twinning.models import (
    Exchange,
    ExchangeState,
    OrganisationKind,
    Profile,
    Purpose,
    TaxonomyTerm,
    User,
)
from twinning.models.profile import profile_need, profile_offer, profile_sector
from twinning.profiles import places
from twinning.profiles.queries import Page
from twinning.reference import territories
from twinning.reference.countries import MOROCCO
from twinning.reference.territories import Place

# Whose members see their territory's dashboard at /dashboard/: the bodies that look after
# a territory's organisations (communes, public agencies, federations of cooperatives).
AUTHORITY_KINDS = frozenset({OrganisationKind.LOCAL_AUTHORITY,
                             OrganisationKind.PUBLIC_AGENCY, OrganisationKind.FEDERATION})
MONTHS = 12


@dataclass(frozen=True)
class Month:
    """Requests asked and partnerships agreed (accepted) in one calendar month (UTC)."""

    start: date
    requests: int
    partnerships: int


@dataclass(frozen=True)
class Summary:
    """The key figures above the dashboard's tables."""

    organisations: int
    without_partner: int
    waiting: int  # requests not answered yet
    partnerships: int  # accepted, and what came after


# ----- who sees which territory -----------------------------------------------------------
def kept_organisations(user: User) -> list[Profile]:
    """The published organisations ``user`` keeps: one still waiting for a moderator proves
    nothing about who its members are."""
    return [row.profile for row in memberships.organisations_of(user)
            if row.profile.is_published]


def authorities(profiles: list[Profile]) -> list[Profile]:
    return [profile for profile in profiles if profile.kind in AUTHORITY_KINDS]


def provinces_of(profiles: list[Profile]) -> list[Place]:
    """The Oriental provinces of the Moroccan ones, in the territories' order; a European
    local authority has none (it is shown the list of provinces instead)."""
    codes = {profile.province for profile in profiles if profile.country == MOROCCO}
    return [place for place in territories.provinces() if place.code in codes]


# ----- the territory's organisations ------------------------------------------------------
def _organisation_ids(place: Place) -> sa.Select:
    return sa.select(Profile.id).where(places.in_place(place))


def _in_a_partnership(profile_id: sa.ColumnElement[int]) -> sa.ColumnElement[bool]:
    return sa.exists().where(
        Exchange.state.in_(states.PARTNERSHIP_STATES),
        sa.or_(Exchange.requester_id == profile_id, Exchange.partner_id == profile_id))


def _involving(place: Place) -> sa.ColumnElement[bool]:
    """Exchanges with an organisation of the territory on either side (once, even when
    both are)."""
    ids = _organisation_ids(place)
    return sa.or_(Exchange.requester_id.in_(ids), Exchange.partner_id.in_(ids))


def _organisations(place: Place, without_partner: bool) -> sa.Select:
    query = sa.select(Profile).where(places.in_place(place))
    if without_partner:
        query = query.where(~_in_a_partnership(Profile.id))
    return query


def count_organisations(place: Place, without_partner: bool = False) -> int:
    query = _organisations(place, without_partner)
    return db.session.scalar(sa.select(sa.func.count()).select_from(query.subquery())) or 0


def organisations(place: Place, page: int, per_page: int,
                  without_partner: bool = False) -> Page:
    """One page of the territory's organisations by name (only those without any
    partnership yet, when asked)."""
    items = list(db.session.scalars(
        _organisations(place, without_partner).options(*Profile.details_loaded())
        .order_by(Profile.name, Profile.id).limit(per_page).offset((page - 1) * per_page)))
    return Page(items=items, total=count_organisations(place, without_partner), page=page,
                per_page=per_page)


def all_organisations(place: Place, without_partner: bool = False) -> list[Profile]:
    """Every one of them, for a download."""
    return list(db.session.scalars(
        _organisations(place, without_partner).options(*Profile.details_loaded())
        .order_by(Profile.name, Profile.id)))


def partnership_counts(profiles: list[Profile]) -> dict[int, int]:
    """How many partnerships each of ``profiles`` has (as requester or as partner)."""
    ids = [profile.id for profile in profiles]
    partnership = Exchange.state.in_(states.PARTNERSHIP_STATES)
    sides = sa.union_all(
        sa.select(Exchange.requester_id.label("profile_id"))
        .where(partnership, Exchange.requester_id.in_(ids)),
        sa.select(Exchange.partner_id).where(partnership, Exchange.partner_id.in_(ids)),
    ).subquery()
    counts = dict(db.session.execute(
        sa.select(sides.c.profile_id, sa.func.count()).group_by(sides.c.profile_id)).all())
    return {profile_id: counts.get(profile_id, 0) for profile_id in ids}


def _placed(place: Place) -> sa.Select:
    return sa.select(Profile).where(places.in_place(place), Profile.latitude.is_not(None),
                                    Profile.longitude.is_not(None))


def with_coordinates(place: Place) -> list[Profile]:
    """The organisations the map can place."""
    return list(db.session.scalars(_placed(place).order_by(Profile.name, Profile.id)))


def has_coordinates(place: Place) -> bool:
    """Whether the map has anything to show (its scripts are sent only then)."""
    return bool(db.session.scalar(sa.select(_placed(place).exists())))


# ----- their exchanges --------------------------------------------------------------------
def exchanges_version() -> tuple:
    """Changes whenever an exchange is asked for or moves (its ``updated_at``): with the
    published profiles' version, what a territory's figures are remembered by. Exchanges
    are never deleted but with their profile, which changes that version."""
    return tuple(db.session.execute(
        sa.select(sa.func.count(Exchange.id), sa.func.max(Exchange.updated_at))).one())


def pipeline(place: Place) -> dict[tuple[Purpose, ExchangeState], int]:
    """How many exchanges involving the territory are in each state, for each purpose."""
    rows = db.session.execute(
        sa.select(Exchange.purpose, Exchange.state, sa.func.count())
        .where(_involving(place)).group_by(Exchange.purpose, Exchange.state))
    return {(purpose, state): count for purpose, state, count in rows}


def summary(place: Place) -> Summary:
    counts = pipeline(place)
    return Summary(
        organisations=count_organisations(place),
        without_partner=count_organisations(place, without_partner=True),
        waiting=sum(number for (_purpose, state), number in counts.items()
                    if state == ExchangeState.SENT),
        partnerships=sum(number for (_purpose, state), number in counts.items()
                         if state in states.PARTNERSHIP_STATES))


def months(place: Place, today: date, count: int = MONTHS) -> list[Month]:
    """Requests (by the day they were asked) and partnerships (by the day they were
    accepted) in each of the last ``count`` months, this one included. Counted here
    rather than grouped by the database: SQLite and PostgreSQL name months differently,
    and one territory's exchanges of a year are few."""
    starts = _month_starts(today, count)
    since = datetime(starts[0].year, starts[0].month, 1, tzinfo=UTC)
    rows = db.session.execute(
        sa.select(Exchange.created_at, Exchange.accepted_at)
        .where(_involving(place),
               sa.or_(Exchange.created_at >= since, Exchange.accepted_at >= since)))
    requests: Counter[date] = Counter()
    partnerships: Counter[date] = Counter()
    for created_at, accepted_at in rows:
        requests[date(created_at.year, created_at.month, 1)] += 1
        if accepted_at is not None:
            partnerships[date(accepted_at.year, accepted_at.month, 1)] += 1
    return [Month(start, requests[start], partnerships[start]) for start in starts]


def _month_starts(today: date, count: int) -> list[date]:
    first = today.year * 12 + today.month - 1 - (count - 1)
    return [date(number // 12, number % 12 + 1, 1) for number in range(first, first + count)]


# ----- what the charts count --------------------------------------------------------------
def sectors(place: Place) -> list[tuple[str, int]]:
    """(sector code, organisations of the territory in it), most first; an organisation
    counts once in each of its sectors."""
    count = sa.func.count(profile_sector.c.profile_id)
    rows = db.session.execute(
        sa.select(TaxonomyTerm.code, count)
        .join(profile_sector, profile_sector.c.term_id == TaxonomyTerm.id)
        .where(profile_sector.c.profile_id.in_(_organisation_ids(place)))
        .group_by(TaxonomyTerm.code, TaxonomyTerm.position)
        .order_by(count.desc(), TaxonomyTerm.position))
    return [(code, number) for code, number in rows]


def partner_countries(place: Place) -> list[tuple[str, int]]:
    """(country, partner organisations there), most first: the organisations on the other
    side of a partnership with one of the territory's, each counted once."""
    ids = _organisation_ids(place)
    partnership = Exchange.state.in_(states.PARTNERSHIP_STATES)
    partners = sa.union(
        sa.select(Exchange.partner_id.label("profile_id"))
        .where(partnership, Exchange.requester_id.in_(ids)),
        sa.select(Exchange.requester_id).where(partnership, Exchange.partner_id.in_(ids)),
    ).subquery()
    count = sa.func.count()
    rows = db.session.execute(
        sa.select(Profile.country, count).join(partners, partners.c.profile_id == Profile.id)
        .group_by(Profile.country).order_by(count.desc(), Profile.country))
    return [(country, number) for country, number in rows]


def unmet_needs(place: Place) -> list[tuple[str, int]]:
    """(need code, organisations of the territory needing it), most first, for the needs
    that no published partner (outside Morocco) offers yet: what to look for elsewhere.
    Only the codes organisations gave count, not what the model reads in descriptions."""
    offered = sa.select(profile_offer.c.term_id).join(
        Profile, Profile.id == profile_offer.c.profile_id).where(
        Profile.is_published, Profile.country != MOROCCO)
    count = sa.func.count(profile_need.c.profile_id)
    rows = db.session.execute(
        sa.select(TaxonomyTerm.code, count)
        .join(profile_need, profile_need.c.term_id == TaxonomyTerm.id)
        .where(profile_need.c.profile_id.in_(_organisation_ids(place)),
               TaxonomyTerm.id.not_in(offered))
        .group_by(TaxonomyTerm.code, TaxonomyTerm.position)
        .order_by(count.desc(), TaxonomyTerm.position))
    return [(code, number) for code, number in rows]
