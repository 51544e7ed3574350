"""The database itself refuses what the code must never write: unknown states, kinds and
roles, an exchange of an organisation with itself, an open request without its key (the key
is what keeps one open request per pair and purpose), a second open one, a period that ends
before it starts, a place off the globe, a slug or external id taken twice."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from twinning.extensions import db

INSERT_EXCHANGE = ("INSERT INTO exchange (requester_id, partner_id, purpose, state, message, "
                   "open_key, match, created_at, updated_at, period_from, period_to) VALUES "
                   "(:requester, :partner, :purpose, :state, '', :open_key, '{}', "
                   "CURRENT_TIMESTAMP, CURRENT_TIMESTAMP, :period_from, :period_to)")


@pytest.fixture
def two_profiles(app, demo_profile):
    """Two profile ids: the demo cooperative and a copy of it under another id."""
    with app.app_context():
        db.session.execute(sa.text(
            "INSERT INTO profile (external_id, slug, name, kind, country, description, status, "
            "search_name, search_given, search_read, search_text, places, name_key, "
            "kept_by_facilitator, created_at, updated_at) SELECT 'other', 'other', name, kind, "
            "country, description, status, search_name, search_given, search_read, "
            "search_text, places, name_key, kept_by_facilitator, created_at, updated_at "
            "FROM profile WHERE id = :id"), {"id": demo_profile})
        db.session.commit()
        other = db.session.scalar(sa.text("SELECT id FROM profile WHERE slug = 'other'"))
    return demo_profile, other


def _refused(statement: str, **values) -> None:
    with pytest.raises(sa.exc.IntegrityError):
        db.session.execute(sa.text(statement), values)
    db.session.rollback()


def _exchange(requester: int, partner: int, state: str = "sent", open_key: str | None = "k",
              purpose: str = "trade", period_from=None, period_to=None) -> dict:
    return {"requester": requester, "partner": partner, "purpose": purpose, "state": state,
            "open_key": open_key, "period_from": period_from, "period_to": period_to}


def test_an_exchange_keeps_its_rules(app, two_profiles):
    first, second = two_profiles
    with app.app_context():
        _refused(INSERT_EXCHANGE, **_exchange(first, first))
        _refused(INSERT_EXCHANGE, **_exchange(first, second, state="lost"))
        _refused(INSERT_EXCHANGE, **_exchange(first, second, purpose="tourism"))
        _refused(INSERT_EXCHANGE, **_exchange(first, second, open_key=None))
        _refused(INSERT_EXCHANGE, **_exchange(first, second, state="declined"))
        _refused(INSERT_EXCHANGE, **_exchange(first, second, period_from="2027-05-01",
                                              period_to="2027-04-01"))
        db.session.execute(sa.text(INSERT_EXCHANGE), _exchange(first, second))
        db.session.execute(sa.text(INSERT_EXCHANGE), _exchange(first, second, state="declined",
                                                               open_key=None))
        db.session.commit()
        _refused(INSERT_EXCHANGE, **_exchange(second, first, state="accepted"))  # same key


def test_a_profile_keeps_its_rules(app, two_profiles):
    first, _ = two_profiles
    with app.app_context():
        for column, value in (("status", "hidden"), ("kind", "company"), ("latitude", 91),
                              ("longitude", -181), ("slug", "other"),
                              ("external_id", "other")):
            _refused(f"UPDATE profile SET {column} = :value WHERE id = :id",
                     value=value, id=first)


def test_roles_and_actions_are_known_ones(app, demo_profile):
    with app.app_context():
        _refused("INSERT INTO user_account (email, password_hash, name, lang, role, "
                 "is_facilitator, session_token, email_opt_outs, created_at) VALUES "
                 "('a@example.org', 'x', 'A', 'fr', 'superuser', false, 't', '[]', "
                 "CURRENT_TIMESTAMP)")
        _refused("INSERT INTO profile_change (profile_id, action, fields, at, needs_review) "
                 "VALUES (:id, 'erased', '{}', CURRENT_TIMESTAMP, false)", id=demo_profile)

