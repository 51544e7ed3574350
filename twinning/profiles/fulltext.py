"""The database's own full-text index of the published profiles, behind one interface.

Each database answers from its own full-text index, which holds the published profiles
only: SQLite's FTS5 table or PostgreSQL's GIN-indexed tsvectors, both described in
:mod:`twinning.models.profile`.

A search is an expression of :class:`Atom` (tokens in one search column) combined with
:class:`AnyOf`, :class:`AllOf` and :class:`Unless`, which each index compiles its own way.
"""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa

from twinning.extensions import db
from twinning.models.profile import FTS_TABLE, SEARCH_COLUMNS, SEARCH_TABLE


@dataclass(frozen=True)
class Atom:
    """Tokens in one search column: a stem starting a word, or any of whole codes."""

    column: str  # one of twinning.models.profile.SEARCH_COLUMNS
    tokens: tuple[str, ...]
    prefix: bool = False


@dataclass(frozen=True)
class AnyOf:
    parts: tuple[Expr, ...]


@dataclass(frozen=True)
class AllOf:
    parts: tuple[Expr, ...]


@dataclass(frozen=True)
class Unless:
    keep: Expr
    drop: Expr


Expr = Atom | AnyOf | AllOf | Unless

RECENT_ROWS = 2000



class FullTextIndex:
    """One database's full-text index of the published profiles."""

    id_column: sa.ColumnElement[int]

    def ids(self, expr: Expr) -> sa.Select:
        """``SELECT`` the ids of the published profiles ``expr`` finds."""
        raise NotImplementedError

    def newest(self, expr: Expr, offset: int, limit: int) -> list[int]:
        """Ids of the profiles ``expr`` finds, newest first, from ``offset``."""
        return list(db.session.scalars(
            self.ids(expr).order_by(self.id_column.desc()).limit(limit).offset(offset)))


def full_text_index() -> FullTextIndex:
    """The full-text index of the database in use: FTS5 on SQLite, GIN-indexed tsvectors
    on PostgreSQL."""
    dialect = db.engine.dialect.name
    if dialect == "sqlite":
        return _FTS5
    if dialect == "postgresql":
        return _TSVECTOR
    raise NotImplementedError(f"no full-text search for {dialect}")


class _Fts5Index(FullTextIndex):
    """SQLite: one FTS5 query string per statement. ``column : "stem"*`` is a prefix in a
    column, a code a whole token; the tokenizer keeps ``_`` and ``-`` inside tokens."""

    table = sa.table(FTS_TABLE, sa.column("rowid", sa.Integer))
    id_column = table.c.rowid

    def ids(self, expr: Expr) -> sa.Select:
        return sa.select(self.id_column).where(sa.literal_column(FTS_TABLE).op("MATCH")(
            sa.bindparam(None, self.query(expr), sa.String))).correlate(None)

    def query(self, expr: Expr) -> str:
        if isinstance(expr, Atom):
            phrases = [_quoted(token) + ("*" if expr.prefix else "") for token in expr.tokens]
            return f"{expr.column} : ({' OR '.join(phrases)})"
        if isinstance(expr, Unless):
            return f"({self.query(expr.keep)} NOT {self.query(expr.drop)})"
        joint = " OR " if isinstance(expr, AnyOf) else " AND "
        return "(" + joint.join(self.query(part) for part in expr.parts) + ")"


def _quoted(token: str) -> str:
    return '"' + token.replace('"', '""') + '"'


# The search table's vector of each search column.
_VECTORS = ("name", "given", "read", "words")
_VECTOR_OF = dict(zip(SEARCH_COLUMNS, _VECTORS, strict=True))


class _TsvectorIndex(FullTextIndex):
    """PostgreSQL: a tsquery per column of the search table, combined in SQL (the GIN index
    covers the four columns). Lexemes lose ``_`` and ``-`` as the stored vectors did."""

    table = sa.table(SEARCH_TABLE, sa.column("profile_id", sa.Integer),
                     *(sa.column(name) for name in _VECTORS))
    id_column = table.c.profile_id

    def ids(self, expr: Expr) -> sa.Select:
        return sa.select(self.id_column).where(self.condition(expr)).correlate(None)

    def newest(self, expr: Expr, offset: int, limit: int) -> list[int]:
        """Newest first in two steps, since a GIN index yields rows in no order: the newest
        ``RECENT_ROWS`` rows are read backwards along the primary key and filtered (cheap
        however many match); if they hold too few, the class is sparse, and its older rows
        are collected whole from the index and sorted. Left to itself the planner may walk
        the whole table backwards looking for a class that has no row at all."""
        wanted = offset + limit
        ids, condition = self.id_column, self.condition(expr)
        floor = sa.func.coalesce(sa.select(ids).order_by(ids.desc()).offset(RECENT_ROWS - 1)
                                 .limit(1).scalar_subquery(), 0)
        found = list(db.session.scalars(
            sa.select(ids).where(ids >= floor, condition).order_by(ids.desc()).limit(wanted)))
        if len(found) < wanted:
            older = sa.select(ids.label("id")).where(ids < floor, condition) \
                .cte("older").prefix_with("MATERIALIZED")
            found += db.session.scalars(sa.select(older.c.id).order_by(older.c.id.desc())
                                        .limit(wanted - len(found)))
        return found[offset:]

    def condition(self, expr: Expr) -> sa.ColumnElement[bool]:
        if isinstance(expr, Atom):
            lexemes = [_lexeme(token) + (":*" if expr.prefix else "")
                       for token in expr.tokens if token.strip("_-")]
            if not lexemes:  # "___": nothing is left of it in the vectors either
                return sa.false()
            tsquery = sa.func.to_tsquery(sa.literal_column("'simple'"),
                                         sa.bindparam(None, " | ".join(lexemes), sa.String))
            return self.table.c[_VECTOR_OF[expr.column]].op("@@")(tsquery)
        if isinstance(expr, Unless):
            return sa.and_(self.condition(expr.keep), sa.not_(self.condition(expr.drop)))
        joint = sa.or_ if isinstance(expr, AnyOf) else sa.and_
        return joint(*(self.condition(part) for part in expr.parts))


def _lexeme(token: str) -> str:
    token = token.replace("_", "").replace("-", "")
    return "'" + token.replace("\\", "\\\\").replace("'", "''") + "'"


_FTS5 = _Fts5Index()
_TSVECTOR = _TsvectorIndex()
