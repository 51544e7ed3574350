"""Translated, styled error pages."""

from __future__ import annotations

from flask import render_template
from flask.typing import ResponseReturnValue
from flask_babel import lazy_gettext as _l

TITLES = {
    400: _l("This request cannot be understood"),
    403: _l("You may not see this page"),
    404: _l("This page does not exist"),
    405: _l("This action is not allowed here"),
    413: _l("What you sent is too large"),
    429: _l("Too many attempts"),
    500: _l("Something went wrong on our side"),
}
EXPLANATIONS = {
    400: _l("A search filter or a page number is not valid. Check the address or start "
            "again from the directory."),
    403: _l("This page is reserved. If you think you should see it, contact the moderators."),
    404: _l("The organisation or page you are looking for may have moved or never existed."),
    405: _l("Go back and try again from the page's own buttons."),
    413: _l("This site accepts no files and no text this long. Go back, shorten what you "
            "wrote and send it again."),
    429: _l("This form was sent too often in a short time. The limit protects everyone's "
            "accounts and mailboxes."),
    500: _l("The error has been recorded. Please try again in a moment."),
}


def error_page(status: int, detail: str | None = None) -> ResponseReturnValue:
    """The page for ``status``; ``detail`` says what exactly was wrong, when known."""
    known = status if status in TITLES else 500 if status >= 500 else 400
    return render_template("errors/error.html", status=status, title=TITLES[known],
                           explanation=EXPLANATIONS[known], detail=detail), status
