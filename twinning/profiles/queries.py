"""Finding profiles: the directory filters shared by the API and (later) the pages."""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa

from twinning.extensions import db
from twinning.matching.text import analyse, detect_language
from twinning.models import (
    OrganisationKind,
    Profile,
    ProfileLanguage,
    TaxonomyTerm,
)
from twinning.models.profile import profile_need, profile_offer, profile_sector
from twinning.reference import territories

SORTS = ("name", "recent")


@dataclass(frozen=True)
class ProfileFilters:
    """Validated directory filters; ``None`` means "any"."""

    kind: OrganisationKind | None = None
    country: str | None = None
    province: str | None = None
    sector: str | None = None
    need: str | None = None
    offer: str | None = None
    language: str | None = None
    q: str | None = None


@dataclass(frozen=True)
class Page:
    items: list[Profile]
    total: int
    page: int
    per_page: int


def _with_term(link_table: sa.Table, code: str) -> sa.ColumnElement[bool]:
    return Profile.id.in_(
        sa.select(link_table.c.profile_id)
        .join(TaxonomyTerm, TaxonomyTerm.id == link_table.c.term_id)
        .where(TaxonomyTerm.code == code)
    )


def escape_like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def filter_conditions(filters: ProfileFilters) -> list[sa.ColumnElement[bool]]:
    conditions: list[sa.ColumnElement[bool]] = [Profile.is_published]
    if filters.kind:
        conditions.append(Profile.kind == filters.kind)
    if filters.country:
        conditions.append(Profile.country == filters.country)
    if filters.province:
        conditions.append(Profile.province == filters.province)
    for link_table, code in (
        (profile_sector, filters.sector),
        (profile_need, filters.need),
        (profile_offer, filters.offer),
    ):
        if code:
            conditions.append(_with_term(link_table, code))
    if filters.language:
        conditions.append(
            Profile.id.in_(
                sa.select(ProfileLanguage.profile_id).where(
                    ProfileLanguage.lang == filters.language
                )
            )
        )
    # A place named in the query, in any spelling, finds the profiles in it or naming it.
    # Every other word, stemmed, must start a word of the profile's normalised search text:
    # "coopératives" finds "coopérative", "التعاونيات" finds "تعاونية".
    place_codes, words = split_places(filters.q or "")
    for code in place_codes:
        conditions.append(Profile.places.like(f"% {escape_like(code)} %", escape="\\"))
    for stem in query_stems(words):
        conditions.append(Profile.search_text.like(f"% {escape_like(stem)}%", escape="\\"))
    return conditions


def split_places(text: str) -> tuple[list[str], str]:
    """The place codes a query names, and the rest of its words."""
    tokens = analyse(text, None)
    hits = territories.place_matcher().find(tokens, None)
    covered = {position for hit in hits for position in range(hit.start, hit.end)}
    rest = " ".join(token.norm for position, token in enumerate(tokens)
                    if position not in covered)
    return [hit.label for hit in hits], rest


MIN_SEARCH_STEM = 3


def query_stems(text: str) -> list[str]:
    """The search words of ``text``: stems, or the whole word when its stem is too short."""
    lang = detect_language(text)
    found: list[str] = []
    for token in analyse(text, lang):
        word = token.stem if len(token.stem) >= MIN_SEARCH_STEM else token.norm
        if word and word not in found:
            found.append(word)
    return found


def search(filters: ProfileFilters, page: int, per_page: int, sort: str = "name") -> Page:
    conditions = filter_conditions(filters)
    order = (Profile.created_at.desc(), Profile.id.desc()) if sort == "recent" \
        else (Profile.name, Profile.id)
    total = db.session.scalar(sa.select(sa.func.count(Profile.id)).where(*conditions)) or 0
    items = list(
        db.session.scalars(
            sa.select(Profile)
            .where(*conditions)
            .options(*Profile.details_loaded())
            .order_by(*order)
            .limit(per_page)
            .offset((page - 1) * per_page)
        )
    )
    return Page(items=items, total=total, page=page, per_page=per_page)
