"""E-mail: each message in its recipient's language, plain text and HTML, sent by SMTP or,
when no server is configured (development), written as an ``.eml`` file to the outbox.

Messages are written from templates ``mail/<name>.txt`` and ``mail/<name>.html``; links in
them come from :func:`external_url`, rooted at ``PUBLIC_URL``.

Sending is a job (:mod:`twinning.jobs`): :func:`send` records the message under the key of
its event and recipient, commits, and :func:`deliver` sends it, at once or from the worker.
A key already recorded is never sent again, and a job tried again skips what was sent.
The rows of e-mails sent more than ``OUTGOING_EMAIL_KEEP_DAYS`` ago are pruned
(:func:`prune_sent`).
"""

from __future__ import annotations

import logging
import secrets
import smtplib
import ssl
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from email import message_from_bytes, policy
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid, parseaddr
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from flask import current_app, render_template

from twinning import jobs
from twinning.extensions import db
from twinning.i18n import speaking, text_direction
from twinning.models import OutgoingEmail

log = logging.getLogger(__name__)
OUTBOX_FOLDER = "outbox"


def external_url(endpoint: str, **values: Any) -> str:
    """An absolute link for an e-mail, built from ``PUBLIC_URL`` (never from the Host
    header of the request, which a stranger could forge in a password-reset link)."""
    current_app.inject_url_defaults(endpoint, values)
    path = current_app.url_map.bind("public").build(endpoint, values)
    return current_app.config["PUBLIC_URL"].rstrip("/") + path


def compose(template: str, to: str, lang: str | None, subject: Any,
            unsubscribe_url: str | None = None, **context: Any) -> EmailMessage:
    """One message for one recipient, written in ``lang``.

    ``subject`` is a lazy string, translated here; ``unsubscribe_url`` (notifications only)
    adds ``List-Unsubscribe`` with one-click unsubscription (RFC 8058).
    """
    with speaking(lang) as chosen:
        context.update(lang=chosen, text_dir=text_direction(chosen),
                       unsubscribe_url=unsubscribe_url)
        subject_text = str(subject)
        text = render_template(f"mail/{template}.txt", subject=subject_text, **context)
        html = render_template(f"mail/{template}.html", subject=subject_text, **context)
    sender = current_app.config["MAIL_DEFAULT_SENDER"]
    message = EmailMessage()
    message["From"] = sender
    message["To"] = to
    message["Subject"] = subject_text
    message["Date"] = format_datetime(datetime.now(UTC))
    message["Message-ID"] = make_msgid(domain=_domain(sender))
    message["Auto-Submitted"] = "auto-generated"
    if unsubscribe_url:
        message["List-Unsubscribe"] = f"<{unsubscribe_url}>"
        message["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    message.set_content(text)
    message.add_alternative(html, subtype="html")
    # After the content: setting the content replaces every Content-* header.
    message["Content-Language"] = chosen
    return message


def _domain(sender: str) -> str:
    address = parseaddr(sender)[1]
    return address.rpartition("@")[2] or "localhost"


class DeliveryError(RuntimeError):
    """The mail server (or the outbox folder) refused a message; the job is tried again."""


def send(message: EmailMessage, key: str | None = None) -> bool:
    """Send ``message`` once for ``key`` (the event and the recipient, e.g.
    ``notification:42``; none: a new event, such as a reset link asked for again).

    The message is recorded and committed with its key first (so call this after the
    caller's own commit), then delivered now or by the worker. False when the key was
    already recorded (nothing is sent twice), or when sending at once failed: the person's
    action still succeeds and they can ask for the e-mail again.
    """
    if key and db.session.scalar(sa.select(OutgoingEmail.id).where(OutgoingEmail.key == key)):
        log.info("e-mail %s already written: not sent again", key)
        return False
    record = OutgoingEmail(key=key or f"once:{uuid.uuid4().hex}", message=bytes(message))
    db.session.add(record)
    try:
        db.session.commit()
    except sa.exc.IntegrityError:  # written by another process meanwhile
        db.session.rollback()
        return False
    try:
        jobs.submit(deliver, record.id)
    except DeliveryError:
        return False
    except jobs.QueueUnavailable as exc:  # kept unsent: `flask twinning send-pending`
        log.warning("e-mail %s written, not queued: %s", record.key, exc)
        return False
    return True


@dataclass(frozen=True)
class Pending:
    """What :func:`send_pending` found."""

    submitted: int  # handed to the worker (or sent, without a queue) again
    failed: int  # could not be sent now (without a queue) or queued (Redis down again)
    claimed: int  # claimed by a worker that never marked them sent: left alone


def send_pending(now: datetime | None = None) -> Pending:
    """Hand again to the worker the e-mails written at least ``PENDING_EMAIL_AFTER_MINUTES``
    ago and neither sent nor being sent: those whose job never reached Redis (it was down)
    or failed every try. One that is still queued is claimed by its first job, so the
    second sends nothing. Those claimed long ago and not marked sent (a worker killed while
    sending) are only counted: the message may have left, and an e-mail is never sent
    twice for one event."""
    now = now or datetime.now(UTC)
    before = now - timedelta(minutes=current_app.config["PENDING_EMAIL_AFTER_MINUTES"])
    unsent = (OutgoingEmail.sent_at.is_(None), OutgoingEmail.created_at <= before)
    waiting = list(db.session.scalars(
        sa.select(OutgoingEmail.id).where(*unsent, OutgoingEmail.claimed_at.is_(None))
        .order_by(OutgoingEmail.id)))
    claimed = db.session.scalar(sa.select(sa.func.count(OutgoingEmail.id)).where(
        *unsent, OutgoingEmail.claimed_at <= before)) or 0
    failed = 0
    for email_id in waiting:
        try:
            jobs.submit(deliver, email_id)
        except (DeliveryError, jobs.QueueUnavailable) as exc:
            log.warning("e-mail %s still not sent: %s", email_id, exc)
            failed += 1
    return Pending(submitted=len(waiting) - failed, failed=failed, claimed=claimed)


def send_template(template: str, to: str, lang: str | None, subject: Any,
                  key: str | None = None, **context: Any) -> bool:
    return send(compose(template, to, lang, subject, **context), key)


@jobs.job
def deliver(email_id: int) -> bool:
    """Send one recorded e-mail unless it was sent (or is being sent) already: the claim is
    committed before the message leaves and the mark after, so two workers, or a job tried
    again, never send it twice. True when it was sent now."""
    now = datetime.now(UTC)
    claimed = db.session.execute(
        sa.update(OutgoingEmail)
        .where(OutgoingEmail.id == email_id, OutgoingEmail.sent_at.is_(None),
               OutgoingEmail.claimed_at.is_(None))
        .values(claimed_at=now, attempts=OutgoingEmail.attempts + 1)
        .execution_options(synchronize_session=False)).rowcount
    db.session.commit()
    if not claimed:
        return False
    record = db.session.get(OutgoingEmail, email_id)
    message = message_from_bytes(record.message, policy=policy.default)
    try:
        _transmit(message)
    except (OSError, smtplib.SMTPException) as exc:
        log.error("could not send %r to %s: %s", message["Subject"], message["To"], exc)
        record.claimed_at, record.last_error = None, str(exc)
        db.session.commit()
        raise DeliveryError(f"e-mail {email_id} not sent: {exc}") from exc
    record.sent_at, record.message, record.last_error = datetime.now(UTC), None, None
    db.session.commit()
    return True


def prune_sent(older_than: datetime) -> int:
    """Delete the rows of e-mails sent before ``older_than``; how many went.

    Their keys go with them, which is safe because no event writes its e-mail again that
    late: notifications and invitations get a new id (so a new key) each time, a link
    asked for is a new event anyway, a ``deliver`` job tried again finds no row and sends
    nothing, and the digest, whose job may be tried again from the failed jobs at any time,
    refuses a run older than ``OUTGOING_EMAIL_KEEP_DAYS``
    (:func:`twinning.notifications.digest.send_digest`). Unsent rows stay, whatever their age.
    """
    deleted = db.session.execute(
        sa.delete(OutgoingEmail).where(OutgoingEmail.sent_at < older_than)).rowcount
    db.session.commit()
    return deleted


def _transmit(message: EmailMessage) -> None:
    if current_app.config["MAIL_SERVER"]:
        _send_smtp(message)
    else:
        _write_to_outbox(message)


def _send_smtp(message: EmailMessage) -> None:
    config = current_app.config
    host, port, timeout = config["MAIL_SERVER"], int(config["MAIL_PORT"]), config["MAIL_TIMEOUT"]
    context = ssl.create_default_context()
    if config["MAIL_USE_SSL"]:
        connection: smtplib.SMTP = smtplib.SMTP_SSL(host, port, timeout=timeout,
                                                   context=context)
    else:
        connection = smtplib.SMTP(host, port, timeout=timeout)
    with connection:
        if config["MAIL_USE_TLS"] and not config["MAIL_USE_SSL"]:
            connection.starttls(context=context)
        if config["MAIL_USERNAME"]:
            connection.login(config["MAIL_USERNAME"], config["MAIL_PASSWORD"])
        connection.send_message(message)


def outbox_folder() -> Path:
    configured = current_app.config["MAIL_OUTBOX_FOLDER"]
    return Path(configured) if configured else Path(current_app.instance_path) / OUTBOX_FOLDER


def _write_to_outbox(message: EmailMessage) -> Path:
    folder = outbox_folder()
    folder.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%fZ")
    path = folder / f"{stamp}-{secrets.token_hex(4)}.eml"
    temporary = path.with_suffix(".part")
    temporary.write_bytes(bytes(message))
    temporary.replace(path)  # a reader never sees half a message
    return path


def recipient(email: str, name: str | None) -> str:
    """``Name <address>``, quoted as RFC 5322 wants whatever the name's script."""
    return str(Address(display_name=name or "", addr_spec=email)) if name else email
