"""The read-only JSON API under ``/api/v1``."""

from __future__ import annotations

from flask import Flask

from twinning.api.views import blueprint


def init_app(app: Flask) -> None:
    # Profiles are served in interchange field order, which scripts and people read.
    app.json.sort_keys = False
    app.register_blueprint(blueprint)
