"""A moderator's reason (rejecting, archiving) and an admin's change to an account."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, SelectField, TextAreaField

from twinning.forms import as_choices
from twinning.presenters import ROLE_LABELS


class ReasonForm(FlaskForm):
    # Required, and at most so long: the service says so, for the site and any other caller.
    reason = TextAreaField(_l("Reason, for the organisation"), render_kw={"rows": 3,
                                                                          "dir": "auto"})


class AccountRoleForm(FlaskForm):
    role = SelectField(_l("Role"), choices=as_choices(
        (role.value, label) for role, label in ROLE_LABELS.items()))
    facilitator = BooleanField(_l("Facilitator: may keep profiles for organisations without "
                                  "internet access"))
