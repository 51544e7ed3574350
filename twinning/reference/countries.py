"""Country codes and names from CLDR (through Babel), never from a hand-written list."""

from __future__ import annotations

from functools import cache

from babel import Locale

# The country of the Oriental: its provinces and towns are checked and spelled as data.
MOROCCO = "MA"
# CLDR territories that are two letters but not ISO 3166-1 countries.
_NOT_COUNTRIES = frozenset({"EU", "EZ", "UN", "QO", "XA", "XB", "XK", "ZZ"})


@cache
def country_codes() -> frozenset[str]:
    return frozenset(
        code
        for code in Locale("en").territories
        if len(code) == 2 and code.isalpha() and code not in _NOT_COUNTRIES
    )


def country_code(value: str) -> str | None:
    """The ISO 3166-1 alpha-2 code ``value`` spells in any case, or None: the one check
    behind the importer, the form and the directory's filter."""
    code = value.strip().upper()
    return code if code in country_codes() else None


def country_name(code: str, locale: str = "en") -> str:
    return Locale.parse(locale).territories.get(code, code)


@cache
def language_codes() -> frozenset[str]:
    """ISO 639-1 codes CLDR knows, for working languages and description languages."""
    return frozenset(code for code in Locale("en").languages if len(code) == 2 and code.isalpha())
