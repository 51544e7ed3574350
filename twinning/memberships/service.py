"""Who keeps an organisation's profile: owners and editors, invitations, hand-over, and the
permission checks every page asks.

An organisation always keeps at least one owner. A facilitator who kept a profile for an
organisation without internet access hands it over with an invitation link; accepting it
makes the organisation's own people owners and ends the facilitator's care.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import orm

from twinning import session_memo, tokens
from twinning.extensions import db
from twinning.models import ChangeAction, Invitation, MemberRole, Membership, Profile, User
from twinning.notifications import mail
from twinning.profiles import history
from twinning.profiles.interchange import is_email_address
from twinning.tokens import LinkError, Purpose


class MembershipError(ValueError):
    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


# ----- permissions ------------------------------------------------------------------------
def _signed_in(user: Any) -> bool:
    return bool(user is not None and getattr(user, "is_authenticated", False))


def membership(user: Any, profile: Profile) -> Membership | None:
    if not _signed_in(user):
        return None
    return next((row for row in organisations_of(user) if row.profile_id == profile.id), None)


def can_edit(user: Any, profile: Profile) -> bool:
    """Its owners and editors, and moderators."""
    return _signed_in(user) and (user.is_moderator or membership(user, profile) is not None)


def can_manage_members(user: Any, profile: Profile) -> bool:
    """Its owners, and moderators."""
    if not _signed_in(user):
        return False
    if user.is_moderator:
        return True
    found = membership(user, profile)
    return found is not None and found.role == MemberRole.OWNER


def can_see(user: Any, profile: Profile) -> bool:
    """Published profiles are public; the others only to their people and moderators."""
    return profile.is_published or can_edit(user, profile)


# ----- members ----------------------------------------------------------------------------
def organisations_of(user: User) -> list[Membership]:
    """``user``'s memberships with their profiles, by name: read once per session state
    (:mod:`twinning.session_memo`), since every page's header and permission checks ask;
    the signed-in reader's come with them (:func:`with_organisations`)."""
    return session_memo.read_once(("memberships", user.id), lambda: list(db.session.scalars(
        sa.select(Membership).join(Profile).options(orm.contains_eager(Membership.profile))
        .where(Membership.user_id == user.id).order_by(Profile.name))))


def with_organisations(statement: sa.Select) -> sa.Select:
    """``statement``, which selects users, loading their memberships and profiles in the
    same query, by name: what :func:`note_organisations` takes."""
    return (statement.outerjoin(User.memberships).outerjoin(Membership.profile)
            .options(orm.contains_eager(User.memberships).contains_eager(Membership.profile))
            .order_by(Profile.name))


def note_organisations(user: User) -> None:
    """Keep ``user``'s memberships, loaded by :func:`with_organisations`, as
    :func:`organisations_of`'s answer until the session's state changes."""
    session_memo.note(("memberships", user.id), list(user.memberships))


def members_of(profile: Profile) -> list[Membership]:
    """Owners first, then editors, each by name."""
    return list(db.session.scalars(
        sa.select(Membership).join(User).where(Membership.profile_id == profile.id)
        .order_by(sa.case((Membership.role == MemberRole.OWNER, 0), else_=1), User.name)
    ))


def owners_of(profile: Profile) -> list[User]:
    return [row.user for row in members_of(profile) if row.role == MemberRole.OWNER]


def _join(profile: Profile, user: User, role: MemberRole) -> Membership:
    """Add ``user`` to ``profile`` as ``role``; an existing member is never demoted here."""
    found = db.session.get(Membership, (user.id, profile.id))
    if found is None:
        found = Membership(user_id=user.id, profile_id=profile.id, role=role)
        db.session.add(found)
    elif role == MemberRole.OWNER:
        found.role = MemberRole.OWNER
    return found


def add_owner(profile: Profile, user: User) -> Membership:
    return _join(profile, user, MemberRole.OWNER)


def _owner_count(profile: Profile) -> int:
    return db.session.scalar(
        sa.select(sa.func.count()).select_from(Membership)
        .where(Membership.profile_id == profile.id, Membership.role == MemberRole.OWNER)
    ) or 0


def remove_member(profile: Profile, user_id: int) -> None:
    found = db.session.get(Membership, (user_id, profile.id))
    if found is None:
        raise MembershipError(_("This person does not keep this profile."))
    if found.role == MemberRole.OWNER and _owner_count(profile) <= 1:
        raise MembershipError(_("An organisation keeps at least one owner: name another "
                                "owner first."))
    db.session.delete(found)
    db.session.commit()


def set_role(profile: Profile, user_id: int, role: MemberRole) -> None:
    found = db.session.get(Membership, (user_id, profile.id))
    if found is None:
        raise MembershipError(_("This person does not keep this profile."))
    if found.role == MemberRole.OWNER and role != MemberRole.OWNER \
            and _owner_count(profile) <= 1:
        raise MembershipError(_("An organisation keeps at least one owner: name another "
                                "owner first."))
    found.role = role
    db.session.commit()


def leave_all(user: User) -> list[Profile]:
    """Take ``user`` out of every organisation (their account is being deleted); returns
    the profiles left without any owner."""
    orphans = []
    for row in organisations_of(user):
        if row.role == MemberRole.OWNER and _owner_count(row.profile) <= 1:
            orphans.append(row.profile)
        db.session.delete(row)
    db.session.flush()
    # The reader's collection came loaded (twinning/reader.py): deleting the account next
    # must not cascade to the rows deleted here.
    db.session.expire(user, ["memberships"])
    return orphans


# ----- invitations ------------------------------------------------------------------------
def pending_invitations(profile: Profile) -> list[Invitation]:
    return list(db.session.scalars(
        sa.select(Invitation).where(Invitation.profile_id == profile.id,
                                    Invitation.accepted_at.is_(None))
        .order_by(Invitation.created_at)
    ))


def invitation_link(invitation: Invitation, lang: str) -> str:
    token = tokens.make(Purpose.INVITATION, {"invitation": invitation.id,
                                             "key": invitation.token_id})
    return mail.external_url("memberships.invitation", token=token, lang=lang)


def invite(profile: Profile, email: str, role: MemberRole, by: User, lang: str) -> Invitation:
    """Invite somebody by e-mail to keep ``profile`` (the link is written in ``lang``, the
    language the inviter is using, most likely the organisation's)."""
    email = email.strip().lower()
    if not is_email_address(email):
        raise MembershipError(_("This is not an e-mail address."))
    invitation = Invitation(profile_id=profile.id, email=email, role=role, invited_by_id=by.id)
    db.session.add(invitation)
    db.session.commit()
    mail.send_template("memberships/invitation", email, lang,
                       _l("An invitation to keep a profile on Twinning Oriental"),
                       key=f"invitation:{invitation.id}", profile=profile, inviter=by, role=role,
                       link=invitation_link(invitation, lang),
                       days=tokens.lifetime_days(Purpose.INVITATION))
    return invitation


def handover(profile: Profile, by: User) -> Invitation:
    """An invitation link (no e-mail needed) that gives a facilitator's profile to the
    organisation's own people: the facilitator prints it or sends it by phone."""
    if not profile.kept_by_facilitator:
        raise MembershipError(_("Only a profile kept by a facilitator can be handed over."))
    invitation = Invitation(profile_id=profile.id, email=None, role=MemberRole.OWNER,
                            handover=True, invited_by_id=by.id)
    db.session.add(invitation)
    db.session.commit()
    return invitation


def cancel_invitation(profile: Profile, invitation_id: int) -> None:
    invitation = db.session.get(Invitation, invitation_id)
    if invitation is None or invitation.profile_id != profile.id \
            or invitation.accepted_at is not None:
        raise MembershipError(_("This invitation no longer exists."))
    db.session.delete(invitation)
    db.session.commit()


def invitation_from_link(token: str) -> Invitation:
    """The pending invitation a link designates; :class:`LinkError` when it is expired,
    forged, cancelled or already accepted."""
    payload = tokens.read(Purpose.INVITATION, token)
    invitation = db.session.get(Invitation, payload.get("invitation"))
    if invitation is None or invitation.token_id != payload.get("key") \
            or invitation.accepted_at is not None:
        raise LinkError(expired=False)
    return invitation


def accept(invitation: Invitation, user: User) -> Membership:
    if not user.is_confirmed:
        raise MembershipError(_("Confirm your e-mail address first: the link is in the "
                                "e-mail we sent you."))
    profile = invitation.profile
    joined = _join(profile, user, invitation.role)
    invitation.accepted_at, invitation.accepted_by_id = datetime.now(UTC), user.id
    if invitation.handover:
        profile.kept_by_facilitator = False
        for row in members_of(profile):
            if row.user_id != user.id:
                db.session.delete(row)
        history.record(profile, ChangeAction.HANDED_OVER, user)
    db.session.commit()
    return joined
