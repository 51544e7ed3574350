"""Background jobs: inline without a queue; on the Redis of this machine, with a real
worker process (``flask twinning worker --burst``) reading the same database, when
``REDIS_URL`` is set. Every e-mail is sent once per event, whatever is tried again."""

from __future__ import annotations

import os
import subprocess
import sys
from email import message_from_bytes, policy
from pathlib import Path

import pytest
import redis
import sqlalchemy as sa
from rq import Queue
from rq.registry import FailedJobRegistry
from site_helpers import (
    free_port,
    link_in,
    log_in,
    mails_to,
    make_user,
    outbox,
    register,
    smtp_server_for,
    submit,
    text_of,
)

from twinning import jobs
from twinning.extensions import db
from twinning.models import OutgoingEmail, Role, User
from twinning.notifications import mail

ROOT = Path(__file__).resolve().parents[1]
BACKEND = os.environ.get("TWINNING_TEST_BACKEND", "sqlite")
# A database number of the tests' own, one per backend so that both passes may run at once.
DEFAULT_REDIS_URL = f"redis://127.0.0.1:6379/{13 if BACKEND == 'sqlite' else 14}"


@pytest.fixture
def redis_url() -> str:
    """The test Redis database, emptied before and after; unreachable: skipped (failed
    on CI)."""
    url = os.environ.get("TWINNING_TEST_REDIS_URL", DEFAULT_REDIS_URL)
    connection = redis.Redis.from_url(url)
    try:
        connection.flushdb()
    except redis.ConnectionError as exc:
        reason = f"Redis unreachable at {url}: {exc}"
        if os.environ.get("CI") == "true":
            pytest.fail(reason, pytrace=False)
        pytest.skip(reason)
    yield url
    connection.flushdb()
    connection.close()


@pytest.fixture
def queued_app(make_app, redis_url):
    """An app whose jobs go to Redis; retries come at once, so a burst worker runs them."""
    return make_app(REDIS_URL=redis_url, JOB_RETRY_INTERVALS=[0])


def run_worker(app, tmp_path: Path, **settings) -> subprocess.CompletedProcess:
    """``flask twinning worker --burst`` in a process of its own, configured as a
    deployment is (TWINNING_* variables), on the app's database, queue and outbox."""
    config = app.config
    variables = {
        "DATABASE_URL": config["SQLALCHEMY_DATABASE_URI"],
        "INSTANCE_PATH": str(tmp_path / "worker-instance"),
        "SECRET_KEY": config["SECRET_KEY"],
        "REDIS_URL": config["REDIS_URL"],
        "JOB_RETRY_INTERVALS": "[0]",
        "PUBLIC_URL": config["PUBLIC_URL"],
        "MAIL_OUTBOX_FOLDER": config["MAIL_OUTBOX_FOLDER"],
        "MATCHING_INDEX_FOLDER": config["MATCHING_INDEX_FOLDER"],
        "MATCHING_VECTOR_CACHE": config["MATCHING_VECTOR_CACHE"],
        **settings,
    }
    environment = {name: value for name, value in os.environ.items()
                   if not name.startswith("TWINNING_")}
    environment.update({f"TWINNING_{name}": str(value) for name, value in variables.items()})
    finished = subprocess.run(
        [sys.executable, "-m", "flask", "--app", "twinning", "twinning", "worker", "--burst"],
        cwd=ROOT, env=environment, capture_output=True, text=True, timeout=600, check=False)
    assert finished.returncode == 0, finished.stderr
    return finished


def queued(app) -> int:
    with app.app_context():
        return jobs._queue().count


def failed_ids(app) -> list[str]:
    with app.app_context():
        return FailedJobRegistry(queue=jobs._queue()).get_job_ids()


def only_email_row(app) -> OutgoingEmail:
    with app.app_context():
        return db.session.scalars(sa.select(OutgoingEmail)).one()


# ----- without a queue ----------------------------------------------------------------------
def test_without_a_queue_jobs_run_at_once(app, client):
    register(client, "amina@example.org")
    assert len(mails_to(app, "amina@example.org")) == 1
    record = only_email_row(app)
    assert record.sent_at is not None and record.message is None  # no token left behind
    assert record.attempts == 1


def test_an_event_is_emailed_once_whatever_asks_again(app):
    with app.test_request_context("/fr/"):
        message = mail.compose("accounts/email_taken", "amina@example.org", "fr", "Compte",
                               login_link="http://twinning.test/fr/account/login")
        assert mail.send(message, key="test-event:amina") is True
        assert mail.send(message, key="test-event:amina") is False
        record = db.session.scalars(sa.select(OutgoingEmail)).one()
        assert mail.deliver(record.id) is False  # a job tried again: already sent
    assert len(outbox(app)) == 1


def test_an_email_being_sent_is_not_sent_by_a_second_job(app):
    """A worker that died after taking an e-mail leaves it taken: never sent twice."""
    with app.test_request_context("/fr/"):
        message = mail.compose("accounts/email_taken", "amina@example.org", "fr", "Compte",
                               login_link="http://twinning.test/fr/account/login")
        record = OutgoingEmail(key="test-event:amina", message=bytes(message),
                               claimed_at=sa.func.now())
        db.session.add(record)
        db.session.commit()
        assert mail.deliver(record.id) is False
    assert outbox(app) == []


def test_the_worker_and_the_failed_jobs_need_a_queue(app, runner):
    for command in ("worker", "jobs"):
        result = runner.invoke(args=["twinning", command])
        assert result.exit_code != 0
        assert "TWINNING_REDIS_URL" in result.output


def test_admins_see_that_jobs_run_at_once_without_a_queue(app, client):
    make_user(app, "admin@example.org", role=Role.ADMIN)
    log_in(client, "admin@example.org")
    page = client.get("/en/moderation/jobs")
    assert page.status_code == 200
    assert "No queue is configured" in page.text
    assert client.get("/en/moderation/").text.count("/en/moderation/jobs") == 1


def test_only_admins_reach_the_jobs_page(app, client):
    make_user(app, "moderator@example.org", role=Role.MODERATOR)
    log_in(client, "moderator@example.org")
    assert client.get("/en/moderation/jobs").status_code == 403
    assert "/en/moderation/jobs" not in client.get("/en/moderation/").text


# ----- on Redis, with a worker --------------------------------------------------------------
def test_an_email_is_queued_and_the_worker_sends_it_once(queued_app, tmp_path):
    client = queued_app.test_client()
    assert register(client, "amina@example.org").status_code == 302
    assert outbox(queued_app) == []  # not sent by the request
    assert queued(queued_app) == 1

    run_worker(queued_app, tmp_path)
    [message] = mails_to(queued_app, "amina@example.org")
    assert queued(queued_app) == 0
    assert only_email_row(queued_app).sent_at is not None

    client.get(link_in(message, "/account/confirm/"))
    with queued_app.app_context():
        user = db.session.scalars(sa.select(User)).one()
        assert user.email_confirmed_at is not None



class FailsFirst:
    """An SMTP server that refuses the first message for a while (451), then accepts."""

    def __init__(self) -> None:
        self.tries = 0
        self.messages = []

    async def handle_DATA(self, server, session, envelope):
        self.tries += 1
        if self.tries == 1:
            return "451 4.3.0 Try again later"
        self.messages.append(message_from_bytes(envelope.content, policy=policy.default))
        return "250 Message accepted for delivery"


@pytest.fixture
def flaky_smtp():
    handler = FailsFirst()
    with smtp_server_for(handler) as controller:
        yield controller, handler


def test_a_job_that_fails_is_tried_again_and_succeeds(queued_app, tmp_path, flaky_smtp):
    controller, handler = flaky_smtp
    register(queued_app.test_client(), "amina@example.org")
    run_worker(queued_app, tmp_path, MAIL_SERVER="127.0.0.1", MAIL_PORT=controller.port,
               MAIL_USE_TLS="false")
    assert handler.tries == 2
    [message] = handler.messages
    assert message["To"] == "amina@example.org"
    assert "/fr/account/confirm/" in text_of(message)
    record = only_email_row(queued_app)
    assert record.attempts == 2 and record.sent_at is not None and record.last_error is None
    assert failed_ids(queued_app) == []


def test_a_send_tried_again_does_not_send_twice(queued_app, tmp_path):
    register(queued_app.test_client(), "amina@example.org")
    record = only_email_row(queued_app)
    with queued_app.app_context():  # the same e-mail's job twice more, as a retry would
        jobs.enqueue(mail.deliver, record.id)
        jobs.enqueue(mail.deliver, record.id)
    run_worker(queued_app, tmp_path)
    assert len(mails_to(queued_app, "amina@example.org")) == 1
    assert only_email_row(queued_app).attempts == 1


def test_a_job_failing_every_try_is_shown_to_admins_and_tried_again(queued_app, tmp_path):
    make_user(queued_app, "admin@example.org", role=Role.ADMIN)
    register(queued_app.test_client(), "amina@example.org")
    run_worker(queued_app, tmp_path, MAIL_SERVER="127.0.0.1", MAIL_PORT=free_port(),
               MAIL_USE_TLS="false", MAIL_TIMEOUT=5)  # nobody listens there
    [job_id] = failed_ids(queued_app)
    record = only_email_row(queued_app)
    assert record.attempts == 1 + queued_app.config["JOB_RETRIES"]
    assert record.sent_at is None and record.claimed_at is None and record.last_error

    runner = queued_app.test_cli_runner()
    listed = runner.invoke(args=["twinning", "jobs"])
    assert listed.exit_code == 0
    assert job_id in listed.output and "deliver(" in listed.output
    assert runner.invoke(args=["twinning", "jobs", "--retry", "nothing"]).exit_code != 0

    admin = queued_app.test_client()
    log_in(admin, "admin@example.org")
    page = admin.get("/en/moderation/jobs")
    assert "deliver(" in page.text and "DeliveryError" in page.text
    assert f"/en/moderation/jobs/{job_id}/retry" in page.text
    answer = submit(admin, f"/en/moderation/jobs/{job_id}/retry", {},
                    form_page="/en/moderation/jobs")
    assert answer.status_code == 303
    assert failed_ids(queued_app) == [] and queued(queued_app) == 1

    run_worker(queued_app, tmp_path)  # the mail server is back (here: the outbox)
    assert len(mails_to(queued_app, "amina@example.org")) == 1
    assert "No job has failed." in admin.get("/en/moderation/jobs").text
    assert runner.invoke(args=["twinning", "jobs", "--retry", job_id]).exit_code != 0
    gone = submit(admin, f"/en/moderation/jobs/{job_id}/retry", {},
                  form_page="/en/moderation/jobs", follow_redirects=True)
    assert "not among the failed ones" in gone.text


def test_digest_and_reindex_are_queued_and_run_by_the_worker(queued_app, tmp_path):
    runner = queued_app.test_cli_runner()
    source = tmp_path / "one.jsonl"
    source.write_text('{"external_id": "a", "name": "Miel du Vercors", "kind": "cooperative", '
                      '"country": "FR", "sectors": ["honey"]}\n', encoding="utf-8")
    assert runner.invoke(args=["twinning", "import", str(source)]).exit_code == 0
    for command in ("digest", "reindex"):
        result = runner.invoke(args=["twinning", command])
        assert result.exit_code == 0, result.output
        assert "Queued as job" in result.output
    index_folder = Path(queued_app.config["MATCHING_INDEX_FOLDER"])
    before = {path.name: path.stat().st_mtime_ns for path in index_folder.iterdir()}
    with queued_app.app_context():
        names = [job.func_name for job in jobs._queue().get_jobs()]
    assert names == ["twinning.notifications.digest.send_digest",
                     "twinning.profiles.service.reindex"]
    run_worker(queued_app, tmp_path)
    assert queued(queued_app) == 0 and failed_ids(queued_app) == []
    after = {path.name: path.stat().st_mtime_ns for path in index_folder.iterdir()}
    assert after != before  # the worker wrote the index again


def test_digest_and_reindex_run_here_when_the_queue_is_unreachable(app, runner):
    app.config["REDIS_URL"] = f"redis://127.0.0.1:{free_port()}/0"  # nobody there
    for command, done in (("digest", "Digest:"), ("reindex", "Matching index rebuilt")):
        result = runner.invoke(args=["twinning", command])
        assert result.exit_code == 0, result.output
        assert "The queue is unreachable" in result.output and done in result.output


def test_jobs_go_on_the_configured_queue_with_retries(queued_app):
    with queued_app.app_context():
        queued_job = jobs.enqueue(mail.deliver, 1)
        assert queued_job.origin == queued_app.config["JOB_QUEUE"]
        assert queued_job.retries_left == queued_app.config["JOB_RETRIES"]
        assert queued_job.retry_intervals == [0]
        assert Queue(queued_app.config["JOB_QUEUE"],
                     connection=jobs._connection()).job_ids == [queued_job.id]
