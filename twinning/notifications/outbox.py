"""``/dev/outbox``: the e-mails written to the outbox folder, readable in the browser.

Only outside production: it lets a developer (and the browser tests) follow a confirmation
link without a mail server.
"""

from __future__ import annotations

import re
from email import policy
from email.message import EmailMessage
from email.parser import BytesParser
from pathlib import Path

from flask import Blueprint, Flask, abort, render_template
from flask.typing import ResponseReturnValue
from markupsafe import Markup, escape

from twinning.notifications.mail import outbox_folder

blueprint = Blueprint("outbox", __name__, url_prefix="/dev/outbox")
MESSAGE_NAME = re.compile(r"^\d{8}T\d{12}Z-[0-9a-f]{8}\.eml$")
LINK = re.compile(r"https?://[^\s<>\"']+")
SHOWN = 200


def init_app(app: Flask) -> None:
    if app.config["ENV"] != "production":
        app.register_blueprint(blueprint)


def _read(path: Path) -> EmailMessage:
    with path.open("rb") as stream:
        return BytesParser(policy=policy.default).parse(stream)


def _messages() -> list[tuple[str, EmailMessage]]:
    folder = outbox_folder()
    if not folder.is_dir():
        return []
    paths = sorted((path for path in folder.iterdir() if MESSAGE_NAME.match(path.name)),
                   reverse=True)[:SHOWN]
    return [(path.name, _read(path)) for path in paths]


def _message(name: str) -> EmailMessage:
    path = outbox_folder() / name
    if not MESSAGE_NAME.match(name) or not path.is_file():
        abort(404)
    return _read(path)


def linkified(text: str) -> Markup:
    """Plain text, escaped, with its web addresses made into links."""
    parts, last = [], 0
    for found in LINK.finditer(text):
        parts.append(escape(text[last:found.start()]))
        url = escape(found.group())
        parts.append(Markup(f'<a href="{url}">{url}</a>'))
        last = found.end()
    parts.append(escape(text[last:]))
    return Markup("").join(parts)


@blueprint.get("")
def index() -> ResponseReturnValue:
    return render_template("dev/outbox.html", messages=_messages())


@blueprint.get("/<name>")
def message(name: str) -> ResponseReturnValue:
    found = _message(name)
    text = found.get_body(preferencelist=("plain",))
    return render_template("dev/message.html", name=name, message=found,
                           body=linkified(text.get_content() if text else ""),
                           has_html=found.get_body(preferencelist=("html",)) is not None)


@blueprint.get("/<name>/html")
def message_html(name: str) -> ResponseReturnValue:
    html = _message(name).get_body(preferencelist=("html",))
    if html is None:
        abort(404)
    return html.get_content(), 200, {"Content-Type": "text/html; charset=utf-8"}
