"""The account forms (Flask-WTF, so every one carries a CSRF token). They only check that
what must be given is given; the rules on addresses and passwords live in the service, and
the command line applies the same ones."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, PasswordField, SelectField, SelectMultipleField, StringField
from wtforms.validators import DataRequired, InputRequired
from wtforms.widgets import EmailInput

from twinning.accounts.passwords import MAX_LENGTH, MIN_LENGTH
from twinning.forms import REQUIRED


def _email_field(label=None) -> StringField:
    return StringField(label or _l("E-mail address"), [InputRequired(REQUIRED)],
                       widget=EmailInput(), render_kw={"autocomplete": "email", "dir": "ltr",
                                                       "maxlength": 254})


def _password_field(label, new: bool) -> PasswordField:
    attributes = {"autocomplete": "new-password" if new else "current-password",
                  "dir": "ltr", "maxlength": MAX_LENGTH}
    if new:
        attributes["minlength"] = MIN_LENGTH
    return PasswordField(label, [InputRequired(REQUIRED)], render_kw=attributes)


def _language_field() -> SelectField:
    # Choices are the site's languages, named in themselves; the view fills them in.
    return SelectField(_l("Preferred language"), choices=[], validate_choice=True)


class RegisterForm(FlaskForm):
    name = StringField(_l("Your name"), [InputRequired(REQUIRED)],
                       render_kw={"autocomplete": "name", "dir": "auto", "maxlength": 120})
    email = _email_field()
    password = _password_field(_l("Password"), new=True)
    lang = _language_field()
    consent = BooleanField(
        _l("I have read the privacy notice and agree that my account is kept as it says."),
        [DataRequired(_l("An account needs your agreement to the privacy notice."))])


class LoginForm(FlaskForm):
    email = _email_field()
    password = _password_field(_l("Password"), new=False)
    remember = BooleanField(_l("Keep me signed in on this device"))


class ResetRequestForm(FlaskForm):
    email = _email_field()


class NewPasswordForm(FlaskForm):
    password = _password_field(_l("New password"), new=True)


class ChangePasswordForm(FlaskForm):
    current_password = _password_field(_l("Current password"), new=False)
    password = _password_field(_l("New password"), new=True)


class ChangeEmailForm(FlaskForm):
    email = _email_field(_l("New e-mail address"))
    password = _password_field(_l("Current password"), new=False)


class SettingsForm(FlaskForm):
    name = StringField(_l("Your name"), [InputRequired(REQUIRED)],
                       render_kw={"autocomplete": "name", "dir": "auto", "maxlength": 120})
    lang = _language_field()
    email_events = SelectMultipleField(_l("E-mails I want to receive"), choices=[],
                                       validate_choice=True)


class DeleteAccountForm(FlaskForm):
    password = _password_field(_l("Current password"), new=False)
