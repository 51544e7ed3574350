"""A newly published profile is, for some organisations, a partner worth knowing about."""

from __future__ import annotations

from flask import current_app
from flask_babel import lazy_gettext as _l

from twinning import suggestions
from twinning.memberships import service as memberships
from twinning.models import Profile
from twinning.notifications import events, mail
from twinning.notifications.service import Email, notify

# How many of the new profile's best partners are looked at.
LOOKED_AT = 10


def tell_new_partners(profile: Profile) -> int:
    """Tell the members of each organisation whose match with ``profile`` scores at least
    ``NEW_PARTNER_THRESHOLD`` that it is a new suggested partner; returns how many
    organisations were told."""
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
