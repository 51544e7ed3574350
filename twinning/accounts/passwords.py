"""Passwords: hashed with scrypt, at least ten characters, never a well-known one."""

from __future__ import annotations

from functools import cache

from flask_babel import gettext as _
from werkzeug.security import check_password_hash, generate_password_hash

from twinning.reference.files import data_bytes

MIN_LENGTH = 10
MAX_LENGTH = 200  # hashing a megabyte of "password" is a way to tie up a worker
COMMON_PASSWORDS_FILE = "common_passwords.txt"
HASH_METHOD = "scrypt"


@cache
def common_passwords() -> frozenset[str]:
    lines = data_bytes(COMMON_PASSWORDS_FILE).decode("utf-8").splitlines()
    return frozenset(line.strip() for line in lines if line.strip() and not line.startswith("#"))


def problem_with(password: str, *personal: str | None) -> str | None:
    """Why ``password`` may not be used, in the reader's language, or None when it may.

    ``personal`` are the person's own e-mail address and name, which make poor passwords.
    """
    if len(password) < MIN_LENGTH:
        return _("Use at least %(count)d characters.", count=MIN_LENGTH)
    if len(password) > MAX_LENGTH:
        return _("Use at most %(count)d characters.", count=MAX_LENGTH)
    lowered = password.strip().lower()
    if lowered in common_passwords() or len(set(lowered)) < 3:
        return _("This password is too common: anybody could guess it. Choose another.")
    if any(value and lowered == value.strip().lower() for value in personal):
        return _("Do not use your e-mail address or your name as password.")
    return None


def hash_password(password: str) -> str:
    return generate_password_hash(password, method=HASH_METHOD)


def password_matches(password_hash: str | None, password: str) -> bool:
    """Checks ``password``; without a hash (no such account) it spends the same time on a
    throw-away hash, so that timing does not tell which addresses have an account."""
    if not password_hash:
        check_password_hash(_decoy_hash(), password)
        return False
    return check_password_hash(password_hash, password[:MAX_LENGTH + 1])


@cache
def _decoy_hash() -> str:
    return generate_password_hash("no account has this password", method=HASH_METHOD)
