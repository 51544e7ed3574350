"""E-mails written while Redis was down are kept, and ``flask twinning send-pending`` hands
them to the worker once it is back; none is ever sent twice."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import sqlalchemy as sa
from site_helpers import free_port, mails_to, outbox, register
from test_jobs import only_email_row, queued, queued_app, redis_url, run_worker  # noqa: F401

from twinning.extensions import db
from twinning.models import OutgoingEmail
from twinning.notifications import mail

LATER = timedelta(hours=1)  # past PENDING_EMAIL_AFTER_MINUTES


def _send_pending(app, at: datetime) -> mail.Pending:
    with app.test_request_context("/fr/"):
        return mail.send_pending(at)


def test_an_email_written_while_redis_is_down_waits_then_goes(queued_app, tmp_path):  # noqa: F811
    redis_up = queued_app.config["REDIS_URL"]
    queued_app.config["REDIS_URL"] = f"redis://127.0.0.1:{free_port()}/0"  # nobody there
    client = queued_app.test_client()
    assert register(client, "amina@example.org").status_code == 302  # the person goes on
    record = only_email_row(queued_app)
    assert record.sent_at is None and record.message is not None

    now = datetime.now(UTC)
    assert _send_pending(queued_app, now + LATER) == mail.Pending(0, 1, 0)  # still down
    queued_app.config["REDIS_URL"] = redis_up
    assert _send_pending(queued_app, now) == mail.Pending(0, 0, 0)  # too recent to tell
    assert queued(queued_app) == 0
    assert _send_pending(queued_app, now + LATER) == mail.Pending(1, 0, 0)
    assert queued(queued_app) == 1

    run_worker(queued_app, tmp_path)
    assert len(mails_to(queued_app, "amina@example.org")) == 1
    assert only_email_row(queued_app).sent_at is not None
    assert _send_pending(queued_app, now + LATER) == mail.Pending(0, 0, 0)


def test_an_email_still_queued_is_sent_once_when_handed_again(queued_app, tmp_path):  # noqa: F811
    """The worker was only slow: the e-mail's first job and the one send-pending adds both
    run, and the second finds it sent."""
    assert register(queued_app.test_client(), "amina@example.org").status_code == 302
    assert _send_pending(queued_app, datetime.now(UTC) + LATER) == mail.Pending(1, 0, 0)
    assert queued(queued_app) == 2
    run_worker(queued_app, tmp_path)
    assert len(outbox(queued_app)) == 1


def test_a_claimed_email_is_counted_not_sent(app, runner):
    """A worker killed while sending: the message may have left, so it stays as it is."""
    with app.test_request_context("/fr/"):
        message = mail.compose("accounts/email_taken", "amina@example.org", "fr", "Compte",
                               login_link="http://twinning.test/fr/account/login")
        db.session.add(OutgoingEmail(key="test-event:amina", message=bytes(message),
                                     created_at=datetime.now(UTC) - LATER,
                                     claimed_at=datetime.now(UTC) - LATER))
        db.session.commit()
    result = runner.invoke(args=["twinning", "send-pending"])
    assert result.exit_code == 0, result.output
    assert re.findall(r"\d+", result.output) == ["0", "0", "1"]  # handed, failed, claimed
    assert outbox(app) == []
    with app.app_context():
        assert db.session.scalar(sa.select(OutgoingEmail.sent_at)) is None


def test_without_a_queue_send_pending_sends_and_says_what_failed(app, runner):
    app.config["MAIL_SERVER"], app.config["MAIL_PORT"] = "127.0.0.1", free_port()  # refuses
    assert register(app.test_client(), "amina@example.org").status_code == 302
    assert outbox(app) == [] and only_email_row(app).sent_at is None
    result = runner.invoke(args=["twinning", "send-pending"])
    assert result.exit_code == 0  # too recent: not tried yet
    assert re.findall(r"\d+", result.output) == ["0", "0", "0"]
    assert _send_pending(app, datetime.now(UTC) + LATER) == mail.Pending(0, 1, 0)

    app.config["MAIL_SERVER"] = ""  # the mail server is back (here: the outbox)
    assert _send_pending(app, datetime.now(UTC) + LATER) == mail.Pending(1, 0, 0)
    assert len(mails_to(app, "amina@example.org")) == 1
