"""The read-only pages of the site, under a language prefix: ``/<lang>/…``."""

from __future__ import annotations

from flask import Flask

from twinning.web import views


def init_app(app: Flask) -> None:
    views.register(app)
