"""Reading and checking the directory's query parameters, for the API and the pages alike."""

from __future__ import annotations

from collections.abc import Mapping

from flask_babel import gettext as _

from twinning.matching.index import CROSS, MODES
from twinning.models import OrganisationKind
from twinning.profiles.queries import NAME, RELEVANCE, SORTS, ProfileFilters
from twinning.reference import taxonomy, territories
from twinning.reference.countries import country_code, country_codes, language_codes


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
# Far beyond any directory's last page, yet small enough that page × per_page stays a
# modest OFFSET on every database: 99999999999999999999 is a clear 400, not an overflow.
# A page between the last one and this bound is simply empty, with the total beside it.
MAX_PAGE = 100_000
MAX_DIGITS = 18


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
    page = _positive_int("page", args.get("page"), 1, MAX_PAGE)
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


def listed_values() -> dict[str, list[str]]:
    """The parameters that take one of a list of values, and those values: the API's
    description declares them, and the API takes nothing else."""
    capabilities = sorted(taxonomy.codes(taxonomy.CAPABILITY))
    return {
        "kind": [kind.value for kind in OrganisationKind],
        "country": sorted(country_codes()),
        "sector": sorted(taxonomy.codes(taxonomy.SECTOR)),
        "need": capabilities,
        "offer": capabilities,
        "language": sorted(language_codes()),
        "sort": list(SORTS),
        "mode": list(MODES),
    }


def reject_unlisted(args: Mapping[str, str]) -> None:
    """The API's strict reading: a listed parameter's value is one of its values exactly,
    and a number is a number (the pages forgive ``kind=`` from an untouched select,
    `` MA``, ``ma`` or ``page=``; a program is told)."""
    for name, values in listed_values().items():
        if name in args and args[name] not in values:
            raise BadParameter(name, _("%(value)r is not one of the values of %(name)s",
                                       value=args[name], name=name))
    for name in (*PAGING_PARAMETERS, "limit"):
        if args.get(name) == "":
            raise BadParameter(name, _("%(name)s must be a whole number of at least 1",
                                       name=name))


def reject_unknown(args: Mapping[str, str], allowed: tuple[str, ...]) -> None:
    for name in args:
        if name not in allowed:
            raise BadParameter(name, _("unknown parameter %(name)r", name=name))


def _positive_int(name: str, raw: str | None, default: int, maximum: int) -> int:
    """A whole number from 1 to ``maximum``, in ASCII digits as the API's description
    says (not superscripts or other "digits" that ``int`` refuses)."""
    if raw is None or raw == "":
        return default
    digits = raw.lstrip("0") if raw.isascii() and raw.isdigit() else ""
    if not digits:
        raise BadParameter(name, _("%(name)s must be a whole number of at least 1", name=name))
    # Thousands of digits are not even read: ``int`` refuses them, and they are too many.
    if len(digits) > MAX_DIGITS or int(digits) > maximum:
        raise BadParameter(name, _("%(name)s must be at most %(maximum)d",
                                   name=name, maximum=maximum))
    return int(digits)


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
