"""JSON errors for every path under the API prefix, including unknown routes."""

from __future__ import annotations

from flask import Flask, jsonify, request
from flask.typing import ResponseReturnValue
from werkzeug.exceptions import HTTPException, InternalServerError

API_PREFIX = "/api/"


class BadParameter(ValueError):
    """A query parameter the API cannot use; becomes a 400 naming the parameter."""

    def __init__(self, parameter: str, message: str) -> None:
        super().__init__(message)
        self.parameter = parameter
        self.message = message


def error_response(status: int, message: str, **details: object) -> ResponseReturnValue:
    body = {"error": {"status": status, "message": message, **details}}
    return jsonify(body), status


def register_error_handlers(app: Flask) -> None:
    @app.errorhandler(BadParameter)
    def bad_parameter(exc: BadParameter) -> ResponseReturnValue:
        return error_response(400, exc.message, parameter=exc.parameter)

    @app.errorhandler(HTTPException)
    def http_error(exc: HTTPException) -> ResponseReturnValue | HTTPException:
        if not request.path.startswith(API_PREFIX):
            return exc
        return error_response(exc.code or 500, exc.description or exc.name)

    @app.errorhandler(InternalServerError)
    def internal_error(exc: InternalServerError) -> ResponseReturnValue | HTTPException:
        if not request.path.startswith(API_PREFIX):
            return exc
        return error_response(500, "internal server error")
