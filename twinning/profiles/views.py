"""Submitting and editing a profile: ``/<lang>/profiles/new`` and ``/<lang>/profiles/<slug>/edit``.

form → the importer's validation → one service function → redirect. A POST with the
``check`` button re-renders the form with what the model reads in the description (its
language, suggested sectors, needs and offers, similar profiles) and saves nothing; with
``Accept: application/json`` the same reading comes back as JSON for the page's script.
"""

from __future__ import annotations

from flask import abort, flash, jsonify, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import current_user

from twinning.access import confirmed_required
from twinning.memberships import service as memberships
from twinning.models import Profile
from twinning.presenters import language_name
from twinning.profiles import forms, service, submission
from twinning.profiles.exporter import to_interchange
from twinning.routing import localized_blueprint

blueprint = localized_blueprint("profiles", __name__, "/profiles")
CHECK_BUTTON = "check"


@blueprint.route("/new", methods=["GET", "POST"])
@confirmed_required
def new() -> ResponseReturnValue:
    form = forms.ProfileForm()
    forms.prepare(form, None)
    return _form_page(form, None)


@blueprint.route("/<slug>/edit", methods=["GET", "POST"])
@confirmed_required
def edit(slug: str) -> ResponseReturnValue:
    profile = service.get_by_slug(slug)
    # A profile the person may not see (pending, rejected, archived) does not exist for
    # them: 404, as on its page, so that its address does not tell it is there.
    if profile is None or not memberships.can_see(current_user, profile):
        abort(404)
    if not memberships.can_edit(current_user, profile):
        abort(403)
    form = forms.ProfileForm()
    if request.method == "GET":
        forms.fill_from(form, profile, to_interchange(profile))
    forms.prepare(form, profile)
    return _form_page(form, profile)


def _form_page(form, profile: Profile | None) -> ResponseReturnValue:
    reading, suggested, general_errors, status = None, {}, [], 200
    if request.method == "POST" and form.validate():
        raw = forms.raw_values(form, profile)
        if CHECK_BUTTON in request.form:
            reading = submission.read_draft(raw, current_user, profile)
            suggested = forms.tick_suggestions(form, reading.tags)
            if request.accept_mimetypes.best == "application/json":
                return jsonify(_reading_json(reading, suggested))
        else:
            data, errors = submission.check(raw, profile)
            if not errors:
                return _save(form, profile, data)
            general_errors, status = forms.show_errors(form, errors), 422
    elif request.method == "POST":
        status = 400
    return render_template("profiles/form.html", form=form, profile=profile, reading=reading,
                           suggested=suggested, general_errors=general_errors), status


def _save(form, profile: Profile | None, data) -> ResponseReturnValue:
    if profile is None:
        created = submission.create(data, current_user, on_behalf=form.on_behalf.data)
        if created.is_published:
            flash(_("The profile is published, kept by you on behalf of the organisation."))
        else:
            flash(_("Thank you: your profile is waiting for a moderator. You will get an "
                    "e-mail when it is published."))
        return redirect(url_for("web.profile", slug=created.slug))
    if submission.update(profile, data, current_user):
        flash(_("Your changes are saved."))
    else:
        flash(_("Nothing was changed."))
    return redirect(url_for("web.profile", slug=profile.slug))


def _reading_json(reading: submission.DraftReading,
                  suggested: dict[str, list[str]]) -> dict[str, object]:
    return {
        "language": reading.language,
        "language_name": language_name(reading.language) if reading.language else None,
        "suggested": suggested,
        "similar": [{"name": item.profile.name,
                     "url": url_for("web.profile", slug=item.profile.slug),
                     "same_name": item.same_name,
                     "same_description": item.same_description}
                    for item in reading.similar],
        "html": render_template("profiles/_check_result.html", reading=reading,
                                suggested=suggested),
    }
