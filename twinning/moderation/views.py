"""``/<lang>/moderation/``: the queue, approving and rejecting, archiving and restoring,
a profile's history, edits to look at, and (for admins) people's roles and the background
jobs that failed."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import current_user

from twinning import jobs
from twinning.access import admin_required, moderator_required
from twinning.models import Profile, Role
from twinning.moderation import forms, service
from twinning.moderation.service import ModerationError
from twinning.profiles import history as changes
from twinning.profiles import service as profiles
from twinning.routing import localized_blueprint

blueprint = localized_blueprint("moderation", __name__, "/moderation")


def _profile(slug: str) -> Profile:
    profile = profiles.get_by_slug(slug)
    if profile is None:
        abort(404)
    return profile


@blueprint.get("/")
@moderator_required
def queue() -> ResponseReturnValue:
    return _queue_page()


def _queue_page(failed_slug: str | None = None, error: str | None = None,
                status: int = 200) -> ResponseReturnValue:
    return render_template("moderation/queue.html", entries=service.queue(),
                           edits=service.edits_to_review(), failed_slug=failed_slug,
                           error=error, reason_form=forms.ReasonForm()), status


def _decide(slug: str, decision: service.Decision, done: str,
            back_to_history: bool = False) -> ResponseReturnValue:
    """Apply a decision from its form; a missing reason shows the page again with the
    error beside the field, a decision somebody else took first is told in a message."""
    profile = _profile(slug)
    form = forms.ReasonForm()
    if not form.validate():
        abort(400)
    try:
        service.decide(profile, current_user, decision, form.reason.data)
    except service.MissingReason as error:
        if back_to_history:
            return _history_page(profile, error.message, 422)
        return _queue_page(slug, error.message, 422)
    except ModerationError as error:
        flash(error.message, "error")
    else:
        flash(done % {"name": profile.name})
    target = url_for("moderation.history", slug=profile.slug) if back_to_history \
        else url_for("moderation.queue")
    return redirect(target, 303)


@blueprint.post("/<slug>/approve")
@moderator_required
def approve(slug: str) -> ResponseReturnValue:
    return _decide(slug, service.APPROVE, _("%(name)s is published."))


@blueprint.post("/<slug>/reject")
@moderator_required
def reject(slug: str) -> ResponseReturnValue:
    return _decide(slug, service.REJECT, _("%(name)s is rejected; its people are told why."))


@blueprint.post("/<slug>/archive")
@moderator_required
def archive(slug: str) -> ResponseReturnValue:
    return _decide(slug, service.ARCHIVE, _("%(name)s is archived."), back_to_history=True)


@blueprint.post("/<slug>/restore")
@moderator_required
def restore(slug: str) -> ResponseReturnValue:
    return _decide(slug, service.RESTORE, _("%(name)s is published again."),
                   back_to_history=True)


@blueprint.get("/<slug>/history")
@moderator_required
def history(slug: str) -> ResponseReturnValue:
    return _history_page(_profile(slug))


def _history_page(profile: Profile, error: str | None = None,
                  status: int = 200) -> ResponseReturnValue:
    return render_template("moderation/history.html", profile=profile,
                           changes=changes.of_profile(profile), error=error,
                           reason_form=forms.ReasonForm()), status


@blueprint.post("/changes/<int:change_id>/reviewed")
@moderator_required
def reviewed(change_id: int) -> ResponseReturnValue:
    try:
        service.mark_reviewed(change_id, current_user)
    except ModerationError as error:
        flash(error.message, "error")
    return redirect(url_for("moderation.queue"), 303)


@blueprint.get("/archived")
@moderator_required
def archived() -> ResponseReturnValue:
    return render_template("moderation/archived.html", profiles=service.archived())


@blueprint.get("/users")
@admin_required
def users() -> ResponseReturnValue:
    return render_template("moderation/users.html", users=service.accounts(),
                           form=forms.AccountRoleForm())


@blueprint.post("/users/<int:user_id>")
@admin_required
def set_account_role(user_id: int) -> ResponseReturnValue:
    form = forms.AccountRoleForm()
    if not form.validate():
        abort(400)
    try:
        service.set_account_role(user_id, Role(form.role.data), form.facilitator.data)
    except ModerationError as error:
        flash(error.message, "error")
    else:
        flash(_("The account is updated."))
    return redirect(url_for("moderation.users"), 303)


@blueprint.get("/jobs")
@admin_required
def failed_jobs() -> ResponseReturnValue:
    return render_template("moderation/jobs.html", queue=jobs.queue_configured(),
                           failed=jobs.failed_jobs())


@blueprint.post("/jobs/<job_id>/retry")
@admin_required
def retry_job(job_id: str) -> ResponseReturnValue:
    if jobs.retry_failed(job_id):
        flash(_("The job is on the queue again."))
    else:
        flash(_("This job is not among the failed ones any more."), "error")
    return redirect(url_for("moderation.failed_jobs"), 303)
