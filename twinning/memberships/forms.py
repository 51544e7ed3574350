"""Inviting somebody to keep a profile, and changing a member's role."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SelectField, StringField
from wtforms.validators import InputRequired
from wtforms.widgets import EmailInput

from twinning.forms import REQUIRED, as_choices
from twinning.models import MemberRole
from twinning.presenters import MEMBER_ROLE_LABELS


def _role_field() -> SelectField:
    return SelectField(_l("Role"), choices=as_choices(
        (role.value, label) for role, label in MEMBER_ROLE_LABELS.items()),
        default=MemberRole.EDITOR.value)


class InviteForm(FlaskForm):
    email = StringField(_l("E-mail address"), [InputRequired(REQUIRED)],
                        widget=EmailInput(), render_kw={"dir": "ltr", "maxlength": 254})
    role = _role_field()


class RoleForm(FlaskForm):
    role = _role_field()
