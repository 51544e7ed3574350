"""Organisation profiles: the interchange format, import/export, the profile services,
and the pages where people submit and edit them."""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    # Imported here, not above: the services of this package are imported by the features
    # the views use (memberships, matching), which must not pull the views in with them.
    from twinning.profiles import views

    app.register_blueprint(views.blueprint)
