"""What no request may carry, refused before any view reads it.

- A NUL character anywhere in the path, the query or a submitted form: no person types one,
  PostgreSQL text cannot hold one (it would be a 500 deep in a query), and SQLite would keep
  it invisibly. One check here rather than one in every view, form and filter.
- A row id beyond what the database's integer columns hold (``/exchanges/99999999999`` on
  PostgreSQL's int4): the ``int`` converter of every route only matches ids from 1 to 2³¹−1,
  so anything else is the 404 of an id that cannot exist.
"""

from __future__ import annotations

from flask import Flask, request
from flask_babel import gettext as _
from werkzeug.exceptions import BadRequest
from werkzeug.routing import IntegerConverter

MAX_ROW_ID = 2**31 - 1  # PostgreSQL's integer; SQLite's is wider


class RowIdConverter(IntegerConverter):
    """``<int:…>`` in a route: a positive id that fits every backend's integer column."""

    def __init__(self, url_map, *args, **kwargs) -> None:
        kwargs.setdefault("min", 1)
        kwargs.setdefault("max", MAX_ROW_ID)
        super().__init__(url_map, *args, **kwargs)


class NulCharacter(BadRequest):
    """A 400 whose page says what was wrong, in the reader's language."""


def _refuse_nul_characters() -> None:
    values = [request.path, *request.args.keys(), *request.args.values()]
    if request.method not in ("GET", "HEAD", "OPTIONS"):
        values += [*request.form.keys(), *request.form.values()]
    if any("\x00" in value for value in values):
        raise NulCharacter(_("The request contains a NUL character, which no text may hold."))


def init_app(app: Flask) -> None:
    """Before the blueprints: routes read their converters when they are registered."""
    app.url_map.converters["int"] = RowIdConverter
    app.before_request(_refuse_nul_characters)
