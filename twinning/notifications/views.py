"""``/<lang>/notifications/``: what happened to the person's organisations and exchanges."""

from __future__ import annotations

from flask import redirect, render_template, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user

from twinning.access import login_required
from twinning.notifications import service
from twinning.routing import localized_blueprint

blueprint = localized_blueprint("notifications", __name__, "/notifications")


@blueprint.get("/")
@login_required
def index() -> ResponseReturnValue:
    return render_template("notifications/list.html", notifications=service.recent(current_user))


@blueprint.post("/read")
@login_required
def read_all() -> ResponseReturnValue:
    service.mark_read(current_user)
    return redirect(url_for("notifications.index"), 303)


@blueprint.post("/<int:notification_id>/open")
@login_required
def open_one(notification_id: int) -> ResponseReturnValue:
    """Mark one as read and go to what it is about."""
    target = service.target_of(current_user, notification_id)
    service.mark_read(current_user, notification_id)
    return redirect(target or url_for("notifications.index"), 303)
