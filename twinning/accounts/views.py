"""Account pages under ``/<lang>/account/``: register, confirm, log in and out, passwords,
address, settings, the person's data and the deletion of the account.

Each view is thin: form → one service function → redirect (or the form again, with the
error next to its field).
"""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import (
    Response,
    flash,
    g,
    jsonify,
    redirect,
    render_template,
    request,
    url_for,
)
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import current_user, login_user, logout_user

from twinning.access import login_required
from twinning.accounts import forms, service
from twinning.accounts.service import AccountError
from twinning.extensions import csrf
from twinning.forms import as_choices
from twinning.i18n import LANGUAGES, language_names
from twinning.memberships import service as memberships
from twinning.notifications import preferences
from twinning.ratelimits import rate_limited
from twinning.routing import localized_blueprint
from twinning.tokens import LinkError

blueprint = localized_blueprint("accounts", __name__, "/account")


def _language_choices():
    return as_choices((lang, language_names()[lang]) for lang in LANGUAGES)


def _show(form, error: AccountError) -> None:
    """An error from the service, next to the field it is about."""
    if error.field and error.field in form:
        form[error.field].errors = [*form[error.field].errors, error.message]
    else:
        flash(error.message, "error")


def _safe_next(target: str | None) -> str | None:
    """Only an address of this site (a path), never another one: no open redirect."""
    if not target:
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return None
    return target


def _link_problem(error: LinkError) -> ResponseReturnValue:
    message = _("This link has expired: ask for a new one.") if error.expired else \
        _("This link is not valid, or it has already been used.")
    return render_template("accounts/link_problem.html", message=message), 400


# ----- registering ------------------------------------------------------------------------
@blueprint.route("/register", methods=["GET", "POST"])
@rate_limited("register")
def register() -> ResponseReturnValue:
    if current_user.is_authenticated:
        return redirect(url_for("accounts.overview"))
    form = forms.RegisterForm()
    form.lang.choices = _language_choices()
    if request.method == "GET":
        form.lang.data = g.lang
    if form.validate_on_submit():
        try:
            service.register(form.email.data, form.password.data, form.name.data,
                             form.lang.data)
        except AccountError as error:
            _show(form, error)
        else:
            return redirect(url_for("accounts.check_mailbox"))
    status = 422 if request.method == "POST" else 200
    return render_template("accounts/register.html", form=form), status


@blueprint.get("/check-your-mailbox")
def check_mailbox() -> ResponseReturnValue:
    return render_template("accounts/check_mailbox.html")


@blueprint.get("/confirm/<token>")
def confirm(token: str) -> ResponseReturnValue:
    try:
        user = service.confirm(token)
    except LinkError as error:
        return _link_problem(error)
    flash(_("Your e-mail address is confirmed."))
    if current_user.is_authenticated and current_user.id == user.id:
        return redirect(url_for("accounts.overview"))
    return redirect(url_for("accounts.login"))


@blueprint.get("/unconfirmed")
@login_required
def unconfirmed() -> ResponseReturnValue:
    if current_user.is_confirmed:
        return redirect(url_for("accounts.overview"))
    return render_template("accounts/unconfirmed.html")


@blueprint.post("/confirm")
@login_required
@rate_limited("register")
def resend_confirmation() -> ResponseReturnValue:
    if not current_user.is_confirmed:
        service.send_confirmation(current_user)
        flash(_("We sent you a new confirmation link."))
    return redirect(url_for("accounts.unconfirmed"))


# ----- signing in and out -----------------------------------------------------------------
@blueprint.route("/login", methods=["GET", "POST"])
@rate_limited("login")
def login() -> ResponseReturnValue:
    form = forms.LoginForm()
    target = _safe_next(request.args.get("next"))
    if form.validate_on_submit():
        user = service.authenticate(form.email.data, form.password.data)
        if user is not None:
            login_user(user, remember=form.remember.data)
            return redirect(target or url_for("accounts.overview", lang=user.lang))
        flash(_("The e-mail address or the password is wrong."), "error")
    return render_template("accounts/login.html", form=form)


@blueprint.route("/logout", methods=["GET", "POST"])
def logout() -> ResponseReturnValue:
    if request.method == "GET":
        return render_template("accounts/logout.html")
    logout_user()
    flash(_("You are signed out."))
    return redirect(url_for("web.home"))


# ----- passwords --------------------------------------------------------------------------
@blueprint.route("/reset", methods=["GET", "POST"])
@rate_limited("password_reset")
def reset() -> ResponseReturnValue:
    form = forms.ResetRequestForm()
    if form.validate_on_submit():
        service.request_password_reset(form.email.data)
        return render_template("accounts/reset_sent.html")
    return render_template("accounts/reset.html", form=form)


@blueprint.route("/reset/<token>", methods=["GET", "POST"])
def reset_password(token: str) -> ResponseReturnValue:
    try:
        service.user_of_reset_link(token)
    except LinkError as error:
        return _link_problem(error)
    form = forms.NewPasswordForm()
    if form.validate_on_submit():
        try:
            user = service.reset_password(token, form.password.data)
        except AccountError as error:
            _show(form, error)
        except LinkError as error:
            return _link_problem(error)
        else:
            login_user(user)
            flash(_("Your new password is saved."))
            return redirect(url_for("accounts.overview"))
    return render_template("accounts/new_password.html", form=form)


@blueprint.route("/password", methods=["GET", "POST"])
@login_required
def change_password() -> ResponseReturnValue:
    form = forms.ChangePasswordForm()
    if form.validate_on_submit():
        try:
            service.change_password(current_user, form.current_password.data,
                                    form.password.data)
        except AccountError as error:
            _show(form, error)
        else:
            # The session token changed with the password: this browser signs in again.
            login_user(current_user._get_current_object())
            flash(_("Your new password is saved. Every other device is signed out."))
            return redirect(url_for("accounts.overview"))
    return render_template("accounts/change_password.html", form=form)


# ----- the address ------------------------------------------------------------------------
@blueprint.route("/email", methods=["GET", "POST"])
@login_required
def change_email() -> ResponseReturnValue:
    form = forms.ChangeEmailForm()
    if form.validate_on_submit():
        try:
            service.request_email_change(current_user, form.password.data, form.email.data)
        except AccountError as error:
            _show(form, error)
        else:
            flash(_("We sent a link to the new address: your account changes address when "
                    "you open it."))
            return redirect(url_for("accounts.overview"))
    return render_template("accounts/change_email.html", form=form)


@blueprint.get("/email/<token>")
def confirm_email(token: str) -> ResponseReturnValue:
    try:
        service.confirm_email_change(token)
    except LinkError as error:
        return _link_problem(error)
    except AccountError as error:
        return render_template("accounts/link_problem.html", message=error.message), 409
    flash(_("Your new e-mail address is confirmed."))
    return redirect(url_for("accounts.overview" if current_user.is_authenticated
                            else "accounts.login"))


# ----- the account ------------------------------------------------------------------------
@blueprint.get("/")
@login_required
def overview() -> ResponseReturnValue:
    return render_template("accounts/overview.html",
                           organisations=memberships.organisations_of(current_user))


@blueprint.route("/settings", methods=["GET", "POST"])
@login_required
def settings() -> ResponseReturnValue:
    form = forms.SettingsForm()
    form.lang.choices = _language_choices()
    form.email_events.choices = as_choices(preferences.EVENTS.items())
    if request.method == "GET":
        form.name.data, form.lang.data = current_user.name, current_user.lang
        form.email_events.data = [event for event in preferences.EVENTS
                                  if preferences.wants_email(current_user, event)]
    if form.validate_on_submit():
        opted_out = [event for event in preferences.EVENTS
                     if event not in (form.email_events.data or [])]
        try:
            service.update_settings(current_user, form.name.data, form.lang.data, opted_out)
        except AccountError as error:
            _show(form, error)
        else:
            flash(_("Your settings are saved."))
            return redirect(url_for("accounts.overview"))
    return render_template("accounts/settings.html", form=form)


@blueprint.get("/data.json")
@login_required
def data() -> ResponseReturnValue:
    response = jsonify(service.personal_data(current_user))
    response.headers["Content-Disposition"] = 'attachment; filename="twinning-my-data.json"'
    response.headers["Cache-Control"] = "no-store"
    return response


@blueprint.route("/delete", methods=["GET", "POST"])
@login_required
def delete() -> ResponseReturnValue:
    form = forms.DeleteAccountForm()
    if form.validate_on_submit():
        try:
            service.delete_account(current_user._get_current_object(), form.password.data)
        except AccountError as error:
            _show(form, error)
        else:
            logout_user()
            flash(_("Your account and your personal data are deleted."))
            return redirect(url_for("web.home"))
    return render_template("accounts/delete.html", form=form,
                           organisations=memberships.organisations_of(current_user))


@blueprint.route("/unsubscribe/<token>", methods=["GET", "POST"])
@csrf.exempt  # the signed link is the proof; mail programs post here in one click (RFC 8058)
def unsubscribe(token: str) -> ResponseReturnValue:
    if request.method == "GET":
        try:
            preferences.read_unsubscribe_link(token)
        except LinkError as error:
            return _link_problem(error)
        return render_template("accounts/unsubscribe.html", done=False)
    try:
        _user, event = preferences.unsubscribe(token)
    except LinkError as error:
        return _link_problem(error)
    if request.form.get("List-Unsubscribe") == "One-Click":
        return Response(status=204)
    return render_template("accounts/unsubscribe.html", done=True,
                           event=preferences.EVENTS[event])
