"""Two app servers on one PostgreSQL database, each with its own instance folder (its own
matching index, as on two hosts), started as ``make serve`` starts gunicorn: what one of
them changes, the other serves at its next request, and a reindex on one never leaves the
other (or itself) serving half an index."""

from __future__ import annotations

import http.client
import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlencode

import pytest
from conftest import ONE_COOPERATIVE
from site_helpers import PASSWORD, free_port, make_user
from test_exchanges import OTHER, PARTNER
from test_reindex_crash import CRASHING_REINDEX

from twinning.models import Role
from twinning.profiles import service
from twinning.profiles.interchange import validate_record

pytestmark = pytest.mark.postgres_only

ROOT = Path(__file__).resolve().parents[1]
MODERATOR = "moderator@example.org"
START_TIMEOUT_S = 120
TOKEN = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


class Server:
    """One gunicorn, and a client of it that keeps its cookies (sent back over plain HTTP
    although production marks them Secure: the proxy's TLS is not part of this test)."""

    def __init__(self, environment: dict[str, str], log: Path) -> None:
        self.port = free_port()
        self.environment = environment  # a command run "on its host" runs with it
        self.cookies: dict[str, str] = {}
        self.log = log
        with log.open("w") as output:  # the child keeps its own copy of the descriptor
            self.process = subprocess.Popen(
                [str(Path(sys.executable).with_name("gunicorn")), "--config",
                 "gunicorn.conf.py", "wsgi:app"],
                env={**environment, "TWINNING_BIND": f"127.0.0.1:{self.port}"},
                cwd=ROOT, stdout=output, stderr=subprocess.STDOUT)

    def wait_until_up(self) -> None:
        deadline = time.monotonic() + START_TIMEOUT_S
        while time.monotonic() < deadline:
            assert self.process.poll() is None, self.log.read_text()
            try:
                if self.request("GET", "/static/style.css")[0] == 200:
                    return
            except OSError:
                time.sleep(0.2)
        raise AssertionError(f"gunicorn did not answer: {self.log.read_text()}")

    def request(self, method: str, path: str, form: dict | None = None) -> tuple[int, str]:
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=120)
        headers = {"Cookie": "; ".join(f"{name}={value}"
                                       for name, value in self.cookies.items())}
        body = None
        if form is not None:
            body = urlencode(form)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        try:
            connection.request(method, path, body, headers)
            answer = connection.getresponse()
            text = answer.read().decode()
        finally:
            connection.close()
        for header in answer.msg.get_all("Set-Cookie", []):
            name, _, value = header.split(";", 1)[0].partition("=")
            self.cookies[name] = value
        return answer.status, text

    def post_form(self, form_page: str, path: str, form: dict) -> int:
        status, page = self.request("GET", form_page)
        assert status == 200, page
        token = TOKEN.search(page)
        assert token, f"no CSRF token on {form_page}"
        return self.request("POST", path, {**form, "csrf_token": token.group(1)})[0]

    def matches(self, slug: str) -> str:
        status, text = self.request("GET", f"/api/v1/profiles/{slug}/matches")
        assert status == 200, text
        return text

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


def _environment(app, instance: Path) -> dict[str, str]:
    settings = {"ENV": "production", "WORKERS": "1",
                "DATABASE_URL": app.config["SQLALCHEMY_DATABASE_URI"],
                "SECRET_KEY": "two servers, one secret", "INSTANCE_PATH": str(instance),
                "MATCHING_VECTOR_CACHE": app.config["MATCHING_VECTOR_CACHE"],
                "MAIL_OUTBOX_FOLDER": str(instance / "outbox")}
    environment = {name: value for name, value in os.environ.items()
                   if not name.startswith("TWINNING_")}
    return {**environment, "FLASK_APP": "wsgi.py",
            **{f"TWINNING_{name}": value for name, value in settings.items()}}


@pytest.fixture
def two_servers(app, tmp_path):
    """A cooperative, a published association and a pending one; a moderator; two app
    servers with instance folders of their own, both answering."""
    with app.test_request_context("/fr/"):
        records = [validate_record(raw, "test", 1)[0]
                   for raw in (ONE_COOPERATIVE, PARTNER, {**OTHER, "status": "pending"})]
        service.save_records(records)
        slugs = {raw["external_id"]: service.find_by_reference(raw["external_id"]).slug
                 for raw in (ONE_COOPERATIVE, PARTNER, OTHER)}
    make_user(app, MODERATOR, role=Role.MODERATOR)
    servers = [Server(_environment(app, tmp_path / f"host-{number}"),
                      tmp_path / f"gunicorn-{number}.log") for number in (1, 2)]
    try:
        for server in servers:
            server.wait_until_up()
        yield servers, slugs
    finally:
        for server in servers:
            server.stop()


def test_a_profile_approved_on_one_server_is_suggested_by_the_other(two_servers):
    (first, second), slugs = two_servers
    nahla, pending = slugs["coop-nahla"], slugs["asso-drome"]
    assert slugs["asso-vercors"] in second.matches(nahla)  # its index is built, and kept
    assert pending not in second.matches(nahla)

    assert first.post_form("/fr/account/login", "/fr/account/login",
                           {"email": MODERATOR, "password": PASSWORD}) == 302
    assert first.post_form("/fr/moderation/", f"/fr/moderation/{pending}/approve", {}) == 303

    assert pending in second.matches(nahla)  # at its very next request
    status, page = second.request("GET", f"/fr/profiles/{pending}")
    assert status == 200, page


@pytest.mark.parametrize("killed", [True, False])
def test_a_reindex_on_one_server_leaves_both_serving(two_servers, killed):
    """A reindex of the first host's index, killed half-way through writing it or run to
    the end: while it runs and after, both servers answer, with the same partners."""
    (first, second), slugs = two_servers
    nahla = slugs["coop-nahla"]
    partner = slugs["asso-vercors"]
    assert partner in first.matches(nahla) and partner in second.matches(nahla)
    if killed:  # the index module writes half of its file and kills the process
        command = [sys.executable, "-c", CRASHING_REINDEX, "half"]
    else:
        command = [str(Path(sys.executable).with_name("flask")), "twinning", "reindex", "--now"]
    with subprocess.Popen(command, env=first.environment, cwd=ROOT, stdout=subprocess.PIPE,
                          stderr=subprocess.STDOUT, text=True) as reindex:
        while reindex.poll() is None:
            assert partner in second.matches(nahla)
            assert partner in first.matches(nahla)
        output = reindex.stdout.read()
    assert reindex.returncode == (-signal.SIGKILL if killed else 0), output
    assert partner in first.matches(nahla) and partner in second.matches(nahla)

