"""Thin page views: read the request, call a service, render a template."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, g, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue

from twinning.i18n import LANGUAGE_COOKIE, LANGUAGES, current_language
from twinning.web.home import home_counts

LANG_CONVERTER = "any(" + ",".join(LANGUAGES) + ")"
COOKIE_MAX_AGE = 365 * 24 * 3600

blueprint = Blueprint("web", __name__)


@blueprint.url_value_preprocessor
def take_language(endpoint: str | None, values: dict[str, Any] | None) -> None:
    if values and "lang" in values:
        g.lang = values["lang"]


@blueprint.url_defaults
def keep_language(endpoint: str, values: dict[str, Any]) -> None:
    if "lang" not in values:
        values["lang"] = getattr(g, "lang", None) or current_language()


@blueprint.after_app_request
def remember_language(response: Response) -> Response:
    """A language chosen through the URL is kept in a cookie for the next visit to ``/``."""
    lang = getattr(g, "lang", None)
    if lang and request.cookies.get(LANGUAGE_COOKIE) != lang:
        response.set_cookie(LANGUAGE_COOKIE, lang, max_age=COOKIE_MAX_AGE, samesite="Lax")
    return response


@blueprint.get("/")
def root() -> ResponseReturnValue:
    return redirect(url_for("web.home", lang=current_language()))


@blueprint.get(f"/<{LANG_CONVERTER}:lang>/")
def home(lang: str) -> ResponseReturnValue:
    return render_template("web/home.html", counts=home_counts())
