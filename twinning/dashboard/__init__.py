"""The territory dashboard for local authorities: a province's or a town's organisations,
their best partners, their exchanges, and charts drawn on the server."""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    # Imported here: the web pages use the service, and must not pull the views in with it.
    from twinning.dashboard import views

    app.register_blueprint(views.blueprint)
    app.jinja_env.globals["dashboard_url"] = views.dashboard_url
