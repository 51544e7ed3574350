"""Who may reach a page: the guards every feature's views put on their routes.

Anonymous visitors are sent to the log-in page (and back afterwards); signed-in people
without the right get 403.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from flask import abort, redirect, url_for
from flask_login import current_user, login_required

__all__ = ["admin_required", "confirmed_required", "login_required", "moderator_required"]


def confirmed_required(view: Callable[..., Any]) -> Callable[..., Any]:
    """Signed in with a confirmed address (writing to the directory needs one)."""

    @wraps(view)
    @login_required
    def guarded(*args: Any, **kwargs: Any) -> Any:
        if not current_user.is_confirmed:
            return redirect(url_for("accounts.unconfirmed"))
        return view(*args, **kwargs)

    return guarded


def _role_required(check: Callable[[Any], bool]) -> Callable[[Callable[..., Any]],
                                                             Callable[..., Any]]:
    def decorate(view: Callable[..., Any]) -> Callable[..., Any]:
        @wraps(view)
        @login_required
        def guarded(*args: Any, **kwargs: Any) -> Any:
            if not check(current_user):
                abort(403)
            return view(*args, **kwargs)

        return guarded

    return decorate


moderator_required = _role_required(lambda user: user.is_moderator)
admin_required = _role_required(lambda user: user.is_admin)
