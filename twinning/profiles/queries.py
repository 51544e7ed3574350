"""Finding profiles: the directory filters and search shared by the API and the pages.

The search text is read by :mod:`twinning.profiles.textquery` and answered by the
database's own full-text index (:mod:`twinning.profiles.fulltext`); the count is exact.
A page by relevance is read class after class of equal score, best first.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import sqlalchemy as sa

from twinning.extensions import db
from twinning.models import (
    OrganisationKind,
    Profile,
    ProfileLanguage,
    TaxonomyTerm,
)
from twinning.models.profile import profile_need, profile_offer, profile_sector
from twinning.profiles.fulltext import Expr, FullTextIndex, full_text_index
from twinning.profiles.textquery import TextQuery, classes, relevance, text_query

RELEVANCE, NAME, RECENT = "relevance", "name", "recent"
SORTS = (RELEVANCE, NAME, RECENT)


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



def _narrowing(filters: ProfileFilters) -> list[sa.ColumnElement[bool]]:
    """The conditions of the filters other than the search text."""
    conditions: list[sa.ColumnElement[bool]] = []
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
    return conditions



def search(filters: ProfileFilters, page: int, per_page: int,
           sort: str | None = None, *, with_details: bool = True) -> Page:
    """One page of the published profiles that pass ``filters``, and how many there are.

    ``sort`` is ``relevance`` (the default when there is a search text), ``name`` (the
    default without one) or ``recent``. ``with_details=False`` leaves the profiles'
    collections (codes, languages, translations) unloaded, for a list that shows none of
    them: five queries fewer."""
    load = _with_details if with_details else _load
    narrowing = _narrowing(filters)
    conditions = [Profile.is_published, *narrowing]
    text = text_query(filters.q)
    offset = (page - 1) * per_page
    if not text:
        order = (Profile.created_at.desc(), Profile.id.desc()) if sort == RECENT \
            else (Profile.name, Profile.id)
        total = db.session.scalar(sa.select(sa.func.count(Profile.id)).where(*conditions))
        return Page(load(sa.select(Profile).where(*conditions).order_by(*order)
                         .limit(per_page).offset(offset)), total or 0, page, per_page)
    found = _Found(full_text_index(), text, narrowing)
    total = found.count(text.match)
    if sort in (NAME, RECENT):
        order = (Profile.name, Profile.id) if sort == NAME \
            else (Profile.created_at.desc(), Profile.id.desc())
        items = load(sa.select(Profile).where(*conditions, found.condition(text.match))
                     .order_by(*order).limit(per_page).offset(offset))
    else:
        items = _in_order(found.ranked(total, offset, per_page), load)
    return Page(items=items, total=total, page=page, per_page=per_page)


def _load(statement: sa.Select) -> list[Profile]:
    return list(db.session.scalars(statement))


def _with_details(statement: sa.Select) -> list[Profile]:
    return _load(statement.options(*Profile.details_loaded()))


def _in_order(ids: list[int], load: Callable[[sa.Select], list[Profile]]) -> list[Profile]:
    profiles = {profile.id: profile
                for profile in load(sa.select(Profile).where(Profile.id.in_(ids)))}
    return [profiles[profile_id] for profile_id in ids if profile_id in profiles]



class _Found:
    """The profiles a text query finds, with the other filters (``conditions``)."""

    def __init__(self, index: FullTextIndex, query: TextQuery,
                 conditions: list[sa.ColumnElement[bool]]) -> None:
        self.index, self.query, self.conditions = index, query, conditions

    def condition(self, expr: Expr) -> sa.ColumnElement[bool]:
        return Profile.id.in_(self.index.ids(expr))

    def _ids(self, expr: Expr) -> tuple[sa.Select, sa.ColumnElement[int]]:
        """Ids of the profiles ``expr`` finds: from the index alone when nothing else
        filters, else from the profile table."""
        if not self.conditions:
            return self.index.ids(expr), self.index.id_column
        return (sa.select(Profile.id).where(*self.conditions, self.condition(expr)),
                Profile.id)

    def count(self, expr: Expr) -> int:
        statement, _ids = self._ids(expr)
        return db.session.scalar(
            sa.select(sa.func.count()).select_from(statement.subquery())) or 0

    def newest(self, expr: Expr, offset: int, limit: int) -> list[int]:
        if not self.conditions:
            return self.index.newest(expr, offset, limit)
        statement, ids = self._ids(expr)
        return list(db.session.scalars(
            statement.order_by(ids.desc()).limit(limit).offset(offset)))

    def ranked(self, total: int, offset: int, limit: int) -> list[int]:
        """Ids of one page by relevance, best first."""
        if offset >= total:
            return []
        groups = classes(self.query)
        if groups is None:
            statement, ids = self._ids(self.query.match)
            return list(db.session.scalars(
                statement.order_by(relevance(self.query, self.index, ids).desc(), ids.desc())
                .limit(limit).offset(offset)))
        return self.ranked_by_class(groups, offset, limit)

    def ranked_by_class(self, groups: list[Expr], offset: int, limit: int) -> list[int]:
        found: list[int] = []
        for group in groups:
            if len(found) == limit:
                break
            if offset:
                size = self.count(group)
                if size <= offset:
                    offset -= size
                    continue
            found += self.newest(group, offset, limit - len(found))
            offset = 0
        return found
