"""Moderation: moderators keep the directory trustworthy."""

from __future__ import annotations

from flask import Flask
from flask_login import current_user

from twinning.moderation import service, views


def _pending_for_moderators() -> dict[str, int]:
    """The number shown beside "Moderation" in the header, for moderators only."""
    if current_user and current_user.is_authenticated and current_user.is_moderator:
        return {"moderation_pending": service.pending_count()}
    return {}


def init_app(app: Flask) -> None:
    app.register_blueprint(views.blueprint)
    app.context_processor(_pending_for_moderators)
