"""Flask extensions, created unbound here so any module can import them without cycles."""

from __future__ import annotations

import time
from pathlib import Path

from flask import Flask
from flask_babel import Babel
from flask_login import LoginManager
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from flask_wtf import CSRFProtect
from sqlalchemy import Engine, MetaData, event, exc
from sqlalchemy.orm import DeclarativeBase

# Named constraints keep Alembic migrations identical on SQLite and PostgreSQL.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


db = SQLAlchemy(model_class=Base)
migrate = Migrate()
babel = Babel()
login_manager = LoginManager()
csrf = CSRFProtect()


@event.listens_for(Engine, "connect")
def _enforce_sqlite_foreign_keys(dbapi_connection, connection_record) -> None:
    """SQLite ignores foreign keys unless asked, and then PostgreSQL would disagree."""
    if type(dbapi_connection).__module__.startswith("sqlite3"):
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.close()


_CHECKED_IN_AT = "twinning.checked_in_at"  # key of a pooled connection's info


def _ping_connections_left_idle(engine: Engine, idle_seconds: float) -> None:
    """Check a pooled connection before use when it sat unused for ``idle_seconds``.

    A connection left idle may have been closed by a restarted server, a firewall or an
    idle time-out; one checked in a moment ago is as alive as a check would find it. Under
    load every connection is back in the pool within milliseconds, so SQLAlchemy's
    ``pool_pre_ping`` (a round trip before every request) was one of the five a remembered
    page made. A server restarted in the middle of traffic costs each busy connection one
    error, after which SQLAlchemy renews the whole pool (its "optimistic" handling)."""
    dialect = engine.dialect

    @event.listens_for(engine.pool, "checkin")
    def _note_checkin(_dbapi_connection, record) -> None:
        record.info[_CHECKED_IN_AT] = time.monotonic()

    @event.listens_for(engine.pool, "checkout")
    def _ping_if_idle(dbapi_connection, record, _proxy) -> None:
        checked_in = record.info.get(_CHECKED_IN_AT)
        if checked_in is None or time.monotonic() - checked_in < idle_seconds:
            return  # new, or just used
        try:
            dialect.do_ping(dbapi_connection)
        except dialect.loaded_dbapi.Error as error:
            raise exc.DisconnectionError() from error  # the pool connects again


def init_app(app: Flask) -> None:
    db.init_app(app)
    with app.app_context():
        for engine in db.engines.values():
            _ping_connections_left_idle(engine, app.config["DATABASE_PING_AFTER_IDLE_S"])
    # Every state-changing request of the site carries a CSRF token (Flask-WTF).
    csrf.init_app(app)
    # The migrations live beside the package, whatever the working directory.
    migrations = Path(app.root_path).parent / "migrations"
    migrate.init_app(app, db, directory=str(migrations), render_as_batch=True)
