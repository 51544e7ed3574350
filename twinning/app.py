"""The application factory: a list of named steps, each part registering itself."""

from __future__ import annotations

from typing import Any

from flask import Flask
from werkzeug.middleware.proxy_fix import ProxyFix

from twinning import (
    accounts,
    api,
    cli,
    config,
    dashboard,
    errors,
    exchanges,
    extensions,
    i18n,
    memberships,
    moderation,
    notifications,
    presenters,
    profiles,
    ratelimits,
    reader,
    request_guard,
    routing,
    security,
    web,
)


def create_app(test_config: dict[str, Any] | None = None) -> Flask:
    """Build the app: defaults → ``instance/config.py`` → ``TWINNING_*`` environment.

    ``test_config`` replaces the last two steps, so tests never read the developer's
    instance folder or environment by accident.
    """
    app = Flask(
        __name__.rsplit(".", 1)[0],
        instance_path=config.instance_path_from_environment(),
        instance_relative_config=True,
    )
    config.load(app, test_config)
    hops = app.config["PROXY_FIX_HOPS"]
    if hops:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops)
    extensions.init_app(app)
    i18n.init_app(app)
    routing.init_app(app)
    request_guard.init_app(app)
    security.init_app(app)
    presenters.init_app(app)
    web.init_app(app)
    accounts.init_app(app)
    profiles.init_app(app)
    memberships.init_app(app)
    moderation.init_app(app)
    exchanges.init_app(app)
    dashboard.init_app(app)
    notifications.init_app(app)
    reader.init_app(app)
    api.init_app(app)
    ratelimits.init_app(app)  # after every blueprint: it limits their marked views
    errors.init_app(app)
    cli.init_app(app)
    return app
