"""A newly published profile is, for some organisations, a partner worth knowing about.
Looking for them reads the matching index: a job, run by the worker when there is a queue."""

from __future__ import annotations

from flask import current_app
from flask_babel import lazy_gettext as _l

from twinning import jobs, suggestions
from twinning.extensions import db
from twinning.memberships import service as memberships
from twinning.models import Profile
from twinning.notifications import events, mail
from twinning.notifications.service import Email, notify

# How many of the new profile's best partners are looked at.
LOOKED_AT = 10


@jobs.job
def tell_new_partners(profile_id: int) -> int:
    """Tell the members of each organisation whose match with the profile scores at least
    ``NEW_PARTNER_THRESHOLD`` that it is a new suggested partner; returns how many
    organisations were told (none when it left the directory meanwhile)."""
    profile = db.session.get(Profile, profile_id)
    if profile is None or not profile.is_published:
        return 0
    threshold = current_app.config["NEW_PARTNER_THRESHOLD"]
    told = 0
    for suggestion in suggestions.for_profile(profile, limit=LOOKED_AT):
        if suggestion.match.score < threshold:
            break
        partner = suggestion.profile
        members = [row.user for row in memberships.members_of(partner)]
        if not members:
            continue
        notify(members, events.NEW_SUGGESTION, profile=profile,
               data={"for": partner.id, "score": suggestion.match.score},
               email=Email("notifications/new_suggestion",
                           _l("A new partner is suggested to your organisation"),
                           {"partner": partner}),
               link=lambda user: mail.external_url("web.profile", slug=profile.slug,
                                                   lang=user.lang))
        told += 1
    return told
