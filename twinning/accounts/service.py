"""Accounts: registering, confirming an address, signing in, passwords, changing address,
settings, and a person's own data (export and erasure).

Nothing here tells a stranger whether an address has an account: registering, signing in
and asking for a new password answer the same either way, and the address's owner is told
by e-mail instead.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from twinning import tokens
from twinning.accounts import passwords
from twinning.extensions import db
from twinning.i18n import LANGUAGES
from twinning.models import Invitation, Membership, Profile, ProfileChange, Role, User
from twinning.models.account import new_session_token
from twinning.notifications import mail
from twinning.profiles.interchange import is_email_address, neutralise
from twinning.tokens import LinkError, Purpose

MAX_NAME_LENGTH = 120  # the column's length


class AccountError(ValueError):
    """A request that cannot be granted; ``field`` names the form field to show it on."""

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field


def normalise_email(value: str) -> str:
    return value.strip().lower()


def find_by_email(email: str) -> User | None:
    return db.session.scalar(sa.select(User).where(User.email == normalise_email(email)))


def _now() -> datetime:
    return datetime.now(UTC)


def clean_name(name: str) -> str:
    """A person's name as it is kept: one line, without the invisible characters that
    could make it display as somebody else's (the profiles' rule), at most so long."""
    name = neutralise(name).strip()
    if not name:
        raise AccountError(_("Please give your name."), "name")
    if len(name) > MAX_NAME_LENGTH or any(char < " " or char == "\x7f" for char in name):
        raise AccountError(_("A name is one line of at most %(limit)d characters.",
                             limit=MAX_NAME_LENGTH), "name")
    return name


def check_new_account(email: str, password: str, name: str) -> None:
    """The rules for a new account's fields, shared by the site and the command line."""
    if not is_email_address(normalise_email(email)):
        raise AccountError(_("This is not an e-mail address."), "email")
    clean_name(name)
    problem = passwords.problem_with(password, email, name)
    if problem:
        raise AccountError(problem, "password")


# ----- registering and confirming ---------------------------------------------------------
def register(email: str, password: str, name: str, lang: str) -> None:
    """Create an unconfirmed account and send it the confirmation link.

    When the address already has an account, its owner gets an e-mail saying so (with the
    way to sign in or reset the password) and nothing is created: the person registering
    sees the same page either way.
    """
    check_new_account(email, password, name)
    # Hashed either way, so that the time taken does not tell an existing address apart.
    password_hash = passwords.hash_password(password)
    existing = find_by_email(email)
    if existing is not None:
        mail.send_template(
            "accounts/already_registered", existing.email, existing.lang,
            _l("Your Twinning Oriental account"), user=existing,
            login_link=mail.external_url("accounts.login", lang=existing.lang),
            reset_link=mail.external_url("accounts.reset", lang=existing.lang),
        )
        return
    user = User(email=normalise_email(email), password_hash=password_hash,
                name=clean_name(name), lang=lang if lang in LANGUAGES else "fr",
                consent_at=_now(), email_opt_outs=[])
    db.session.add(user)
    db.session.commit()
    send_confirmation(user)


def send_confirmation(user: User) -> bool:
    link = mail.external_url("accounts.confirm",
                             token=tokens.make(Purpose.CONFIRM,
                                               {"user": user.id, "email": user.email}),
                             lang=user.lang)
    return mail.send_template("accounts/confirm", user.email, user.lang,
                              _l("Confirm your e-mail address"), user=user, link=link,
                              days=tokens.lifetime_days(Purpose.CONFIRM))


def confirm(token: str) -> User:
    """Mark the address of a confirmation link as confirmed (a second visit is harmless)."""
    payload = tokens.read(Purpose.CONFIRM, token)
    user = db.session.get(User, payload.get("user"))
    if user is None or user.email != payload.get("email"):
        raise LinkError(expired=False)
    if user.email_confirmed_at is None:
        user.email_confirmed_at = _now()
        db.session.commit()
    return user


# ----- signing in and passwords -----------------------------------------------------------
def authenticate(email: str, password: str) -> User | None:
    """The account for this address and password, or None, taking the same time whether
    or not the address has an account."""
    user = find_by_email(email)
    if not passwords.password_matches(user.password_hash if user else None, password):
        return None
    user.last_login_at = _now()
    db.session.commit()
    return user


def request_password_reset(email: str) -> None:
    """E-mail a reset link if the address has an account; say nothing either way."""
    user = find_by_email(email)
    if user is None:
        return
    link = mail.external_url("accounts.reset_password", lang=user.lang,
                             token=tokens.make(Purpose.RESET, {"user": user.id,
                                                               "stamp": user.session_token}))
    mail.send_template("accounts/reset", user.email, user.lang,
                       _l("Choose a new password"), user=user, link=link,
                       hours=tokens.lifetime_hours(Purpose.RESET))


def user_of_reset_link(token: str) -> User:
    """The account a reset link is for; the link dies once the password has changed."""
    payload = tokens.read(Purpose.RESET, token)
    user = db.session.get(User, payload.get("user"))
    if user is None or user.session_token != payload.get("stamp"):
        raise LinkError(expired=False)
    return user


def reset_password(token: str, new_password: str) -> User:
    user = user_of_reset_link(token)
    _set_password(user, new_password)
    # Whoever opened the e-mailed link has shown the address is theirs.
    user.email_confirmed_at = user.email_confirmed_at or _now()
    db.session.commit()
    return user


def change_password(user: User, current_password: str, new_password: str) -> None:
    if not passwords.password_matches(user.password_hash, current_password):
        raise AccountError(_("This is not your current password."), "current_password")
    _set_password(user, new_password)
    db.session.commit()


def _set_password(user: User, new_password: str) -> None:
    problem = passwords.problem_with(new_password, user.email, user.name)
    if problem:
        raise AccountError(problem, "password")
    user.password_hash = passwords.hash_password(new_password)
    # Every other browser, "remember me" cookies included, is signed out.
    user.session_token = new_session_token()


# ----- changing the address ---------------------------------------------------------------
def request_email_change(user: User, password: str, new_email: str) -> None:
    """Send a confirmation link to the new address; the account keeps the old one until it
    is opened. An address that already has an account is told so instead, and the person
    asking sees the same answer."""
    if not passwords.password_matches(user.password_hash, password):
        raise AccountError(_("This is not your current password."), "password")
    new_email = normalise_email(new_email)
    if not is_email_address(new_email):
        raise AccountError(_("This is not an e-mail address."), "email")
    if new_email == user.email:
        raise AccountError(_("This is already your address."), "email")
    if find_by_email(new_email) is not None:
        mail.send_template("accounts/email_taken", new_email, user.lang,
                           _l("Your Twinning Oriental account"),
                           login_link=mail.external_url("accounts.login", lang=user.lang))
        return
    token = tokens.make(Purpose.CHANGE_EMAIL, {"user": user.id, "email": new_email})
    link = mail.external_url("accounts.confirm_email", token=token, lang=user.lang)
    mail.send_template("accounts/change_email", new_email, user.lang,
                       _l("Confirm your new e-mail address"), user=user, link=link,
                       days=tokens.lifetime_days(Purpose.CHANGE_EMAIL))


def confirm_email_change(token: str) -> User:
    payload = tokens.read(Purpose.CHANGE_EMAIL, token)
    user = db.session.get(User, payload.get("user"))
    new_email = payload.get("email")
    if user is None or not isinstance(new_email, str):
        raise LinkError(expired=False)
    if user.email == new_email:
        return user
    if find_by_email(new_email) is not None:
        raise AccountError(_("This address has an account of its own by now: nothing was "
                             "changed."))
    old_email = user.email
    user.email, user.email_confirmed_at = new_email, _now()
    db.session.commit()
    mail.send_template("accounts/email_changed", old_email, user.lang,
                       _l("Your e-mail address has changed"), user=user, new_email=new_email)
    return user


# ----- settings ---------------------------------------------------------------------------
def update_settings(user: User, name: str, lang: str, email_opt_outs: list[str]) -> None:
    user.name = clean_name(name)
    user.lang = lang if lang in LANGUAGES else user.lang
    user.email_opt_outs = sorted(set(email_opt_outs))
    db.session.commit()


def create_user(email: str, password: str, *, name: str, lang: str, role: Role,
                facilitator: bool = False, owner_of: tuple[Profile, ...] = ()) -> User:
    """An account confirmed from the start (``flask twinning create-user``), optionally
    owner of existing profiles: how an administrator gives an imported organisation to
    its people."""
    from twinning.memberships import service as memberships

    check_new_account(email, password, name)
    if find_by_email(email) is not None:
        raise AccountError(_("%(email)s already has an account.", email=normalise_email(email)),
                           "email")
    user = User(email=normalise_email(email), password_hash=passwords.hash_password(password),
                name=clean_name(name), lang=lang, role=role, is_facilitator=facilitator,
                email_confirmed_at=_now(), email_opt_outs=[])
    db.session.add(user)
    for profile in owner_of:
        memberships.add_owner(profile, user)
    db.session.commit()
    return user


# ----- the person's own data ----------------------------------------------------------------
def _iso(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment else None


def personal_data(user: User) -> dict[str, Any]:
    """Everything kept about ``user`` (GDPR article 15), as ``account/data.json`` gives it."""
    changes = db.session.scalars(
        sa.select(ProfileChange).where(ProfileChange.user_id == user.id)
        .order_by(ProfileChange.at, ProfileChange.id)
    )
    invitations = db.session.scalars(
        sa.select(Invitation).where(Invitation.invited_by_id == user.id)
        .order_by(Invitation.created_at, Invitation.id)
    )
    memberships = db.session.scalars(
        sa.select(Membership).where(Membership.user_id == user.id)
        .order_by(Membership.created_at)
    )
    return {
        "account": {
            "email": user.email, "name": user.name, "language": user.lang,
            "role": user.role.value, "facilitator": user.is_facilitator,
            "created_at": _iso(user.created_at), "email_confirmed_at":
                _iso(user.email_confirmed_at), "privacy_consent_at": _iso(user.consent_at),
            "last_login_at": _iso(user.last_login_at),
            "email_opt_outs": list(user.email_opt_outs or []),
        },
        "organisations": [
            {"slug": row.profile.slug, "name": row.profile.name, "role": row.role.value,
             "since": _iso(row.created_at)} for row in memberships
        ],
        "invitations_sent": [
            {"organisation": row.profile.slug, "email": row.email, "role": row.role.value,
             "created_at": _iso(row.created_at), "accepted_at": _iso(row.accepted_at)}
            for row in invitations
        ],
        "profile_changes": [
            {"organisation": row.profile.slug, "action": row.action.value, "at": _iso(row.at),
             "fields": row.fields, "reason": row.reason} for row in changes
        ],
    }


def delete_account(user: User, password: str) -> None:
    """Erase the account and its personal data. Changes the person made stay, anonymised;
    organisations they kept go on with their other owners, and one left with no owner is
    archived (it can be restored when somebody takes it over)."""
    from twinning.memberships import service as memberships
    from twinning.moderation import service as moderation

    if not passwords.password_matches(user.password_hash, password):
        raise AccountError(_("This is not your current password."), "password")
    orphans = memberships.leave_all(user)
    # The database anonymises the rest: every reference to the account is ON DELETE SET
    # NULL (changes, invitations, the submitter of a profile).
    db.session.delete(user)
    db.session.flush()
    for profile in orphans:
        moderation.archive_without_owner(profile)
    db.session.commit()
