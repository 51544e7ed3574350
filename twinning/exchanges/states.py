"""Which way an exchange request may go: the one table the services, the pages and the
tests read.

    sent → accepted | declined (optional reason) | withdrawn (by the requester) | expired
    accepted → in_progress → completed (with a report) | ended
    accepted → ended (the partnership stops before it started)

``expired`` is reached only by ``flask twinning expire``, never through a page.
"""

from __future__ import annotations

from dataclasses import dataclass

from twinning.models import ExchangeState

SENT = ExchangeState.SENT
ACCEPTED = ExchangeState.ACCEPTED
DECLINED = ExchangeState.DECLINED
WITHDRAWN = ExchangeState.WITHDRAWN
EXPIRED = ExchangeState.EXPIRED
IN_PROGRESS = ExchangeState.IN_PROGRESS
COMPLETED = ExchangeState.COMPLETED
ENDED = ExchangeState.ENDED

REQUESTER = "requester"
PARTNER = "partner"
EITHER = "either"

# A request still waiting or going on: one per pair of organisations and purpose.
OPEN_STATES = frozenset({SENT, ACCEPTED, IN_PROGRESS})
# Once accepted, the two organisations are partners: shown on both profiles, never
# suggested to each other again.
PARTNERSHIP_STATES = frozenset({ACCEPTED, IN_PROGRESS, COMPLETED, ENDED})
# What the matching model learns from: accepted (and what came after), or refused.
ACCEPTED_OUTCOMES = PARTNERSHIP_STATES
REFUSED_OUTCOMES = frozenset({DECLINED, EXPIRED})

NO_NOTE = None
REASON = "reason"  # optional
REPORT = "report"  # required: what happened, what was learned


@dataclass(frozen=True)
class Transition:
    action: str  # the name in ``POST /<lang>/exchanges/<id>/<action>``
    source: ExchangeState
    target: ExchangeState
    by: str  # which side's members may take it: REQUESTER, PARTNER or EITHER
    note: str | None = NO_NOTE

    @property
    def note_required(self) -> bool:
        return self.note == REPORT


TRANSITIONS: tuple[Transition, ...] = (
    Transition("accept", SENT, ACCEPTED, PARTNER),
    Transition("decline", SENT, DECLINED, PARTNER, REASON),
    Transition("withdraw", SENT, WITHDRAWN, REQUESTER),
    Transition("start", ACCEPTED, IN_PROGRESS, EITHER),
    Transition("complete", IN_PROGRESS, COMPLETED, EITHER, REPORT),
    Transition("end", IN_PROGRESS, ENDED, EITHER, REASON),
    Transition("end", ACCEPTED, ENDED, EITHER, REASON),
)
ACTIONS: tuple[str, ...] = tuple(dict.fromkeys(transition.action for transition in TRANSITIONS))
# The system's own move, for requests nobody answered in time.
EXPIRE = Transition("expire", SENT, EXPIRED, EITHER)


def find(action: str, state: ExchangeState) -> Transition | None:
    """The transition ``action`` from ``state``, or None when it is not allowed."""
    return next((transition for transition in TRANSITIONS
                 if transition.action == action and transition.source == state), None)


def allowed(state: ExchangeState, sides: set[str]) -> list[Transition]:
    """What members of ``sides`` (REQUESTER, PARTNER) may do from ``state``, in table order."""
    return [transition for transition in TRANSITIONS
            if transition.source == state and (transition.by == EITHER or transition.by in sides)]


def is_open(state: ExchangeState) -> bool:
    return state in OPEN_STATES
