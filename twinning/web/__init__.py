"""The pages of the site, under a language prefix: ``/<lang>/…``."""

from __future__ import annotations

from flask import Flask

from twinning.web.views import blueprint


def init_app(app: Flask) -> None:
    app.register_blueprint(blueprint)
