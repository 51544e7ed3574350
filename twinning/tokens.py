"""Signed, expiring links (itsdangerous): confirm an address, reset a password, accept an
invitation, unsubscribe. Each purpose has its own salt, so no link works for another."""

from __future__ import annotations

import enum
from typing import Any

from flask import current_app
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer


class Purpose(enum.StrEnum):
    CONFIRM = "confirm"  # the address given at registration
    CHANGE_EMAIL = "change-email"  # a new address, confirmed before it replaces the old
    RESET = "reset"  # a forgotten password
    INVITATION = "invitation"  # to keep an organisation's profile
    UNSUBSCRIBE = "unsubscribe"  # one kind of e-mail, one click, no sign-in


# How long each kind of link lives: the name of the setting, or None for ever.
MAX_AGE_SETTINGS = {
    Purpose.CONFIRM: "CONFIRM_LINK_MAX_AGE",
    Purpose.CHANGE_EMAIL: "CONFIRM_LINK_MAX_AGE",
    Purpose.RESET: "RESET_LINK_MAX_AGE",
    Purpose.INVITATION: "INVITATION_LINK_MAX_AGE",
    Purpose.UNSUBSCRIBE: None,
}


class LinkError(ValueError):
    """A link that cannot be used; ``expired`` tells an old link from a forged one."""

    def __init__(self, expired: bool) -> None:
        super().__init__("expired" if expired else "invalid")
        self.expired = expired


def lifetime_hours(purpose: Purpose) -> int:
    """How long a kind of link lives, in whole hours, as the pages and e-mails tell it."""
    return current_app.config[MAX_AGE_SETTINGS[purpose]] // 3600


def lifetime_days(purpose: Purpose) -> int:
    return lifetime_hours(purpose) // 24


def _serializer(purpose: Purpose) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"],
                                  salt=f"twinning-{purpose.value}")


def make(purpose: Purpose, payload: dict[str, Any]) -> str:
    return _serializer(purpose).dumps(payload)


def read(purpose: Purpose, token: str) -> dict[str, Any]:
    """The payload of a valid, unexpired link; :class:`LinkError` otherwise."""
    setting = MAX_AGE_SETTINGS[purpose]
    max_age = current_app.config[setting] if setting else None
    try:
        payload = _serializer(purpose).loads(token, max_age=max_age)
    except SignatureExpired as exc:
        raise LinkError(expired=True) from exc
    except BadSignature as exc:
        raise LinkError(expired=False) from exc
    if not isinstance(payload, dict):
        raise LinkError(expired=False)
    return payload
