"""Exchange requests between organisations, from a suggestion to a partnership."""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    # Imported here: the service is imported by the matching bridge and the profile pages,
    # which must not pull the views in with them.
    from twinning.exchanges import labels, views

    app.register_blueprint(views.blueprint)
    app.jinja_env.globals.update(labels.TEMPLATE_HELPERS)
