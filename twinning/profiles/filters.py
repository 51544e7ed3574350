"""Reading and checking the directory's query parameters, for the API and the pages alike."""

from __future__ import annotations

from collections.abc import Mapping

from flask_babel import gettext as _

from twinning.matching.index import CROSS, MODES
from twinning.models import OrganisationKind
from twinning.profiles.queries import NAME, RELEVANCE, SORTS, ProfileFilters
from twinning.reference import taxonomy, territories
from twinning.reference.countries import country_code, language_codes


class BadParameter(ValueError):
    """A query parameter that cannot be used; the API answers 400 JSON, the pages a 400 page."""

    def __init__(self, parameter: str, message: str) -> None:
        super().__init__(message)
        self.parameter = parameter
        self.message = message


FILTER_PARAMETERS = ("kind", "country", "province", "sector", "need", "offer", "language", "q")
PAGING_PARAMETERS = ("page", "per_page")
SORT_PARAMETER = "sort"
MATCH_PARAMETERS = ("limit", "mode")
DEFAULT_MATCH_LIMIT = 10
MAX_QUERY_LENGTH = 200


def parse_filters(args: Mapping[str, str]) -> ProfileFilters:
    values = {name: (args.get(name) or "").strip() or None for name in FILTER_PARAMETERS}
    return ProfileFilters(
        kind=_kind(values["kind"]),
        country=_country(values["country"]),
        province=_province(values["province"]),
        sector=_code("sector", values["sector"], taxonomy.SECTOR),
        need=_code("need", values["need"], taxonomy.CAPABILITY),
        offer=_code("offer", values["offer"], taxonomy.CAPABILITY),
        language=_language(values["language"]),
        q=_query(values["q"]),
    )


def parse_paging(
    args: Mapping[str, str], default_per_page: int, max_per_page: int
) -> tuple[int, int]:
    page = _positive_int("page", args.get("page"), 1, None)
    per_page = _positive_int("per_page", args.get("per_page"), default_per_page, max_per_page)
    return page, per_page


def parse_sort(args: Mapping[str, str], searching: bool = False) -> str:
    """``relevance``, ``name`` or ``recent``; by default relevance when there is a search
    text (``searching``), else name."""
    sort = args.get("sort") or (RELEVANCE if searching else NAME)
    if sort not in SORTS:
        raise BadParameter("sort", _("sort must be one of: %(sorts)s", sorts=", ".join(SORTS)))
    return sort


def parse_limit(args: Mapping[str, str], maximum: int) -> int:
    return _positive_int("limit", args.get("limit"), DEFAULT_MATCH_LIMIT, maximum)


def parse_mode(args: Mapping[str, str]) -> str:
    mode = args.get("mode") or CROSS
    if mode not in MODES:
        raise BadParameter("mode", _("mode must be one of: %(modes)s", modes=", ".join(MODES)))
    return mode


def reject_unknown(args: Mapping[str, str], allowed: tuple[str, ...]) -> None:
    for name in args:
        if name not in allowed:
            raise BadParameter(name, _("unknown parameter %(name)r", name=name))


def _positive_int(name: str, raw: str | None, default: int, maximum: int | None) -> int:
    if raw is None or raw == "":
        return default
    if not raw.isdigit() or int(raw) < 1:
        raise BadParameter(name, _("%(name)s must be a whole number of at least 1", name=name))
    value = int(raw)
    if maximum is not None and value > maximum:
        raise BadParameter(name, _("%(name)s must be at most %(maximum)d",
                                   name=name, maximum=maximum))
    return value


def _kind(value: str | None) -> OrganisationKind | None:
    if value is None:
        return None
    try:
        return OrganisationKind(value)
    except ValueError:
        raise BadParameter("kind", _("unknown kind %(value)r", value=value)) from None


def _country(value: str | None) -> str | None:
    if value is None:
        return None
    code = country_code(value)
    if code is None:
        raise BadParameter("country", _("%(value)r is not an ISO 3166-1 alpha-2 country code",
                                        value=value))
    return code


def _province(value: str | None) -> str | None:
    if value is None:
        return None
    place = territories.resolve_province(value)
    # Outside Morocco provinces are free text, matched as written.
    return place.code if place else value


def _code(name: str, value: str | None, kind: str) -> str | None:
    if value is None:
        return None
    if value not in taxonomy.codes(kind):
        raise BadParameter(name, _("unknown code %(value)r", value=value))
    return value


def _language(value: str | None) -> str | None:
    if value is None:
        return None
    if value not in language_codes():
        raise BadParameter("language", _("unknown language code %(code)r", code=value))
    return value


def _query(value: str | None) -> str | None:
    if value is not None and len(value) > MAX_QUERY_LENGTH:
        raise BadParameter("q", _("the search text is too long (at most %(limit)d characters)",
                                  limit=MAX_QUERY_LENGTH))
    return value
