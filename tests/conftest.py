"""Fixtures: ``app``, ``client``, ``runner`` on a fresh database per test.

The suite runs once per backend: ``TWINNING_TEST_BACKEND=sqlite`` (default) or
``postgresql``. PostgreSQL comes from ``TWINNING_TEST_POSTGRES_URL`` and each run works in a
schema of its own, so concurrent runs never see each other's rows. Outside CI an unreachable
server skips the run with the reason; with ``CI=true`` it fails.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote

import pytest
import sqlalchemy as sa

from twinning import create_app
from twinning.config import normalise_database_url
from twinning.extensions import db
from twinning.reference.sync import ensure_reference_data

DEFAULT_POSTGRES_URL = "postgresql://postgres@127.0.0.1:5432/test"
BACKEND = os.environ.get("TWINNING_TEST_BACKEND", "sqlite")


def pytest_report_header() -> str:
    return f"twinning database backend: {BACKEND}"


@pytest.fixture(scope="session")
def postgres_url() -> Iterator[str | None]:
    """A URL whose connections live in a schema private to this test run."""
    if BACKEND != "postgresql":
        yield None
        return
    server_url = normalise_database_url(
        os.environ.get("TWINNING_TEST_POSTGRES_URL", DEFAULT_POSTGRES_URL)
    )
    engine = sa.create_engine(server_url)
    try:
        with engine.connect():
            pass
    except sa.exc.OperationalError as exc:
        engine.dispose()
        reason = f"PostgreSQL unreachable at {server_url}: {exc.orig}"
        if os.environ.get("CI") == "true":
            pytest.fail(reason, pytrace=False)
        pytest.skip(reason)
    schema = f"twinning_test_{os.getpid()}_{secrets.token_hex(4)}"
    with engine.begin() as connection:
        connection.execute(sa.text(f'CREATE SCHEMA "{schema}"'))
    separator = "&" if "?" in server_url else "?"
    yield f"{server_url}{separator}options={quote(f'-csearch_path={schema}')}"
    with engine.begin() as connection:
        connection.execute(sa.text(f'DROP SCHEMA "{schema}" CASCADE'))
    engine.dispose()


@pytest.fixture(scope="session")
def vector_cache(tmp_path_factory) -> Path:
    """Sentence vectors shared by every app of the run, so each text is encoded once."""
    return tmp_path_factory.mktemp("matching") / "sentence-vectors.npz"


@pytest.fixture
def make_app(tmp_path: Path, postgres_url: str | None, vector_cache: Path):
    """Build an app on an empty database; ``create_schema`` builds the tables from models."""
    created = []

    def build(create_schema: bool = True, **overrides):
        url = postgres_url or f"sqlite:///{tmp_path / 'test.sqlite3'}"
        app = create_app({
            "TESTING": True,
            "SECRET_KEY": "test",
            "SQLALCHEMY_DATABASE_URI": url,
            "MATCHING_VECTOR_CACHE": str(vector_cache),
            **overrides,
        })
        with app.app_context():
            db.drop_all()
            _drop_alembic_version()
            if create_schema:
                db.create_all()
                ensure_reference_data()
        created.append(app)
        return app

    yield build
    for app in created:
        with app.app_context():
            db.session.remove()
            db.drop_all()
            _drop_alembic_version()
            db.engine.dispose()


def _drop_alembic_version() -> None:
    with db.engine.begin() as connection:
        connection.execute(sa.text("DROP TABLE IF EXISTS alembic_version"))


@pytest.fixture
def app(make_app):
    return make_app()


@pytest.fixture
def app_context(app):
    with app.app_context():
        yield app


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


@pytest.fixture
def demo_app(app, runner):
    """An app with the demo profiles loaded."""
    result = runner.invoke(args=["twinning", "demo"])
    assert result.exit_code == 0, result.output
    return app
