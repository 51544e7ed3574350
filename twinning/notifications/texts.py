"""A notification as one sentence in the reader's language, with the names as they are now."""

from __future__ import annotations

from flask_babel import gettext as _

from twinning.exchanges.labels import purpose_label, state_label
from twinning.extensions import db
from twinning.models import Notification, Profile, ProfileStatus
from twinning.notifications import events
from twinning.presenters import status_label


def describe(notification: Notification) -> str:
    exchange, data = notification.exchange, notification.data or {}
    if exchange is not None:
        names = {"requester": exchange.requester.name, "partner": exchange.partner.name,
                 "purpose": purpose_label(exchange.purpose)}
        if notification.event == events.EXCHANGE_REQUESTED:
            return _("%(requester)s asks %(partner)s for an exchange: %(purpose)s.", **names)
        if notification.event == events.EXCHANGE_ANSWERED:
            if data.get("state") == "accepted":
                return _("%(partner)s accepted the request of %(requester)s: %(purpose)s.",
                         **names)
            return _("%(partner)s declined the request of %(requester)s: %(purpose)s.",
                     **names)
        if notification.event == events.EXCHANGE_MESSAGE:
            return _("A new message about the exchange between %(requester)s and "
                     "%(partner)s.", **names)
        return _("The exchange between %(requester)s and %(partner)s is now: %(state)s.",
                 state=state_label(data.get("state", exchange.state)), **names)
    profile = notification.profile
    if profile is None:
        return ""
    if notification.event == events.NEW_SUGGESTION:
        kept = db.session.get(Profile, data.get("for"))
        return _("A new partner is suggested to %(organisation)s: %(partner)s.",
                 organisation=kept.name if kept else "—", partner=profile.name)
    state = data.get("state", profile.status)
    return _("The profile of %(name)s: %(status)s.", name=profile.name,
             status=status_label(ProfileStatus(state)))
