"""E-mail: each message in its recipient's language, plain text and HTML, sent by SMTP or,
when no server is configured (development), written as an ``.eml`` file to the outbox.

Messages are written from templates ``mail/<name>.txt`` and ``mail/<name>.html``; links in
them come from :func:`external_url`, rooted at ``PUBLIC_URL``.
"""

from __future__ import annotations

import logging
import secrets
import smtplib
import ssl
from datetime import UTC, datetime
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid, parseaddr
from pathlib import Path
from typing import Any

from flask import current_app, render_template

from twinning.i18n import speaking, text_direction

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


def send(message: EmailMessage) -> bool:
    """Deliver ``message``; False (and a log line) when the mail server refused it, so that
    the person's action still succeeds and they can ask for the e-mail again."""
    config = current_app.config
    try:
        if config["MAIL_SERVER"]:
            _send_smtp(message)
        else:
            _write_to_outbox(message)
    except (OSError, smtplib.SMTPException) as exc:
        log.error("could not send %r to %s: %s", message["Subject"], message["To"], exc)
        return False
    return True


def send_template(template: str, to: str, lang: str | None, subject: Any,
                  **context: Any) -> bool:
    return send(compose(template, to, lang, subject, **context))


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
