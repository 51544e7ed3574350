"""Exchange requests: asking, answering, going through with it, the message thread, and
what the rest of the platform reads from them (partnerships, outcomes for learning).

A change of state is one conditional UPDATE on the current state: when two members answer
at once, exactly one wins and the other is told; nothing changes twice. One open request per
pair of organisations and purpose is kept by a unique column of the database.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from functools import cache
from typing import Any

import sqlalchemy as sa
from flask import current_app
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy.exc import IntegrityError

from twinning import suggestions
from twinning.exchanges import states
from twinning.exchanges.labels import action_label, state_label
from twinning.exchanges.states import Transition
from twinning.extensions import db
from twinning.matching.text import detect_language
from twinning.memberships import service as memberships
from twinning.models import (
    Exchange,
    ExchangeMessage,
    ExchangeState,
    ExchangeTransition,
    Membership,
    Profile,
    Purpose,
    User,
)
from twinning.notifications import events, mail
from twinning.notifications import service as notifications
from twinning.profiles.interchange import neutralise

MAX_MESSAGE_LENGTH = 5000
MAX_NOTE_LENGTH = 5000


class ExchangeError(ValueError):
    """A request that cannot be granted; ``status`` is the HTTP answer that suits it."""

    def __init__(self, message: str, status: int = 422, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.status = status
        self.field = field


def now() -> datetime:
    return datetime.now(UTC)


def open_key(first: int, second: int, purpose: Purpose) -> str:
    low, high = sorted((first, second))
    return f"{low}:{high}:{purpose.value}"


# ----- who is who -------------------------------------------------------------------------
def sides_of(user: Any, exchange: Exchange) -> set[str]:
    """The sides (requester, partner) whose organisation ``user`` keeps."""
    if not getattr(user, "is_authenticated", False):
        return set()
    kept = set(db.session.scalars(sa.select(Membership.profile_id).where(
        Membership.user_id == user.id,
        Membership.profile_id.in_([exchange.requester_id, exchange.partner_id]))))
    return {side for side, profile_id in ((states.REQUESTER, exchange.requester_id),
                                          (states.PARTNER, exchange.partner_id))
            if profile_id in kept}


def get_for(user: Any, exchange_id: int) -> Exchange | None:
    """The exchange, if ``user`` keeps one of its two organisations (nobody else sees it,
    moderators included: the thread is the organisations' own)."""
    exchange = db.session.get(Exchange, exchange_id)
    if exchange is None or not sides_of(user, exchange):
        return None
    return exchange


def _members(profile: Profile) -> list[User]:
    return [row.user for row in memberships.members_of(profile)]


# ----- asking -----------------------------------------------------------------------------
def request_exchange(user: User, requester: Profile, partner: Profile, purpose: Purpose,
                     message: str, period_from: date | None = None,
                     period_to: date | None = None) -> Exchange:
    """Ask ``partner`` for an exchange on behalf of ``requester`` (kept by ``user``)."""
    if memberships.membership(user, requester) is None:
        raise ExchangeError(_("You do not keep this organisation's profile."), 403,
                            "from_profile")
    if requester.id == partner.id:
        raise ExchangeError(_("An organisation cannot ask itself for an exchange."),
                            field="from_profile")
    if not (requester.is_published and partner.is_published):
        raise ExchangeError(_("Both organisations must be in the directory."),
                            field="from_profile")
    message = _clean_text(message, MAX_MESSAGE_LENGTH, "message", required=True)
    if period_from and period_to and period_to < period_from:
        raise ExchangeError(_("The period ends before it starts."), field="period_to")
    _check_cool_down(requester, partner, purpose)
    exchange = Exchange(requester_id=requester.id, partner_id=partner.id, purpose=purpose,
                        state=ExchangeState.SENT, message=message,
                        message_lang=detect_language(message), period_from=period_from,
                        period_to=period_to, open_key=open_key(requester.id, partner.id,
                                                               purpose),
                        match=suggestions.match_between(requester, partner),
                        created_by_id=user.id)
    db.session.add(exchange)
    try:
        db.session.flush()
    except IntegrityError:
        db.session.rollback()
        raise ExchangeError(_("These two organisations already have an open request for "
                              "this purpose."), 409, "purpose") from None
    db.session.add(ExchangeTransition(exchange_id=exchange.id, from_state=None,
                                      to_state=ExchangeState.SENT, user_id=user.id))
    db.session.commit()
    _tell(exchange, _members(partner), events.EXCHANGE_REQUESTED,
          _l("A request for an exchange"))
    return exchange


def _check_cool_down(requester: Profile, partner: Profile, purpose: Purpose) -> None:
    days = current_app.config["EXCHANGE_COOLDOWN_DAYS"]
    declined_since = now() - timedelta(days=days)
    pair = sa.or_(
        sa.and_(Exchange.requester_id == requester.id, Exchange.partner_id == partner.id),
        sa.and_(Exchange.requester_id == partner.id, Exchange.partner_id == requester.id))
    recent = db.session.scalar(
        sa.select(sa.func.max(Exchange.closed_at)).where(
            pair, Exchange.purpose == purpose, Exchange.state == ExchangeState.DECLINED,
            Exchange.closed_at >= declined_since))
    if recent is not None:
        again = (recent + timedelta(days=days)).date()
        raise ExchangeError(_("This request was declined not long ago: it can be asked "
                              "again from %(date)s.", date=again.isoformat()), 409, "purpose")


def _clean_text(text: str | None, limit: int, field: str, required: bool) -> str | None:
    text = neutralise((text or "").replace("\x00", "")).strip()
    if required and not text:
        raise ExchangeError(_("Please write something here."), field=field)
    if len(text) > limit:
        raise ExchangeError(_("This is too long (at most %(limit)d characters).", limit=limit),
                            field=field)
    return text or None


# ----- answering and going through with it ------------------------------------------------
def act(user: User, exchange: Exchange, action: str, note: str | None = None) -> Exchange:
    """Take ``action`` (accept, decline, withdraw, start, complete, end) for ``user``.

    An action the state does not allow is refused (409) and changes nothing; so is one
    somebody else took first. An action of the other side is refused (403).
    """
    sides = sides_of(user, exchange)
    if not sides:
        raise ExchangeError(_("Only the two organisations' members can do this."), 403)
    transition = states.find(action, exchange.state)
    if transition is None:
        raise ExchangeError(_illegal(exchange, action), 409)
    if transition.by != states.EITHER and transition.by not in sides:
        raise ExchangeError(_("Only the other organisation's members can do this."), 403)
    text = _clean_text(note, MAX_NOTE_LENGTH, transition.note or "note",
                       required=transition.note_required)
    _move(exchange, transition, user, text)
    return exchange


def _illegal(exchange: Exchange, action: str) -> str:
    return _("This exchange is “%(state)s”: the action “%(action)s” is no longer possible. "
             "Nothing was changed.", state=state_label(exchange.state),
             action=action_label(action))


def _move(exchange: Exchange, transition: Transition, user: User | None,
          note: str | None) -> None:
    moment = now()
    values: dict[str, Any] = {"state": transition.target, "updated_at": moment}
    if not states.is_open(transition.target):
        values.update(open_key=None, closed_at=moment)
    if transition.target == ExchangeState.ACCEPTED:
        values["accepted_at"] = moment
    if transition.note == states.REASON and transition.target == ExchangeState.DECLINED:
        values["decline_reason"] = note
    if transition.note == states.REPORT:
        values.update(report=note, report_lang=detect_language(note or ""))
    result = db.session.execute(
        sa.update(Exchange)
        .where(Exchange.id == exchange.id, Exchange.state == transition.source)
        .values(**values).execution_options(synchronize_session=False))
    if result.rowcount != 1:
        db.session.rollback()
        db.session.refresh(exchange)
        raise ExchangeError(_("Somebody else has just answered: this exchange is now "
                              "“%(state)s”. Nothing was changed.",
                              state=state_label(exchange.state)), 409)
    db.session.add(ExchangeTransition(exchange_id=exchange.id, from_state=transition.source,
                                      to_state=transition.target,
                                      user_id=user.id if user else None, note=note))
    db.session.commit()
    db.session.refresh(exchange)
    if transition.target == ExchangeState.ACCEPTED:
        suggestions.forget_pair(exchange.requester, exchange.partner)
    event = events.EXCHANGE_ANSWERED if transition.source == ExchangeState.SENT \
        and transition.target in (ExchangeState.ACCEPTED, ExchangeState.DECLINED) \
        else events.EXCHANGE_STATE
    recipients = [member for profile in (exchange.requester, exchange.partner)
                  for member in _members(profile) if user is None or member.id != user.id]
    _tell(exchange, recipients, event, _l("News of an exchange"))


def expire(moment: datetime | None = None) -> int:
    """Requests nobody answered within ``EXCHANGE_EXPIRY_DAYS`` expire (``flask twinning
    expire``, for cron); returns how many. ``moment`` is now unless a test fixes the clock."""
    moment = moment or now()
    cutoff = moment - timedelta(days=current_app.config["EXCHANGE_EXPIRY_DAYS"])
    waiting = list(db.session.scalars(
        sa.select(Exchange).where(Exchange.state == ExchangeState.SENT,
                                  Exchange.created_at < cutoff).order_by(Exchange.id)))
    expired = 0
    for exchange in waiting:
        try:
            _move(exchange, states.EXPIRE, None, None)
        except ExchangeError:
            continue  # answered meanwhile
        expired += 1
    return expired


# ----- the thread -------------------------------------------------------------------------
def post_message(user: User, exchange: Exchange, text: str) -> ExchangeMessage:
    sides = sides_of(user, exchange)
    if not sides:
        raise ExchangeError(_("Only the two organisations' members can write here."), 403)
    text = _clean_text(text, MAX_MESSAGE_LENGTH, "text", required=True)
    author_profile = exchange.requester if states.REQUESTER in sides else exchange.partner
    message = ExchangeMessage(exchange_id=exchange.id, author_id=user.id,
                              author_profile_id=author_profile.id, text=text,
                              lang=detect_language(text))
    db.session.add(message)
    db.session.commit()
    recipients = [member for profile in (exchange.requester, exchange.partner)
                  for member in _members(profile) if member.id != user.id]
    _tell(exchange, recipients, events.EXCHANGE_MESSAGE, _l("A new message about an exchange"),
          data={"author": author_profile.id})
    return message


def _tell(exchange: Exchange, users: list[User], event: str, subject,
          data: dict[str, Any] | None = None) -> None:
    notifications.notify(
        users, event, exchange=exchange,
        data={"state": exchange.state.value, **(data or {})},
        email=notifications.Email(f"exchanges/{event}", subject),
        link=lambda user: mail.external_url("exchanges.detail", exchange_id=exchange.id,
                                            lang=user.lang))


# ----- what the rest of the platform reads ------------------------------------------------
def exchanges_of(user: User) -> list[Exchange]:
    """Every exchange of the organisations ``user`` keeps, newest first."""
    kept = sa.select(Membership.profile_id).where(Membership.user_id == user.id)
    return list(db.session.scalars(
        sa.select(Exchange).where(sa.or_(Exchange.requester_id.in_(kept),
                                         Exchange.partner_id.in_(kept)))
        .order_by(Exchange.updated_at.desc(), Exchange.id.desc())))


def partnerships_of(profile: Profile) -> list[Exchange]:
    """Accepted exchanges (and what came after) of ``profile`` with a partner still in the
    directory, newest first: a partner archived since is not named on public pages."""
    return list(db.session.scalars(_partnerships_statement(), {"profile_id": profile.id}))


@cache
def _partnerships_statement() -> sa.Select:
    """Made once: every view of a profile asks, and building the statement and its cache
    key cost twice as much as running it (1.6 → 0.5 ms of CPU)."""
    profile_id = sa.bindparam("profile_id")
    published = sa.select(Profile.id).where(Profile.is_published)
    return (sa.select(Exchange).where(
        sa.or_(sa.and_(Exchange.requester_id == profile_id, Exchange.partner_id.in_(published)),
               sa.and_(Exchange.partner_id == profile_id, Exchange.requester_id.in_(published))),
        Exchange.state.in_(states.PARTNERSHIP_STATES))
        .order_by(Exchange.accepted_at.desc(), Exchange.id.desc()))


def organisations_to_ask_from(user: Any, partner: Profile) -> list[Profile]:
    """The published organisations ``user`` keeps that could ask ``partner`` (none for a
    visitor, and never ``partner`` itself)."""
    if not getattr(user, "is_authenticated", False):
        return []
    return [row.profile for row in memberships.organisations_of(user)
            if row.profile.is_published and row.profile.id != partner.id]
