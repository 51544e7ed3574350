"""Language-prefixed pages: ``/<lang>/…`` for every blueprint that people read or write to.

Each feature makes its blueprint with :func:`localized_blueprint`; the language in the URL
is taken out of the view arguments (views never see it), put back into every ``url_for``
of the same blueprint, and remembered in a cookie for the next visit to ``/``.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Flask, Response, current_app, g, request, url_for

from twinning.i18n import LANGUAGE_COOKIE, LANGUAGES, current_language

LANG_CONVERTER = "any(" + ",".join(LANGUAGES) + ")"
COOKIE_MAX_AGE = 365 * 24 * 3600
HOME_ENDPOINT = "web.home"


def localized_blueprint(name: str, import_name: str, url_prefix: str = "") -> Blueprint:
    """A blueprint whose routes all live under ``/<lang>{url_prefix}``."""
    blueprint = Blueprint(name, import_name, url_prefix=f"/<{LANG_CONVERTER}:lang>{url_prefix}")
    blueprint.url_value_preprocessor(_take_language)
    blueprint.url_defaults(_keep_language)
    return blueprint


def _take_language(endpoint: str | None, values: dict[str, Any] | None) -> None:
    if values and "lang" in values:
        g.lang = values.pop("lang")


def _keep_language(endpoint: str, values: dict[str, Any]) -> None:
    values.setdefault("lang", getattr(g, "lang", None) or current_language())


def remember_language(response: Response) -> Response:
    """A language chosen through the URL is kept in a cookie for the next visit to ``/``."""
    lang = getattr(g, "lang", None)
    if lang and request.cookies.get(LANGUAGE_COOKIE) != lang:
        response.set_cookie(LANGUAGE_COOKIE, lang, max_age=COOKIE_MAX_AGE, samesite="Lax",
                            httponly=True,
                            secure=current_app.config.get("SESSION_COOKIE_SECURE", False))
    return response


def language_url(lang: str) -> str:
    """The current page, with its query, in another language (the switcher's links).

    A page that cannot be read again with GET in another language (an action, or an
    address without a language) switches to the home page instead.
    """
    rule = request.url_rule
    same_page = rule is not None and "lang" in rule.arguments and "GET" in (rule.methods or ())
    if not same_page:
        return url_for(HOME_ENDPOINT, lang=lang)
    arguments = dict(request.view_args or {})
    arguments.update(request.args.to_dict(flat=True))
    return url_for(request.endpoint, **arguments, lang=lang)


def init_app(app: Flask) -> None:
    app.after_request(remember_language)
    app.jinja_env.globals["language_url"] = language_url
