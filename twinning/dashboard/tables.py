"""The dashboard's tables, worded in the reader's language.

One :class:`Table` feeds the page's ``<table>``, the chart beside it and the CSV download,
so the three can never disagree. Numbers stay numbers here: the page writes them through
Babel, the chart is given them written, and the CSV keeps them plain for spreadsheets.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime

from flask_babel import format_date, format_number
from flask_babel import gettext as _
from markupsafe import Markup

from twinning import suggestions
from twinning.dashboard import charts, service
from twinning.exchanges.labels import purpose_label, state_label
from twinning.models import ExchangeState, Profile, Purpose
from twinning.presenters import city_name, country, kind_label, term_label
from twinning.reference.territories import Place

PARTNERS_PER_ORGANISATION = 3
# The pipeline's columns, the way requests go: open ones first, then how they ended.
STATE_ORDER = (ExchangeState.SENT, ExchangeState.ACCEPTED, ExchangeState.IN_PROGRESS,
               ExchangeState.COMPLETED, ExchangeState.ENDED, ExchangeState.DECLINED,
               ExchangeState.WITHDRAWN, ExchangeState.EXPIRED)
# A cell a spreadsheet would run as a formula ("=HYPERLINK(…)" as an organisation's name).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")

Cell = str | int


@dataclass(frozen=True)
class Table:
    name: str  # in ``?format=csv&table=`` and in the file's name
    title: str
    headers: tuple[str, ...]
    rows: tuple[tuple[Cell, ...], ...]
    # The first day of each row's month, for the month chart's own short labels.
    months: tuple[date, ...] = ()

    @property
    def is_empty(self) -> bool:
        """Nothing counted yet: no row, or only zeros (a year without an exchange)."""
        return not any(isinstance(cell, int) and cell for row in self.rows for cell in row)


@dataclass(frozen=True)
class Entry:
    """An organisation of the territory, its partnerships so far, its best suggestions."""

    profile: Profile
    partnerships: int
    suggested: list[suggestions.Suggestion]


def entries(profiles: list[Profile]) -> list[Entry]:
    """Read from the stored suggestions: one query for the whole list, however long."""
    suggested = suggestions.stored_for(profiles, PARTNERS_PER_ORGANISATION)
    counts = service.partnership_counts(profiles)
    return [Entry(profile, counts[profile.id], suggested[profile.id]) for profile in profiles]


# ----- the tables -------------------------------------------------------------------------
def _organisation_table(name: str, title: str, profiles: list[Profile]) -> Table:
    return Table(name, title,
                 (_("Organisation"), _("Kind"), _("Town"), _("Partnerships"),
                  _("Best suggested partners")),
                 tuple((entry.profile.name, kind_label(entry.profile.kind),
                        city_name(entry.profile.city), entry.partnerships,
                        "; ".join(f"{item.profile.name} ({country(item.profile.country)})"
                                  for item in entry.suggested))
                       for entry in entries(profiles)))


def organisations(place: Place) -> Table:
    return _organisation_table("organisations", _("Organisations and their best partners"),
                               service.all_organisations(place))


def unpartnered(place: Place) -> Table:
    return _organisation_table("unpartnered", _("Organisations with no partner yet"),
                               service.all_organisations(place, without_partner=True))


def pipeline(place: Place) -> Table:
    counts = service.pipeline(place)
    return Table(
        "pipeline", _("Exchanges by purpose and state"),
        (_("Purpose"), *(state_label(state) for state in STATE_ORDER), _("Total")),
        tuple((purpose_label(purpose), *(counts.get((purpose, state), 0)
                                         for state in STATE_ORDER),
               sum(counts.get((purpose, state), 0) for state in STATE_ORDER))
              for purpose in Purpose))


def sectors(place: Place) -> Table:
    rows = service.sectors(place)
    return Table("sectors", _("Organisations by sector"), (_("Sector"), _("Organisations")),
                 tuple((term_label(code), number) for code, number in rows))


def months(place: Place) -> Table:
    figures = service.months(place, datetime.now(UTC).date())
    return Table("months", _("Requests and partnerships per month"),
                 (_("Month"), _("Requests"), _("Partnerships")),
                 tuple((format_date(month.start, "LLLL y"), month.requests,
                        month.partnerships) for month in figures),
                 months=tuple(month.start for month in figures))


def countries(place: Place) -> Table:
    rows = service.partner_countries(place)
    return Table("countries", _("Partners by country"), (_("Country"), _("Partners")),
                 tuple((country(code), number) for code, number in rows))


def needs(place: Place) -> Table:
    rows = service.unmet_needs(place)
    return Table("needs", _("Needs that no partner offers yet"),
                 (_("Need"), _("Organisations")),
                 tuple((term_label(code), number) for code, number in rows))


# Every table a CSV can be asked for, by its name; the charts' tables in page order.
TABLES: dict[str, Callable[[Place], Table]] = {
    "organisations": organisations, "unpartnered": unpartnered, "pipeline": pipeline,
    "sectors": sectors, "months": months, "countries": countries, "needs": needs,
}
CHART_TABLES = ("sectors", "months", "countries", "needs")


# ----- charts and downloads ---------------------------------------------------------------
def chart(table: Table, rtl: bool) -> Markup:
    """The table drawn: months as columns, anything else as horizontal bars."""
    ident = f"chart-{table.name}"
    if table.name == "months":
        series = [charts.Series(table.headers[column],
                                tuple(row[column] for row in table.rows),
                                tuple(format_number(row[column]) for row in table.rows))
                  for column in (1, 2)]
        return charts.vertical_bars(ident, table.title, _month_columns(table.months), series,
                                    rtl)
    return charts.horizontal_bars(
        ident, table.title,
        [charts.Bar(str(row[0]), row[1], format_number(row[1])) for row in table.rows], rtl)


def _month_columns(starts: tuple[date, ...]) -> list[tuple[str, ...]]:
    """The month's short name, and its year under the first column and each January."""
    columns = []
    for position, start in enumerate(starts):
        year = (format_date(start, "y"),) if position == 0 or start.month == 1 else ()
        columns.append((format_date(start, "LLL"), *year))
    return columns


def csv_bytes(table: Table) -> bytes:
    """UTF-8 with a byte-order mark, so that spreadsheets read Arabic as Arabic; headers in
    the reader's language; text that would start a formula is quoted with an apostrophe."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(table.headers)
    writer.writerows(tuple(_safe(cell) for cell in row) for row in table.rows)
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def _safe(cell: Cell) -> Cell:
    if isinstance(cell, str) and cell.startswith(FORMULA_STARTS):
        return "'" + cell
    return cell
