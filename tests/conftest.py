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
from hypothesis import HealthCheck, settings

from twinning import create_app
from twinning.config import normalise_database_url
from twinning.extensions import db
from twinning.reference.sync import ensure_reference_data

DEFAULT_POSTGRES_URL = "postgresql://postgres@127.0.0.1:5432/test"
# Property-based tests (hypothesis): a few examples each in an ordinary run, many more with
# ``make fuzz`` (HYPOTHESIS_PROFILE=fuzz). No deadline: the machine's load is not a bug.
settings.register_profile("ci", max_examples=25, deadline=None,
                          suppress_health_check=[HealthCheck.too_slow,
                                                 HealthCheck.data_too_large])
settings.register_profile("fuzz", parent=settings.get_profile("ci"), max_examples=1000)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))
BACKEND = os.environ.get("TWINNING_TEST_BACKEND", "sqlite")
# The browser tests serve the site from a SQLite copy of their own, whatever the backend:
# they belong to the SQLite pass, and the PostgreSQL pass does not collect them (rather than
# showing them as skipped).
collect_ignore = ["browser"] if BACKEND == "postgresql" else []


def pytest_report_header() -> str:
    return f"twinning database backend: {BACKEND}"


def pytest_collection_modifyitems(config, items) -> None:
    """Tests marked ``postgres_only`` (row locks, concurrency) belong to the PostgreSQL
    pass: the SQLite pass deselects them rather than showing them as skipped."""
    if BACKEND == "postgresql":
        return
    kept = [item for item in items if item.get_closest_marker("postgres_only") is None]
    deselected = [item for item in items if item.get_closest_marker("postgres_only")]
    if deselected:
        config.hook.pytest_deselected(items=deselected)
        items[:] = kept


class PostgresServer:
    """The test server; every schema it hands out is dropped at the end of the run."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.engine = sa.create_engine(url)
        self.schemas: list[str] = []

    def new_schema_url(self) -> str:
        schema = f"twinning_test_{os.getpid()}_{secrets.token_hex(4)}"
        with self.engine.begin() as connection:
            connection.execute(sa.text(f'CREATE SCHEMA "{schema}"'))
        self.schemas.append(schema)
        separator = "&" if "?" in self.url else "?"
        return f"{self.url}{separator}options={quote(f'-csearch_path={schema}')}"

    def close(self) -> None:
        with self.engine.begin() as connection:
            for schema in self.schemas:
                connection.execute(sa.text(f'DROP SCHEMA "{schema}" CASCADE'))
        self.engine.dispose()


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[PostgresServer | None]:
    if BACKEND != "postgresql":
        yield None
        return
    server_url = normalise_database_url(
        os.environ.get("TWINNING_TEST_POSTGRES_URL", DEFAULT_POSTGRES_URL)
    )
    server = PostgresServer(server_url)
    try:
        with server.engine.connect():
            pass
    except sa.exc.OperationalError as exc:
        server.engine.dispose()
        reason = f"PostgreSQL unreachable at {server_url}: {exc.orig}"
        if os.environ.get("CI") == "true":
            pytest.fail(reason, pytrace=False)
        pytest.skip(reason)
    yield server
    server.close()


@pytest.fixture(scope="session")
def postgres_url(postgres_server: PostgresServer | None) -> str | None:
    """A URL whose connections live in a schema private to this test run."""
    return postgres_server.new_schema_url() if postgres_server else None


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
            "MATCHING_INDEX_FOLDER": str(tmp_path / f"matching-{len(created)}"),
            "MATCHING_VECTOR_CACHE": str(vector_cache),
            "MAIL_OUTBOX_FOLDER": str(tmp_path / f"outbox-{len(created)}"),
            "PUBLIC_URL": "http://twinning.test",
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
        _drop_database_of(app)


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


@pytest.fixture
def second_server(app, tmp_path):
    """Another app on the same database, with an index folder of its own (as on another
    host)."""
    settings = {name: app.config[name] for name in (
        "TESTING", "SECRET_KEY", "SQLALCHEMY_DATABASE_URI", "MATCHING_VECTOR_CACHE",
        "MAIL_OUTBOX_FOLDER", "PUBLIC_URL")}
    other = create_app({**settings, "MATCHING_INDEX_FOLDER": str(tmp_path / "second-host")})
    yield other
    with other.app_context():
        db.session.remove()
        db.engine.dispose()


def _drop_database_of(app) -> None:
    """Leave nothing of a test app's tables behind (a PostgreSQL schema is shared by the run)."""
    with app.app_context():
        db.session.remove()
        db.drop_all()
        _drop_alembic_version()
        db.engine.dispose()


@pytest.fixture(scope="module")
def make_module_app(tmp_path_factory, postgres_server, vector_cache):
    """Build apps that live as long as a test module, each on a database of its own, for
    tests that share their data (read-only pages, property-based tests that run a view
    hundreds of times)."""
    created = []

    def build(**overrides):
        folder = tmp_path_factory.mktemp("module-app")
        url = postgres_server.new_schema_url() if postgres_server else \
            f"sqlite:///{folder / 'module.sqlite3'}"
        app = create_app({"TESTING": True, "SECRET_KEY": "test",
                          "SQLALCHEMY_DATABASE_URI": url,
                          "MATCHING_INDEX_FOLDER": str(folder / "matching"),
                          "MATCHING_VECTOR_CACHE": str(vector_cache),
                          "MAIL_OUTBOX_FOLDER": str(folder / "outbox"),
                          "PUBLIC_URL": "http://twinning.test",
                          # A whole module signs in from one address within seconds.
                          "RATELIMIT_ENABLED": False, **overrides})
        with app.app_context():
            db.create_all()
            ensure_reference_data()
        created.append(app)
        return app

    yield build
    for app in created:
        _drop_database_of(app)


@pytest.fixture(scope="module")
def module_app(make_module_app):
    """One app on a database of its own for a whole module, for tests that read (or only
    add to) the same rows: building them for each of a hundred checks would only repeat
    the same work."""
    return make_module_app()


@pytest.fixture(scope="module")
def shared_demo_app(module_app):
    """A module's app with the demo profiles, for read-only tests (pages, API reads)."""
    result = module_app.test_cli_runner().invoke(args=["twinning", "demo"])
    assert result.exit_code == 0, result.output
    return module_app


ONE_COOPERATIVE = {
    "external_id": "coop-nahla", "name": "Coopérative Nahla", "kind": "cooperative",
    "country": "MA", "province": "berkane", "city": "Berkane", "languages": ["ar", "fr"],
    "sectors": ["honey"], "needs": ["packaging", "marketing"], "offers": ["training_governance"],
    "description": "Nous produisons du miel de thym dans les monts des Beni Snassen et "
                   "cherchons des conseils d'emballage.",
    "email": "contact@nahla.example.org", "phone": "+212 536 00 00 00",
}


@pytest.fixture
def demo_profile(app) -> int:
    """The id of one published profile (a honey cooperative of Berkane), imported as any
    interchange line is."""
    from twinning.profiles import service
    from twinning.profiles.interchange import validate_record

    with app.test_request_context("/fr/"):
        record, errors = validate_record(ONE_COOPERATIVE, "test", 1)
        assert not errors, errors
        service.save_records([record])
        return service.find_by_reference("coop-nahla").id
