"""Rate limits on the requests an attacker or a runaway script would repeat: log-in (guessing
passwords), registration and password reset (e-mails sent to strangers), exchange requests
and messages (other organisations' inboxes). Only POST counts: reading a form is free.

Each group has a limit per client address (``request.remote_addr``, which ``ProxyFix`` sets
from the trusted proxy's ``X-Forwarded-For`` when ``PROXY_FIX_HOPS`` says so) and, for the
groups that need a signed-in person, one per account, so that a person behind a shared
address (a commune's office) is not counted with the whole office.

One ``Limiter`` per app, not one module-level instance as in Flask-Limiter's examples: the
extension keeps its storage and its on/off switch on the instance, so two apps in one process
(the tests build dozens) would share the counters and settings of whichever was initialised
last. Views mark themselves with :func:`rate_limited`; :func:`init_app` applies the group's
settings to the marked views of its app.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeVar

from flask import Flask, current_app
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import current_user

EXTENSION = "twinning.ratelimits"
LIMITED_METHODS = ["POST"]
MEMORY_STORAGE = "memory://"
View = TypeVar("View", bound=Callable)


@dataclass(frozen=True)
class Group:
    """The settings holding a group's limits (Flask-Limiter syntax, "" for none)."""

    per_client: str
    per_user: str | None = None


GROUPS = {
    "login": Group("RATELIMIT_LOGIN"),
    "register": Group("RATELIMIT_REGISTER"),
    "password_reset": Group("RATELIMIT_PASSWORD_RESET"),
    "exchange_request": Group("RATELIMIT_EXCHANGE_REQUEST",
                              "RATELIMIT_EXCHANGE_REQUEST_PER_USER"),
    "message": Group("RATELIMIT_MESSAGE", "RATELIMIT_MESSAGE_PER_USER"),
}


def rate_limited(group: str) -> Callable[[View], View]:
    """Mark a view as limited by ``group``'s settings (applied by :func:`init_app`)."""
    if group not in GROUPS:
        raise ValueError(f"unknown rate-limit group {group!r}")

    def mark(view: View) -> View:
        view.rate_limit_group = group  # type: ignore[attr-defined]
        return view

    return mark


def _signed_in_account() -> str:
    # The account's id, not its session token (Flask-Login's id here): a credential has no
    # place in the counters' keys, and a new password must not reset the count.
    return f"user:{current_user.id}"


def _anonymous() -> bool:
    return not current_user.is_authenticated


def init_app(app: Flask) -> None:
    """Give the app its limiter; call it once every blueprint is registered."""
    limiter = Limiter(
        get_remote_address,
        storage_uri=(app.config["RATELIMIT_STORAGE_URL"] or app.config["REDIS_URL"]
                     or MEMORY_STORAGE),
        key_prefix="twinning",
        headers_enabled=True,
        # A Redis outage falls back to limits kept in each process, never to errors.
        in_memory_fallback_enabled=True,
    )
    limiter.init_app(app)
    app.extensions[EXTENSION] = limiter
    for endpoint, view in list(app.view_functions.items()):
        group = GROUPS.get(getattr(view, "rate_limit_group", ""))
        if group is not None:
            # Flask-Limiter checks a decorated limit in its wrapper, so the app serves it.
            app.view_functions[endpoint] = _limited(limiter, group, app.config, view)


def _limited(limiter: Limiter, group: Group, config: dict, view: View) -> View:
    if group.per_user and config[group.per_user]:
        view = limiter.limit(config[group.per_user], methods=LIMITED_METHODS,
                             key_func=_signed_in_account, exempt_when=_anonymous)(view)
    if config[group.per_client]:
        view = limiter.limit(config[group.per_client], methods=LIMITED_METHODS)(view)
    return view


def seconds_until_retry() -> int:
    """How long the person who just hit a limit must wait (at least a second): the limiter
    keeps the breached limit of the request."""
    breached = current_app.extensions[EXTENSION].current_limit
    return max(1, math.ceil(breached.reset_at - time.time()))
