"""Pooled database connections: checked before use only after sitting idle, and one closed
by the server meanwhile replaced without an error (twinning/extensions.py)."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from twinning.extensions import db


def _counting_pings(app, monkeypatch) -> list[int]:
    with app.app_context():
        dialect = db.engine.dialect
    pings: list[int] = []
    real = dialect.do_ping

    def counted(dbapi_connection):
        pings.append(1)
        return real(dbapi_connection)

    monkeypatch.setattr(dialect, "do_ping", counted)
    return pings


@pytest.mark.parametrize(("idle_seconds", "expected_pings"), [(3600.0, 0), (0.0, 3)])
def test_a_connection_is_checked_only_when_it_sat_idle(make_app, monkeypatch, idle_seconds,
                                                       expected_pings):
    app = make_app(DATABASE_PING_AFTER_IDLE_S=idle_seconds)
    client = app.test_client()
    assert client.get("/fr/about").status_code == 200  # builds the index, commits
    pings = _counting_pings(app, monkeypatch)
    for _page in range(3):  # one connection from the pool each
        assert client.get("/fr/about").status_code == 200
    assert len(pings) == expected_pings


@pytest.mark.postgres_only
def test_a_connection_the_server_closed_while_idle_is_replaced_without_an_error(make_app):
    app = make_app(DATABASE_PING_AFTER_IDLE_S=0.0)
    client = app.test_client()
    assert client.get("/fr/profiles/").status_code == 200
    with app.app_context():
        with db.engine.connect() as connection:  # the pooled one: the only one so far
            pid = connection.scalar(sa.text("SELECT pg_backend_pid()"))
        other = sa.create_engine(db.engine.url)
        with other.connect() as connection:
            connection.execute(sa.text("SELECT pg_terminate_backend(:pid)"), {"pid": pid})
        other.dispose()
    assert client.get("/fr/profiles/").status_code == 200
    with app.app_context(), db.engine.connect() as connection:
        assert connection.scalar(sa.text("SELECT pg_backend_pid()")) != pid
