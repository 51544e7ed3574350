"""``flask twinning prune`` (cron, daily): the tables that only ever grow — the e-mails
sent and the matching index's change log — lose their rows older than what anything still
needs (``OUTGOING_EMAIL_KEEP_DAYS``, ``INDEX_CHANGE_KEEP_DAYS``; why each is safe is said by
:func:`twinning.notifications.mail.prune_sent` and :func:`twinning.index_version.prune`)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from flask import current_app

from twinning import index_version
from twinning.notifications import mail


@dataclass(frozen=True)
class Pruned:
    emails: int
    index_changes: int


def prune() -> Pruned:
    now = datetime.now(UTC)
    config = current_app.config
    return Pruned(
        emails=mail.prune_sent(now - timedelta(days=config["OUTGOING_EMAIL_KEEP_DAYS"])),
        index_changes=index_version.prune(
            now - timedelta(days=config["INDEX_CHANGE_KEEP_DAYS"])))
