"""The people who keep a profile (``/<lang>/profiles/<slug>/members``) and accepting an
invitation (``/<lang>/invitations/<token>``)."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import current_user

from twinning import tokens
from twinning.access import login_required
from twinning.i18n import current_language
from twinning.memberships import forms, service
from twinning.memberships.service import MembershipError
from twinning.models import MemberRole, Profile
from twinning.profiles import service as profiles
from twinning.routing import localized_blueprint
from twinning.tokens import LinkError, Purpose

blueprint = localized_blueprint("memberships", __name__)


def _managed_profile(slug: str) -> Profile:
    """The profile, if the signed-in person may manage its members (else 404 or 403)."""
    profile = profiles.get_by_slug(slug)
    if profile is None or not service.can_see(current_user, profile):
        abort(404)
    if not service.can_manage_members(current_user, profile):
        abort(403)
    return profile


def _back(profile: Profile) -> ResponseReturnValue:
    return redirect(url_for("memberships.members", slug=profile.slug))


@blueprint.get("/profiles/<slug>/members")
@login_required
def members(slug: str) -> ResponseReturnValue:
    profile = _managed_profile(slug)
    return _members_page(profile, forms.InviteForm())


def _members_page(profile: Profile, invite_form, status: int = 200,
                  handover_link: str | None = None) -> ResponseReturnValue:
    return render_template(
        "memberships/members.html", profile=profile, members=service.members_of(profile),
        invitations=service.pending_invitations(profile), invite_form=invite_form,
        role_form=forms.RoleForm(), handover_link=handover_link,
        link_days=tokens.lifetime_days(Purpose.INVITATION),
    ), status


@blueprint.post("/profiles/<slug>/members/invite")
@login_required
def invite(slug: str) -> ResponseReturnValue:
    profile = _managed_profile(slug)
    form = forms.InviteForm()
    if not form.validate():
        return _members_page(profile, form, 422)
    try:
        service.invite(profile, form.email.data, MemberRole(form.role.data), current_user,
                       current_language())
    except MembershipError as error:
        form.email.errors = [*form.email.errors, error.message]
        return _members_page(profile, form, 422)
    flash(_("The invitation is sent to %(email)s.", email=form.email.data.strip().lower()))
    return _back(profile)


@blueprint.post("/profiles/<slug>/members/<int:user_id>/remove")
@login_required
def remove(slug: str, user_id: int) -> ResponseReturnValue:
    profile = _managed_profile(slug)
    try:
        service.remove_member(profile, user_id)
    except MembershipError as error:
        flash(error.message, "error")
    return _back(profile)


@blueprint.post("/profiles/<slug>/members/<int:user_id>/role")
@login_required
def set_role(slug: str, user_id: int) -> ResponseReturnValue:
    profile = _managed_profile(slug)
    form = forms.RoleForm()
    if form.validate():
        try:
            service.set_role(profile, user_id, MemberRole(form.role.data))
        except MembershipError as error:
            flash(error.message, "error")
    return _back(profile)


@blueprint.post("/profiles/<slug>/invitations/<int:invitation_id>/cancel")
@login_required
def cancel_invitation(slug: str, invitation_id: int) -> ResponseReturnValue:
    profile = _managed_profile(slug)
    try:
        service.cancel_invitation(profile, invitation_id)
    except MembershipError as error:
        flash(error.message, "error")
    return _back(profile)


@blueprint.post("/profiles/<slug>/handover")
@login_required
def handover(slug: str) -> ResponseReturnValue:
    profile = _managed_profile(slug)
    try:
        invitation = service.handover(profile, current_user)
    except MembershipError as error:
        flash(error.message, "error")
        return _back(profile)
    link = service.invitation_link(invitation, current_language())
    return _members_page(profile, forms.InviteForm(), handover_link=link)


@blueprint.route("/invitations/<token>", methods=["GET", "POST"])
def invitation(token: str) -> ResponseReturnValue:
    try:
        found = service.invitation_from_link(token)
    except LinkError as error:
        message = _("This invitation has expired: ask for a new one.") if error.expired \
            else _("This invitation is not valid any more: it was cancelled or already used.")
        return render_template("accounts/link_problem.html", message=message), 400
    if request.method == "POST":
        if not current_user.is_authenticated:
            return redirect(url_for("accounts.login", next=request.path))
        try:
            service.accept(found, current_user)
        except MembershipError as error:
            flash(error.message, "error")
        else:
            flash(_("You now keep the profile of %(name)s.", name=found.profile.name))
            return redirect(url_for("web.profile", slug=found.profile.slug))
    return render_template("memberships/invitation.html", invitation=found)
