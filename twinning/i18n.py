"""Languages of the site: which exist, which are right-to-left, and how one is chosen.

Locale order, fixed in tests: the ``lang`` in the URL (its first segment even when no
page matched), then the ``lang`` cookie, then the
browser's Accept-Language, then the default (French). Outside a request (CLI), the
``TWINNING_LANG`` or ``LANG`` environment variable, then English, which operators share.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from functools import cache
from typing import Any

from babel import Locale
from flask import Flask, g, has_request_context, request
from flask_babel import force_locale, get_translations
from jinja2 import pass_context
from jinja2.runtime import Context
from markupsafe import Markup

from twinning.extensions import babel

LANGUAGES = ("ar", "fr", "en", "es")
RTL_LANGUAGES = frozenset({"ar"})
DEFAULT_LANGUAGE = "fr"
CLI_DEFAULT_LANGUAGE = "en"
LANGUAGE_COOKIE = "lang"
# Moroccan Arabic: Latin digits and Moroccan month names come with the ar_MA locale.
FORMATTING_LOCALES = {"ar": "ar_MA"}


# Set while writing for somebody else (an e-mail in its recipient's language).
_spoken: ContextVar[str | None] = ContextVar("spoken_language", default=None)


def init_app(app: Flask) -> None:
    babel.init_app(app, locale_selector=select_locale)
    app.context_processor(_template_context)


def select_locale() -> str:
    return FORMATTING_LOCALES.get(current_language(), current_language())


def current_language() -> str:
    """The two-letter site language in force now."""
    spoken = _spoken.get()
    if spoken is not None:
        return spoken
    if not has_request_context():
        return _cli_language()
    chosen = getattr(g, "lang", None)
    if chosen in LANGUAGES:
        return chosen
    view_lang = (request.view_args or {}).get("lang")
    if view_lang in LANGUAGES:
        return view_lang
    # An address that matched no page (a 404) still says its language: /ar/…
    path_lang = request.path.strip("/").split("/", 1)[0]
    if path_lang in LANGUAGES:
        return path_lang
    cookie = request.cookies.get(LANGUAGE_COOKIE)
    if cookie in LANGUAGES:
        return cookie
    return request.accept_languages.best_match(LANGUAGES) or DEFAULT_LANGUAGE


@contextmanager
def speaking(lang: str | None) -> Iterator[str]:
    """Translate, format and render templates in ``lang`` for a while, whatever the page's
    language: an e-mail is written in its recipient's preferred language."""
    chosen = lang if lang in LANGUAGES else DEFAULT_LANGUAGE
    token = _spoken.set(chosen)
    try:
        with force_locale(FORMATTING_LOCALES.get(chosen, chosen)):
            yield chosen
    finally:
        _spoken.reset(token)


def _cli_language() -> str:
    for variable in ("TWINNING_LANG", "LANG"):
        value = os.environ.get(variable, "")[:2].lower()
        if value in LANGUAGES:
            return value
    return CLI_DEFAULT_LANGUAGE


def text_direction(lang: str) -> str:
    return "rtl" if lang in RTL_LANGUAGES else "ltr"


@cache
def language_names() -> dict[str, str]:
    """Each language named in itself, as the switcher shows it (from CLDR)."""
    return {lang: Locale.parse(lang).get_display_name(lang).capitalize() for lang in LANGUAGES}


def _template_context() -> dict[str, object]:
    lang = current_language()
    translations = get_translations()
    return {
        "current_lang": lang,
        "text_dir": text_direction(lang),
        "languages": LANGUAGES,
        "language_names": language_names(),
        # The templates' _(), gettext() and ngettext(), with the translations of the locale
        # in force for this render: Flask-Babel's looked them up in the request context
        # again for every string, a tenth of a remembered page's CPU (bench/load.py).
        "gettext": _newstyle(translations.ugettext),
        "ngettext": _newstyle(translations.ungettext, plural=True),
    }


def _newstyle(translate: Callable[..., str], plural: bool = False) -> Callable[..., str]:
    """``translate`` as Jinja's "newstyle" gettext calls it (``newstyle=True``, as
    Flask-Babel installs it): the translation %-formatted with the call's keywords (and
    ``num``, for a plural), as Markup when the template escapes."""

    @pass_context
    def call(context: Context, *strings_and_number: Any, **variables: Any) -> str:
        if plural:
            variables.setdefault("num", strings_and_number[2])
        found = translate(*strings_and_number)
        if context.eval_ctx.autoescape:
            found = Markup(found)
        return found % variables

    return call
