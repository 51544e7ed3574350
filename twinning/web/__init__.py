"""The pages of the site, under a language prefix: ``/<lang>/…``."""

from __future__ import annotations

from flask import Flask

from twinning.web import views
from twinning.web.presenters import TEMPLATE_HELPERS


def init_app(app: Flask) -> None:
    views.register(app)
    app.jinja_env.globals.update(TEMPLATE_HELPERS)
