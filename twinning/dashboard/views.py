"""The territory dashboard: ``/<lang>/dashboard/`` and ``/<lang>/dashboard/<code>``.

``/dashboard/`` is for the members of a local authority, a public agency or a federation
(a published one): it opens their province's dashboard, or lets them choose when they have
several or none in the Oriental (a European commune). Anybody else signed in gets 403.
``/dashboard/<code>`` (a province, or a town of the territories file, by code or any
spelling) is readable by anyone signed in: the figures are about published profiles, and
the exchange counts name nobody. Signed out: the log-in page, then back here.
``?format=csv&table=<name>`` downloads any table of the page.
"""

from __future__ import annotations

from datetime import UTC, datetime

from flask import Response, abort, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import current_user

from twinning.access import login_required
from twinning.dashboard import service, tables
from twinning.i18n import current_language, text_direction
from twinning.profiles.filters import BadParameter, parse_paging
from twinning.profiles.places import find_place
from twinning.reference import territories
from twinning.reference.territories import Place
from twinning.remembered import remember, render_with_remembered_content
from twinning.routing import localized_blueprint

PER_PAGE = 20
UNPARTNERED = "unpartnered"  # ``?only=unpartnered``: the organisations without a partner
CSV = "csv"

blueprint = localized_blueprint("dashboard", __name__, "/dashboard")


@blueprint.get("/")
@login_required
def index() -> ResponseReturnValue:
    kept = service.authorities(service.kept_organisations(current_user))
    if not kept:
        abort(403)
    mine = service.provinces_of(kept)
    if len(mine) == 1:
        return redirect(url_for("dashboard.territory", code=mine[0].code))
    return render_template("dashboard/index.html", mine=mine,
                           provinces=territories.provinces())


@blueprint.get("/<code>")
@login_required
def territory(code: str) -> ResponseReturnValue:
    place = find_place(code)
    if place is None:
        abort(404)
    answer = request.args.get("format")
    if answer == CSV:
        return _download(place, request.args.get("table", ""))
    if answer:
        raise BadParameter("format", _("format must be %(format)s", format=CSV))
    only = request.args.get("only")
    if only not in (None, "", UNPARTNERED):
        raise BadParameter("only", _("only must be %(value)s", value=UNPARTNERED))
    page, _per_page = parse_paging(request.args, PER_PAGE, PER_PAGE)

    def figures() -> dict[str, object]:
        listed = service.organisations(place, page, PER_PAGE, without_partner=bool(only))
        rtl = text_direction(current_language()) == "rtl"
        charted = [tables.TABLES[name](place) for name in tables.CHART_TABLES]
        return {"listed": listed, "entries": tables.entries(listed.items),
                "pipeline": tables.pipeline(place), "summary": service.summary(place),
                "charts": [(table, tables.chart(table, rtl)) for table in charted],
                "mapped": service.with_coordinates(place), "provinces": territories.provinces()}

    # The figures depend on the exchanges too, and the months on today's date.
    return render_with_remembered_content(
        "dashboard/territory.html", figures,
        key=(service.exchanges_version(), datetime.now(UTC).date()),
        place=place, only=only or None,
        has_map=remember(("has map", place.code), lambda: service.has_coordinates(place)))


def _download(place: Place, name: str) -> Response:
    build = tables.TABLES.get(name)
    if build is None:
        raise BadParameter("table", _("table must be one of: %(names)s",
                                      names=", ".join(tables.TABLES)))
    return Response(tables.csv_bytes(build(place)), content_type="text/csv; charset=utf-8",
                    headers={"Content-Disposition":
                             f'attachment; filename="{place.code}-{name}.csv"'})


def dashboard_url() -> str | None:
    """The header's "Dashboard" link: ``/dashboard/`` for those who may open it, else the
    dashboard of the province of an organisation they keep in the Oriental; none for the
    others (who still reach any territory's dashboard from its page)."""
    if not current_user.is_authenticated:
        return None
    kept = service.kept_organisations(current_user)
    if service.authorities(kept):
        return url_for("dashboard.index")
    mine = service.provinces_of(kept)
    return url_for("dashboard.territory", code=mine[0].code) if mine else None
