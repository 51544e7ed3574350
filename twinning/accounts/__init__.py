"""Accounts: people register, confirm their address, sign in, and keep their data."""

from __future__ import annotations

from flask import Flask
from flask_babel import lazy_gettext as _l

from twinning.accounts import views
from twinning.extensions import login_manager


def init_app(app: Flask) -> None:
    login_manager.init_app(app)
    login_manager.login_view = "accounts.login"
    login_manager.login_message = _l("Please log in to see this page.")
    login_manager.login_message_category = "info"
    login_manager.session_protection = "basic"
    app.register_blueprint(views.blueprint)
