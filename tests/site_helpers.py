"""Driving the site as a person does: forms with their CSRF token, e-mails from the outbox,
links followed from those e-mails."""

from __future__ import annotations

import re
import socket
from collections.abc import Iterator
from contextlib import contextmanager
from email import policy
from email.message import EmailMessage
from email.parser import BytesParser
from pathlib import Path

from aiosmtpd.controller import Controller

from twinning.accounts import service as accounts
from twinning.models import Role

PASSWORD = "olive groves of Taourirt"
PUBLIC_URL = "http://twinning.test"  # the tests' PUBLIC_URL: links in e-mails start with it
_CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"|value="([^"]+)"[^>]*name="csrf_token"')


def csrf_token(client, url: str) -> str:
    """The CSRF token of the form on the page at ``url`` (the session keeps it valid)."""
    page = client.get(url)
    found = _CSRF.search(page.text)
    assert found, f"no CSRF token on {url} ({page.status_code})"
    return found.group(1) or found.group(2)


def submit(client, url: str, data: dict, form_page: str | None = None, **kwargs):
    """POST ``data`` to ``url`` with the CSRF token of ``form_page`` (default: ``url``)."""
    return client.post(url, data={**data, "csrf_token": csrf_token(client, form_page or url)},
                       **kwargs)


def outbox(app) -> list[EmailMessage]:
    """Every e-mail written to the outbox, oldest first."""
    folder = Path(app.config["MAIL_OUTBOX_FOLDER"])
    if not folder.is_dir():
        return []
    return [BytesParser(policy=policy.default).parsebytes(path.read_bytes())
            for path in sorted(folder.glob("*.eml"))]


def mails_to(app, address: str) -> list[EmailMessage]:
    return [message for message in outbox(app) if address in message["To"]]


def text_of(message: EmailMessage) -> str:
    return message.get_body(preferencelist=("plain",)).get_content()


def html_of(message: EmailMessage) -> str:
    return message.get_body(preferencelist=("html",)).get_content()


def link_in(message: EmailMessage, part: str) -> str:
    """The path of the first link of ``message`` containing ``part``."""
    for url in re.findall(r"https?://\S+", text_of(message)):
        if part in url:
            assert url.startswith(PUBLIC_URL), url
            return url[len(PUBLIC_URL):]
    raise AssertionError(f"no link with {part!r} in {text_of(message)!r}")


def register(client, email: str, name: str = "Amina", lang: str = "fr",
             password: str = PASSWORD):
    return submit(client, f"/{lang}/account/register",
                  {"name": name, "email": email, "password": password, "lang": lang,
                   "consent": "y"})


def log_in(client, email: str, password: str = PASSWORD, lang: str = "fr"):
    return submit(client, f"/{lang}/account/login", {"email": email, "password": password})


def make_user(app, email: str, role: Role = Role.MEMBER, lang: str = "fr",
              facilitator: bool = False, name: str | None = None) -> int:
    """A confirmed account, made as ``flask twinning create-user`` makes it."""
    with app.app_context():
        return accounts.create_user(email, PASSWORD, name=name or email.split("@")[0],
                                    lang=lang, role=role, facilitator=facilitator).id


def signed_in(app, email: str, **kwargs):
    """A test client signed in as a new confirmed account."""
    make_user(app, email, **kwargs)
    client = app.test_client()
    response = log_in(client, email)
    assert response.status_code == 302, response.text
    return client


@contextmanager
def smtp_server_for(handler) -> Iterator[Controller]:
    """An SMTP server on a free port whose messages go to ``handler`` (aiosmtpd)."""
    controller = Controller(handler, hostname="127.0.0.1", port=free_port())
    controller.start()
    try:
        yield controller
    finally:
        controller.stop()


def free_port() -> int:
    """A port nobody listens on (aiosmtpd's controller checks its server by connecting to
    the port it was given, so it needs a real number rather than 0)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]
