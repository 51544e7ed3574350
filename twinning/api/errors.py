"""JSON error bodies for the API (the dispatch by path lives in :mod:`twinning.errors`)."""

from __future__ import annotations

from flask import jsonify
from flask.typing import ResponseReturnValue

API_PREFIX = "/api/"


def error_response(status: int, message: str, **details: object) -> ResponseReturnValue:
    body = {"error": {"status": status, "message": message, **details}}
    return jsonify(body), status
