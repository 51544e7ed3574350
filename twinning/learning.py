"""The model learns from how exchanges ended: the outcomes read from the database, and the
learned weights kept only where they rank held-out outcomes better than the defaults."""

from __future__ import annotations

import sqlalchemy as sa

from twinning.exchanges import states
from twinning.extensions import db
from twinning.matching.index import MatchIndex
from twinning.matching.learn import LearningReport, Outcome, learn
from twinning.models import Exchange, Profile


def apply_learning(index: MatchIndex) -> LearningReport:
    """Fit on the exchanges' outcomes; the learned weights replace the defaults only when
    they rank held-out outcomes better. The report stays with the index (the "how
    suggestions are made" page tells it)."""
    report = learn(index, exchange_outcomes())
    index.learned = report.scorer if report.kept else None
    index.learning = report
    return report


def exchange_outcomes() -> list[Outcome]:
    """How requests ended, for learning the weights: accepted (and what came after) are
    positive, declined and expired negative; withdrawn and unanswered ones say nothing."""
    requester, partner = sa.orm.aliased(Profile), sa.orm.aliased(Profile)
    rows = db.session.execute(
        sa.select(requester.slug, partner.slug, Exchange.state)
        .join(requester, requester.id == Exchange.requester_id)
        .join(partner, partner.id == Exchange.partner_id)
        .where(Exchange.state.in_(states.ACCEPTED_OUTCOMES | states.REFUSED_OUTCOMES))
        .order_by(Exchange.id))
    return [Outcome(query, candidate, state in states.ACCEPTED_OUTCOMES)
            for query, candidate, state in rows]
