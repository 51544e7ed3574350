"""Asking for an exchange, answering it, and writing in its thread."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, SelectField, TextAreaField
from wtforms.validators import InputRequired, Optional

from twinning.exchanges.labels import PURPOSE_LABELS
from twinning.exchanges.service import MAX_MESSAGE_LENGTH, MAX_NOTE_LENGTH
from twinning.forms import REQUIRED, as_choices


class RequestForm(FlaskForm):
    # The slug of the requesting organisation; the view offers those the person keeps.
    from_profile = SelectField(_l("On behalf of"), choices=[])
    purpose = SelectField(_l("Purpose"), choices=as_choices(
        (purpose.value, label) for purpose, label in PURPOSE_LABELS.items()))
    message = TextAreaField(_l("Your message"), [InputRequired(REQUIRED)],
                            render_kw={"rows": 6, "dir": "auto",
                                       "maxlength": MAX_MESSAGE_LENGTH})
    period_from = DateField(_l("Proposed period: from"), [Optional()])
    period_to = DateField(_l("until"), [Optional()])


class ActionForm(FlaskForm):
    """The optional reason (declining, ending) or the report (completing) of an action."""

    reason = TextAreaField(_l("Reason (optional)"),
                           render_kw={"rows": 3, "dir": "auto", "maxlength": MAX_NOTE_LENGTH})
    report = TextAreaField(_l("Report: what happened, what you learned"),
                           render_kw={"rows": 5, "dir": "auto", "maxlength": MAX_NOTE_LENGTH})


class MessageForm(FlaskForm):
    text = TextAreaField(_l("Your message"), [InputRequired(REQUIRED)],
                         render_kw={"rows": 4, "dir": "auto", "maxlength": MAX_MESSAGE_LENGTH})
