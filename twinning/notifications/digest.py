"""``flask twinning digest`` (for cron, weekly): to each organisation's members, its new
suggested partners and its open requests, in each member's language. A partner shown once
is never shown to the same organisation again. Each run has an id (the time it started),
part of each e-mail's key: a job tried again sends nothing twice. A run older than
``OUTGOING_EMAIL_KEEP_DAYS`` is refused, since the keys of its e-mails may have been pruned.

With a queue configured the command puts :func:`send_digest` on it, and each e-mail is a
job of its own."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import sqlalchemy as sa
from flask import current_app
from flask_babel import lazy_gettext as _l

from twinning import jobs, suggestions
from twinning.exchanges import states
from twinning.extensions import db
from twinning.memberships import service as memberships
from twinning.models import DigestEntry, Exchange, Membership, Profile
from twinning.notifications import events, mail, preferences

log = logging.getLogger(__name__)
RUN_ID_FORMAT = "%Y%m%dT%H%M%S.%f"


@dataclass(frozen=True)
class DigestSummary:
    organisations: int  # organisations that had something to say
    emails: int
    partners: int  # new suggested partners shown, all organisations together


def new_run_id() -> str:
    return datetime.now(UTC).strftime(RUN_ID_FORMAT)


@jobs.job
def send_digest(run_id: str) -> DigestSummary:
    """One run of the digest; ``run_id`` (from :func:`new_run_id`, the same when its job
    is tried again) names the event of each e-mail. Nothing is sent for a run so old that
    the e-mails it sent may have been pruned: they would go out a second time."""
    started = datetime.strptime(run_id, RUN_ID_FORMAT).replace(tzinfo=UTC)
    kept = timedelta(days=current_app.config["OUTGOING_EMAIL_KEEP_DAYS"])
    if started < datetime.now(UTC) - kept:
        log.warning("digest run %s is older than OUTGOING_EMAIL_KEEP_DAYS: not sent", run_id)
        return DigestSummary(0, 0, 0)
    threshold = current_app.config["DIGEST_THRESHOLD"]
    per_organisation = current_app.config["DIGEST_SUGGESTIONS"]
    organisations = emails = partners = 0
    for profile in _kept_profiles():
        shown = _already_shown(profile)
        new = [item for item in suggestions.stored_for(
                   [profile], suggestions.STORED_PER_PROFILE)[profile.id]
               if item.match.score >= threshold and item.profile.id not in shown
               ][:per_organisation]
        waiting = _open_requests(profile)
        if not new and not waiting:
            continue
        organisations += 1
        for row in memberships.members_of(profile):
            emails += preferences.email(
                row.user, events.DIGEST, "notifications/digest",
                _l("This week on Twinning Oriental"),
                key=f"digest:{run_id}:{profile.id}:{row.user.id}",
                profile=profile, partners=new,
                requests=waiting, link=mail.external_url("web.profile", slug=profile.slug,
                                                         lang=row.user.lang),
                exchanges_link=mail.external_url("exchanges.index", lang=row.user.lang))
        db.session.add_all(DigestEntry(profile_id=profile.id, partner_id=item.profile.id)
                           for item in new)
        partners += len(new)
        db.session.commit()
    return DigestSummary(organisations, emails, partners)


def _kept_profiles() -> list[Profile]:
    """Published profiles that somebody keeps (the others have nobody to write to)."""
    return list(db.session.scalars(
        sa.select(Profile).where(Profile.is_published,
                                 Profile.id.in_(sa.select(Membership.profile_id)))
        .order_by(Profile.id)))


def _already_shown(profile: Profile) -> set[int]:
    return set(db.session.scalars(sa.select(DigestEntry.partner_id)
                                  .where(DigestEntry.profile_id == profile.id)))


def _open_requests(profile: Profile) -> list[Exchange]:
    return list(db.session.scalars(
        sa.select(Exchange).where(
            sa.or_(Exchange.requester_id == profile.id, Exchange.partner_id == profile.id),
            Exchange.state.in_(states.OPEN_STATES))
        .order_by(Exchange.created_at)))
