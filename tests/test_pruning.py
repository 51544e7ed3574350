"""``flask twinning prune``: the e-mails sent and the matching index's change log lose what
nothing needs any more, and a process whose index is older than what was pruned loads it
afresh instead of missing the pruned changes."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import sqlalchemy as sa
from site_helpers import make_user
from test_index_version import add_pending_partner, decide, loaded_index, suggested_to

from twinning import index_version, live_index
from twinning.extensions import db
from twinning.models import IndexChange, OutgoingEmail, Profile, Role
from twinning.moderation import service as moderation


def days_ago(days: float) -> datetime:
    return datetime.now(UTC) - timedelta(days=days)


def prune(app) -> str:
    result = app.test_cli_runner().invoke(args=["twinning", "prune"])
    assert result.exit_code == 0, result.output
    return result.output


def age_index_changes(app, days: float) -> None:
    with app.app_context():
        db.session.execute(sa.update(IndexChange).values(created_at=days_ago(days)))
        db.session.commit()


def cooperative_slug(app, profile_id: int) -> str:
    with app.app_context():
        return db.session.get(Profile, profile_id).slug


def test_prune_deletes_the_emails_sent_long_ago_and_keeps_the_others(app):
    kept_days = app.config["OUTGOING_EMAIL_KEEP_DAYS"]
    with app.app_context():
        db.session.add_all([
            OutgoingEmail(key="sent-long-ago", created_at=days_ago(kept_days + 2),
                          sent_at=days_ago(kept_days + 1)),
            OutgoingEmail(key="sent-lately", created_at=days_ago(kept_days + 2),
                          sent_at=days_ago(kept_days - 1)),
            OutgoingEmail(key="never-sent", message=b"Subject: x\n\nx",
                          created_at=days_ago(kept_days + 2)),
            OutgoingEmail(key="claimed-long-ago", message=b"Subject: x\n\nx",
                          created_at=days_ago(kept_days + 2),
                          claimed_at=days_ago(kept_days + 1)),
        ])
        db.session.commit()
    assert "Pruned 1 e-mail(s) sent" in prune(app)
    with app.app_context():
        assert set(db.session.scalars(sa.select(OutgoingEmail.key))) == {
            "sent-lately", "never-sent", "claimed-long-ago"}


def test_prune_keeps_the_recent_index_changes_and_always_the_newest(app):
    kept_days = app.config["INDEX_CHANGE_KEEP_DAYS"]
    with app.app_context():
        db.session.add_all([IndexChange(profile_id=number, slug=f"p{number}",
                                        created_at=days_ago(kept_days + 1))
                            for number in range(3)])
        db.session.add(IndexChange(profile_id=3, slug="p3", created_at=days_ago(1)))
        db.session.commit()
        ids = list(db.session.scalars(sa.select(IndexChange.id).order_by(IndexChange.id)))
    assert "3 change(s) of the matching index" in prune(app)
    with app.app_context():
        assert list(db.session.scalars(sa.select(IndexChange.id))) == ids[-1:]
    age_index_changes(app, kept_days + 1)
    assert "0 change(s) of the matching index" in prune(app)
    with app.app_context():
        assert index_version.latest() == ids[-1]  # the version never goes back


def test_a_process_behind_the_pruned_changes_rebuilds_and_misses_none(app, demo_profile,
                                                                      second_server):
    """The second host's process last looked before a profile was approved, and pruning
    then deleted that change: a delta would miss it, a rebuild does not."""
    make_user(app, "moderator@example.org", role=Role.MODERATOR)
    cooperative = cooperative_slug(app, demo_profile)
    partner = add_pending_partner(app)
    before = loaded_index(second_server)
    decide(app, partner, moderation.APPROVE)
    with app.app_context():
        live_index.rebuild()  # a newer change, the one pruning keeps
    age_index_changes(app, app.config["INDEX_CHANGE_KEEP_DAYS"] + 1)
    prune(app)

    assert partner in suggested_to(second_server, cooperative)
    assert loaded_index(second_server) is not before


def test_a_process_behind_the_pruned_changes_loads_its_hosts_newer_files(app, demo_profile,
                                                                         second_server):
    """Another process of the same host saved its index after the change: loading those
    files and applying what came after is enough, without a rebuild."""
    make_user(app, "moderator@example.org", role=Role.MODERATOR)
    cooperative = cooperative_slug(app, demo_profile)
    partner = add_pending_partner(app)
    with second_server.app_context():
        asleep_since = live_index.current().version
    with app.app_context():
        live_index.rebuild()  # another host's reindex: a change this process never applied
    decide(second_server, partner, moderation.APPROVE)  # saves the second host's files
    with second_server.app_context():  # as the process that slept holds it
        live = live_index.current()
        live.index.remove(partner)
        live.version = asleep_since
    age_index_changes(app, app.config["INDEX_CHANGE_KEEP_DAYS"] + 1)
    prune(app)
    with app.app_context():
        version = index_version.latest()

    assert partner in suggested_to(second_server, cooperative)
    with app.app_context():
        assert index_version.latest() == version  # no rebuild (it would log one)
