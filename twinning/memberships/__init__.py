"""Who keeps an organisation's profile: owners, editors, invitations and hand-over."""

from __future__ import annotations

from flask import Flask

from twinning.memberships import views


def init_app(app: Flask) -> None:
    app.register_blueprint(views.blueprint)
