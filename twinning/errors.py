"""One place that turns errors into responses: JSON under /api/, translated pages elsewhere."""

from __future__ import annotations

from datetime import timedelta

from flask import Flask, request
from flask.typing import ResponseReturnValue
from flask_babel import format_timedelta
from flask_babel import gettext as _
from flask_limiter import RateLimitExceeded
from werkzeug.exceptions import HTTPException, InternalServerError

from twinning import ratelimits
from twinning.api.errors import API_PREFIX, error_response
from twinning.profiles.filters import BadParameter
from twinning.web.errors import error_page


def _for_api() -> bool:
    return request.path.startswith(API_PREFIX)


def init_app(app: Flask) -> None:
    @app.errorhandler(BadParameter)
    def bad_parameter(exc: BadParameter) -> ResponseReturnValue:
        if _for_api():
            return error_response(400, exc.message, parameter=exc.parameter)
        return error_page(400, detail=f"{exc.parameter}: {exc.message}")

    # Only the site's forms are limited (the API only reads): the page says when to retry.
    @app.errorhandler(RateLimitExceeded)
    def too_many_requests(exc: RateLimitExceeded) -> ResponseReturnValue:
        when = format_timedelta(timedelta(seconds=ratelimits.seconds_until_retry()),
                                add_direction=True)
        return error_page(429, detail=_("You can try again %(when)s.", when=when))

    @app.errorhandler(HTTPException)
    def http_error(exc: HTTPException) -> ResponseReturnValue:
        status = exc.code or 500
        if _for_api():
            response = app.make_response(error_response(status, exc.description or exc.name))
        else:
            # Werkzeug's own descriptions are English; ours (a NUL character) are translated.
            own = exc.description if exc.description != type(exc).description else None
            response = app.make_response(error_page(status, detail=own))
        # What the exception says beyond its body: a 405's Allow (RFC 9110), a 401's
        # WWW-Authenticate, a 429's Retry-After.
        for name, value in exc.get_headers():
            if name.lower() != "content-type":
                response.headers[name] = value
        return response

    @app.errorhandler(InternalServerError)
    def internal_error(exc: InternalServerError) -> ResponseReturnValue:
        if _for_api():
            return error_response(500, "internal server error")
        return error_page(500)
