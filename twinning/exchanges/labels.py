"""How purposes, states and actions of exchanges read in the reader's language."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from twinning.models import ExchangeState, Purpose

PURPOSE_LABELS = {
    Purpose.EXPERIENCE_EXCHANGE: _l("Exchange of experience"),
    Purpose.TWINNING: _l("Twinning (decentralised cooperation agreement)"),
    Purpose.TRAINING_VISIT: _l("Training visit"),
    Purpose.TRADE: _l("Trade or fair-trade partnership"),
    Purpose.JOINT_PROJECT: _l("Joint project or funding application"),
}
STATE_LABELS = {
    ExchangeState.SENT: _l("waiting for an answer"),
    ExchangeState.ACCEPTED: _l("accepted"),
    ExchangeState.DECLINED: _l("declined"),
    ExchangeState.WITHDRAWN: _l("withdrawn"),
    ExchangeState.EXPIRED: _l("expired without an answer"),
    ExchangeState.IN_PROGRESS: _l("in progress"),
    ExchangeState.COMPLETED: _l("completed"),
    ExchangeState.ENDED: _l("ended"),
}
# The buttons, and the name of an action in the message that refuses it.
ACTION_LABELS = {
    "accept": _l("Accept"),
    "decline": _l("Decline"),
    "withdraw": _l("Withdraw the request"),
    "start": _l("The exchange has started"),
    "complete": _l("Mark as completed"),
    "end": _l("End the exchange"),
}


def purpose_label(purpose: Purpose | str) -> str:
    return str(PURPOSE_LABELS[Purpose(purpose)])


def state_label(state: ExchangeState | str) -> str:
    return str(STATE_LABELS[ExchangeState(state)])


def action_label(action: str) -> str:
    return str(ACTION_LABELS.get(action, action))


TEMPLATE_HELPERS = {
    "purpose_label": purpose_label,
    "state_label": state_label,
    "action_label": action_label,
}
