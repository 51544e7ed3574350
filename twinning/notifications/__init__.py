"""Telling people what happened: in the site (a count in the header), by e-mail in their
language, and in a weekly digest."""

from __future__ import annotations

from flask import Flask
from flask_login import current_user

from twinning.notifications import outbox, service


def _unread_count() -> dict[str, int]:
    if current_user and current_user.is_authenticated:
        return {"unread_notifications": service.unread_count(current_user)}
    return {}


def init_app(app: Flask) -> None:
    from twinning.notifications import texts, views

    outbox.init_app(app)
    app.register_blueprint(views.blueprint)
    app.context_processor(_unread_count)
    app.jinja_env.globals["describe_notification"] = texts.describe
