"""The kinds of things a person is told, in the site and by e-mail. Each may be stopped by
e-mail from the person's settings or from a link in any such message."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

EXCHANGE_REQUESTED = "exchange_requested"
EXCHANGE_ANSWERED = "exchange_answered"  # accepted or declined
EXCHANGE_MESSAGE = "exchange_message"
EXCHANGE_STATE = "exchange_state"  # withdrawn, expired, started, completed, ended
PROFILE_MODERATED = "profile_moderated"
NEW_SUGGESTION = "new_suggestion"
DIGEST = "digest"

EVENTS = {
    EXCHANGE_REQUESTED: _l("When an organisation I keep receives a request for an exchange"),
    EXCHANGE_ANSWERED: _l("When a request of an organisation I keep is accepted or declined"),
    EXCHANGE_MESSAGE: _l("When a new message arrives about an exchange"),
    EXCHANGE_STATE: _l("When an exchange starts, is completed, ends, is withdrawn or expires"),
    PROFILE_MODERATED: _l("When a moderator publishes, rejects, archives or restores a "
                          "profile I keep"),
    NEW_SUGGESTION: _l("When a new partner is suggested to an organisation I keep"),
    DIGEST: _l("Once a week: new suggested partners and the requests still open"),
}
