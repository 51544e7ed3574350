"""Moderation: the queue of pending profiles, approving, rejecting, archiving, restoring,
and looking at edits made to published profiles.

A state change is one conditional UPDATE (``… WHERE status = :expected``): when two
moderators act at once, exactly one wins and the other is told, nothing changes twice.
An approved profile enters the matching index at once, by the incremental update.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from twinning import jobs, live_index
from twinning.extensions import db
from twinning.memberships import service as memberships
from twinning.models import ChangeAction, Profile, ProfileChange, ProfileStatus, Role, User
from twinning.notifications import events, mail, suggested
from twinning.notifications import service as notifications
from twinning.profiles import history, similarity
from twinning.profiles.interchange import neutralise

MAX_REASON_LENGTH = 2000


class ModerationError(ValueError):
    """The decision was not applied: somebody else was quicker, or the request is wrong."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class MissingReason(ModerationError):
    """A rejection or archiving without a (short enough) reason: ask for it again."""


@dataclass(frozen=True)
class QueueEntry:
    profile: Profile
    submitter: User | None
    similar: list[similarity.SimilarProfile]
    # The name mixes Latin letters with Cyrillic or Greek look-alikes (see similarity).
    imitates_latin: bool


def pending_count() -> int:
    return db.session.scalar(sa.select(sa.func.count(Profile.id))
                             .where(Profile.status == ProfileStatus.PENDING)) or 0


def queue() -> list[QueueEntry]:
    """Pending profiles, oldest first, with who submitted them and what they resemble."""
    profiles = db.session.scalars(
        sa.select(Profile).where(Profile.status == ProfileStatus.PENDING)
        .options(*Profile.details_loaded()).order_by(Profile.created_at, Profile.id)
    )
    return [QueueEntry(profile, _submitter(profile),
                       similarity.similar_profiles(profile.name, profile.description,
                                                   exclude=profile.id, published_only=False),
                       similarity.imitates_latin(profile.name))
            for profile in profiles]


def _submitter(profile: Profile) -> User | None:
    return db.session.get(User, profile.submitted_by_id) if profile.submitted_by_id else None


def edits_to_review() -> list[ProfileChange]:
    """Edits of published profiles by their own people, not yet looked at, oldest first."""
    return list(db.session.scalars(
        sa.select(ProfileChange).where(ProfileChange.needs_review.is_(True))
        .order_by(ProfileChange.at, ProfileChange.id)
    ))


def mark_reviewed(change_id: int, moderator: User) -> None:
    change = db.session.get(ProfileChange, change_id)
    if change is None:
        raise ModerationError(_("This change no longer exists."))
    change.needs_review, change.reviewed_by_id = False, moderator.id
    db.session.commit()


def archived() -> list[Profile]:
    return list(db.session.scalars(
        sa.select(Profile).where(Profile.status == ProfileStatus.ARCHIVED)
        .order_by(Profile.updated_at.desc(), Profile.id)
    ))


def accounts() -> list[User]:
    """Every account, for the admins' page: moderators and facilitators first."""
    return list(db.session.scalars(
        sa.select(User).order_by(sa.case((User.role == Role.MEMBER, 1), else_=0),
                                 User.is_facilitator.desc(), User.name, User.id)
    ))


def set_account_role(user_id: int, role: Role, facilitator: bool) -> None:
    """An admin names moderators, admins and facilitators; the last admin stays one."""
    user = db.session.get(User, user_id)
    if user is None:
        raise ModerationError(_("This account no longer exists."))
    if user.role == Role.ADMIN and role != Role.ADMIN and _admin_count() <= 1:
        raise ModerationError(_("The platform keeps at least one administrator."))
    user.role, user.is_facilitator = role, facilitator
    db.session.commit()


def _admin_count() -> int:
    return db.session.scalar(sa.select(sa.func.count(User.id))
                             .where(User.role == Role.ADMIN)) or 0


def _clean_reason(reason: str | None, required: bool) -> str | None:
    reason = neutralise(reason or "").strip()
    if required and not reason:
        raise MissingReason(_("Please give the reason: the organisation will read it."))
    if len(reason) > MAX_REASON_LENGTH:
        raise MissingReason(_("The reason is too long (at most %(limit)d characters).",
                              limit=MAX_REASON_LENGTH))
    return reason or None


@dataclass(frozen=True)
class Decision:
    """A moderator's decision: the state it starts from and leads to, whether it needs a
    reason (the organisation reads it), and the e-mail that tells the profile's owners."""

    source: ProfileStatus
    target: ProfileStatus
    action: ChangeAction
    needs_reason: bool
    template: str
    subject: Any


APPROVE = Decision(ProfileStatus.PENDING, ProfileStatus.PUBLISHED, ChangeAction.APPROVED,
                   False, "moderation/approved", _l("Your profile is published"))
REJECT = Decision(ProfileStatus.PENDING, ProfileStatus.REJECTED, ChangeAction.REJECTED,
                  True, "moderation/rejected", _l("Your profile was not published"))
ARCHIVE = Decision(ProfileStatus.PUBLISHED, ProfileStatus.ARCHIVED, ChangeAction.ARCHIVED,
                   True, "moderation/archived", _l("Your profile was archived"))
RESTORE = Decision(ProfileStatus.ARCHIVED, ProfileStatus.PUBLISHED, ChangeAction.RESTORED,
                   False, "moderation/restored", _l("Your profile is published again"))


def decide(profile: Profile, moderator: User, decision: Decision,
           reason: str | None = None) -> None:
    """Apply ``decision`` if the profile still is in its starting state (one conditional
    UPDATE: when two moderators act at once, exactly one wins), record it, bring the
    matching index up to date when the directory changed, and tell the owners."""
    reason = _clean_reason(reason, required=decision.needs_reason)
    result = db.session.execute(
        sa.update(Profile).where(Profile.id == profile.id, Profile.status == decision.source)
        .values(status=decision.target).execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:
        db.session.rollback()
        raise ModerationError(_("Somebody else has just dealt with this profile: nothing "
                                "was changed."))
    db.session.refresh(profile)
    history.record(profile, decision.action, moderator, reason=reason)
    if ProfileStatus.PUBLISHED in (decision.source, decision.target):
        live_index.profiles_changed([profile])  # commits, with the change logged
    else:
        db.session.commit()
    notifications.notify(
        memberships.owners_of(profile), events.PROFILE_MODERATED, profile=profile,
        data={"state": decision.target.value, "reason": reason},
        email=notifications.Email(decision.template, decision.subject, {"reason": reason}),
        link=lambda user: mail.external_url("web.profile", slug=profile.slug,
                                            lang=user.lang))
    if decision.target == ProfileStatus.PUBLISHED:
        jobs.submit_or_run_here(suggested.tell_new_partners, profile.id)


def archive_without_owner(profile: Profile) -> None:
    """The last owner deleted their account: the profile leaves the directory until
    somebody takes it over (a moderator restores it)."""
    if profile.status == ProfileStatus.PUBLISHED:
        profile.status = ProfileStatus.ARCHIVED
        history.record(profile, ChangeAction.ORPHANED, None)
        db.session.flush()
        live_index.profiles_changed([profile])
