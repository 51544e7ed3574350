"""Historical exchanges between demo profiles (``data/demo/exchanges.json``): what the
learning path, the partnerships and the dashboard show before anybody has used the site.

Each item names the two profiles by external_id, the purpose, how far it went and when:
``{"from", "to", "purpose", "state", "asked", "answered"?, "closed"?, "message",
"reason"?, "report"?}`` (dates as YYYY-MM-DD). The transitions are rebuilt from the dates.
"""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, time, timedelta
from importlib import resources
from typing import Any

import sqlalchemy as sa
from flask import current_app

from twinning import suggestions
from twinning.exchanges import states
from twinning.exchanges.service import open_key
from twinning.extensions import db
from twinning.matching.text import detect_language
from twinning.models import Exchange, ExchangeState, ExchangeTransition, Profile, Purpose

DEMO_FILE = "exchanges.json"


class DemoDataError(ValueError):
    pass


def demo_items() -> list[dict[str, Any]]:
    raw = resources.files("twinning").joinpath("data", "demo", DEMO_FILE).read_bytes()
    return json.loads(raw.decode("utf-8"))["exchanges"]


def load(items: list[dict[str, Any]]) -> int:
    """Write the exchanges that are not there yet; returns how many were written."""
    profiles = {profile.external_id: profile for profile in db.session.scalars(
        sa.select(Profile).where(Profile.external_id.in_(
            {item["from"] for item in items} | {item["to"] for item in items})))}
    written = 0
    for number, item in enumerate(items, start=1):
        requester, partner = _profile(profiles, item, "from", number), \
            _profile(profiles, item, "to", number)
        purpose, state = Purpose(item["purpose"]), ExchangeState(item["state"])
        asked = _moment(item["asked"])
        if db.session.scalar(sa.select(Exchange.id).where(
                Exchange.requester_id == requester.id, Exchange.partner_id == partner.id,
                Exchange.purpose == purpose, Exchange.created_at == asked)):
            continue
        path = _path(state, item, asked)
        exchange = Exchange(
            requester_id=requester.id, partner_id=partner.id, purpose=purpose, state=state,
            message=item["message"], message_lang=detect_language(item["message"]),
            open_key=open_key(requester.id, partner.id, purpose)
            if states.is_open(state) else None,
            match=suggestions.match_between(requester, partner),
            decline_reason=item.get("reason") if state == ExchangeState.DECLINED else None,
            report=item.get("report"),
            report_lang=detect_language(item["report"]) if item.get("report") else None,
            created_at=asked, updated_at=path[-1][1],
            accepted_at=next((moment for target, moment in path
                              if target == ExchangeState.ACCEPTED), None),
            closed_at=None if states.is_open(state) else path[-1][1])
        db.session.add(exchange)
        db.session.flush()
        previous = None
        for target, moment in path:
            note = item.get("report") if target == ExchangeState.COMPLETED else \
                item.get("reason") if target in (ExchangeState.DECLINED,
                                                 ExchangeState.ENDED) else None
            db.session.add(ExchangeTransition(exchange_id=exchange.id, from_state=previous,
                                              to_state=target, at=moment, note=note))
            previous = target
        written += 1
    db.session.commit()
    return written


def _profile(profiles: dict[str, Profile], item: dict[str, Any], key: str,
             number: int) -> Profile:
    profile = profiles.get(item[key])
    if profile is None:
        raise DemoDataError(f"{DEMO_FILE}: exchange {number}: no profile {item[key]!r}")
    return profile


def _moment(day: str) -> datetime:
    return datetime.combine(date.fromisoformat(day), time(10), tzinfo=UTC)


def _path(state: ExchangeState, item: dict[str, Any],
          asked: datetime) -> list[tuple[ExchangeState, datetime]]:
    """The states an exchange went through, with their dates, up to ``state``."""
    path = [(ExchangeState.SENT, asked)]
    if state == ExchangeState.EXPIRED:
        days = current_app.config["EXCHANGE_EXPIRY_DAYS"]
        return [*path, (state, asked + timedelta(days=days))]
    if state == ExchangeState.SENT:
        return path
    answered = _moment(item["answered"])
    if state in (ExchangeState.DECLINED, ExchangeState.WITHDRAWN):
        return [*path, (state, answered)]
    path.append((ExchangeState.ACCEPTED, answered))
    if state == ExchangeState.ACCEPTED:
        return path
    closed = _moment(item["closed"]) if item.get("closed") else None
    # Work starts a couple of weeks after the answer, in these stories.
    path.append((ExchangeState.IN_PROGRESS, answered + timedelta(days=14)))
    if state in (ExchangeState.COMPLETED, ExchangeState.ENDED):
        path.append((state, closed or answered + timedelta(days=120)))
    return path
