"""Several app servers on one database, each with its own matching index (as on several
hosts): a change made through one is in the other's suggestions at its next request,
applied as a delta from the database's change log, never by reloading a whole index."""

from __future__ import annotations

import sqlalchemy as sa
from site_helpers import make_user

from twinning import index_version, live_index, suggestions
from twinning.extensions import db
from twinning.models import IndexChange, Profile, ProfileStatus, Role, User
from twinning.moderation import service as moderation
from twinning.profiles import service
from twinning.profiles.interchange import validate_record

PARTNER = {
    "external_id": "apiculteurs-drome", "name": "Apiculteurs de la Drôme", "kind": "association",
    "country": "FR", "city": "Valence", "languages": ["fr"], "sectors": ["honey"],
    "offers": ["packaging", "marketing"], "needs": ["training_governance"],
    "description": "Nous conseillons les coopératives de miel pour l'emballage et la vente "
                   "de leur miel de thym en circuit court.",
}


def suggested_to(server, slug: str) -> list[str]:
    with server.app_context():
        profile = db.session.scalars(sa.select(Profile).where(Profile.slug == slug)).one()
        return [item.profile.slug for item in suggestions.for_profile(profile, limit=20)]


def loaded_index(server):
    with server.app_context():
        return live_index.get_index()


def add_pending_partner(app) -> str:
    with app.test_request_context("/fr/"):
        record, errors = validate_record(PARTNER, "test", 1)
        assert not errors, errors
        service.save_records([record])
        profile = service.find_by_reference("apiculteurs-drome")
        profile.status = ProfileStatus.PENDING
        db.session.commit()
        live_index.profiles_changed([profile])
        return profile.slug


def decide(app, slug: str, decision, reason: str | None = None) -> None:
    with app.test_request_context("/fr/"):
        moderator = db.session.scalars(sa.select(User).where(User.role == Role.MODERATOR)).one()
        moderation.decide(service.get_by_slug(slug), moderator, decision, reason)


def test_a_profile_approved_on_one_server_is_suggested_by_the_other(app, demo_profile,
                                                                     second_server):
    make_user(app, "moderator@example.org", role=Role.MODERATOR)
    with app.app_context():
        cooperative = db.session.get(Profile, demo_profile).slug
    partner = add_pending_partner(app)
    assert partner not in suggested_to(second_server, cooperative)
    before = loaded_index(second_server)

    decide(app, partner, moderation.APPROVE)
    assert partner in suggested_to(second_server, cooperative)
    assert loaded_index(second_server) is before  # a delta, not a reload

    decide(app, partner, moderation.ARCHIVE, "L'association a fermé.")
    assert partner not in suggested_to(second_server, cooperative)


def test_a_reindex_on_one_server_leaves_the_other_serving(app, demo_profile, second_server):
    with app.app_context():
        cooperative = db.session.get(Profile, demo_profile).slug
    add_pending_partner(app)
    before = loaded_index(second_server)
    with app.app_context():
        version = index_version.latest()
        live_index.rebuild()
        assert index_version.latest() == version + 1  # the rebuild is in the log too
    assert loaded_index(second_server) is before
    assert suggested_to(second_server, cooperative) == suggested_to(app, cooperative)


def test_the_index_files_say_which_version_they_reflect(app, demo_profile, tmp_path):
    """A process that starts later loads the files, then applies what changed since."""
    add_pending_partner(app)
    with app.app_context():
        folder = live_index.index_folder()
        assert index_version.read_file(folder) == index_version.latest()
        assert db.session.scalar(sa.select(sa.func.count(IndexChange.id))) >= 2
