"""Fixtures for the real-browser tests: a live server on the demo data, and Debian's chromium.

The server runs in a daemon thread on a SQLite file of its own, whatever the backend of the
run, so these tests run once per ``make test``: on the SQLite pass. Its e-mails go to an
outbox folder of its own (read in the browser at ``/dev/outbox``), with links back to the
server itself (``PUBLIC_URL`` is its address). Chromium is Debian's (``/usr/bin/chromium``),
never a browser downloaded by Playwright; axe-core comes from ``node_modules`` (``npm ci``).
Outside CI a missing piece skips with the reason; with ``CI=true`` it fails the run.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from twinning import create_app
from twinning.extensions import db
from twinning.reference.sync import ensure_reference_data

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = Path("/usr/bin/chromium")
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
SCREENSHOTS = ROOT / "test-artifacts" / "screenshots"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-quic",
    "--no-first-run",
]
TIMEOUT_MS = 15_000


def missing(reason: str) -> None:
    """Skip outside CI; in CI a missing browser tool is a failure, not a silent skip."""
    if os.environ.get("CI") == "true":
        pytest.fail(reason, pytrace=False)
    pytest.skip(reason)


@pytest.fixture(scope="session")
def live_app(tmp_path_factory) -> Iterator[Any]:
    """The app the live server serves, on the demo data, with a database and an outbox of its
    own; tests use it for what the browser cannot do (an app context to create an account)."""
    folder = tmp_path_factory.mktemp("live-server")
    app = create_app({
        "SECRET_KEY": "browser-tests",
        "SQLALCHEMY_DATABASE_URI": f"sqlite:///{folder / 'site.sqlite3'}",
        "MATCHING_INDEX_FOLDER": str(folder / "matching"),
        "MATCHING_VECTOR_CACHE": str(folder / "sentence-vectors.npz"),
        "MAIL_SERVER": "",
        "MAIL_OUTBOX_FOLDER": str(folder / "outbox"),
        # Every journey of the session comes from one address, faster than a person: the
        # limits would refuse the later ones (tests/test_ratelimits.py tests them).
        "RATELIMIT_ENABLED": False,
    })
    with app.app_context():
        db.create_all()
        ensure_reference_data()
    result = app.test_cli_runner().invoke(args=["twinning", "demo"])
    assert result.exit_code == 0, result.output
    yield app
    with app.app_context():
        db.engine.dispose()


@pytest.fixture(scope="session")
def live_server(live_app) -> Iterator[str]:
    """The app served over HTTP from a daemon thread; yields the base URL, which is also the
    app's PUBLIC_URL, so that the links in its e-mails (read at /dev/outbox) lead back here."""
    from werkzeug.serving import make_server

    server = make_server("127.0.0.1", 0, live_app, threaded=True)
    base_url = f"http://127.0.0.1:{server.server_port}"
    live_app.config["PUBLIC_URL"] = base_url
    thread = threading.Thread(target=server.serve_forever, name="live-server", daemon=True)
    thread.start()
    yield base_url
    server.shutdown()
    server.server_close()
    thread.join(timeout=10)


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    """Debian's chromium, headless, driven by Playwright for Python."""
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        missing("Playwright for Python is not installed: pip install -e '.[test]'")
    if not CHROMIUM.exists():
        missing(f"{CHROMIUM} is missing: apt-get install -y chromium (or make browser-deps)")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
        )
        yield browser
        browser.close()


@pytest.fixture
def new_page(browser, live_server):
    """``new_page(width=1280, height=900, javascript=True)``: a page in a fresh context."""
    contexts = []

    def open_page(width: int = 1280, height: int = 900, javascript: bool = True):
        context = browser.new_context(
            base_url=live_server,
            viewport={"width": width, "height": height},
            java_script_enabled=javascript,
        )
        context.set_default_timeout(TIMEOUT_MS)
        contexts.append(context)
        return context.new_page()

    yield open_page
    for context in contexts:
        context.close()


@pytest.fixture
def page(new_page):
    return new_page()


@pytest.fixture(scope="session")
def axe_script() -> Path:
    if not AXE.exists():
        missing(f"{AXE.relative_to(ROOT)} is missing: npm ci --no-audit --no-fund "
                "(or make browser-deps)")
    return AXE


@pytest.fixture
def run_axe(axe_script):
    """Inject axe-core into the page and return its violations."""

    def run(page) -> list[dict[str, Any]]:
        # Evaluated, not added as a <script>: the site's Content-Security-Policy refuses
        # inline scripts, and the pages are tested under that very policy.
        page.evaluate(axe_script.read_text(encoding="utf-8"))
        results = page.evaluate("async () => await axe.run(document)")
        return results["violations"]

    return run


@pytest.fixture(scope="session")
def screenshots() -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    return SCREENSHOTS

