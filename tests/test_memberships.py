"""Who keeps a profile: owners invite and remove people; an organisation keeps an owner."""

from __future__ import annotations

import sqlalchemy as sa
from site_helpers import csrf_token, link_in, mails_to, make_user, signed_in, submit

from twinning.extensions import db
from twinning.memberships import service as memberships
from twinning.models import Invitation, MemberRole, Membership, Profile, User

MEMBERS = "/fr/profiles/cooperative-nahla/members"


def _own(app, profile_id: int, email: str, role: MemberRole = MemberRole.OWNER) -> None:
    with app.app_context():
        user = db.session.scalar(sa.select(User).where(User.email == email))
        db.session.add(Membership(user_id=user.id, profile_id=profile_id, role=role))
        db.session.commit()


def _roles(app, profile_id: int) -> dict[str, str]:
    with app.app_context():
        rows = db.session.execute(sa.select(User.email, Membership.role).join(Membership)
                                  .where(Membership.profile_id == profile_id))
        return {email: role.value for email, role in rows}


def test_an_owner_invites_by_e_mail_and_the_invited_person_accepts(app, demo_profile):
    owner = signed_in(app, "owner@example.ma")
    _own(app, demo_profile, "owner@example.ma")
    page = owner.get(MEMBERS)
    assert page.status_code == 200 and "owner" in page.text.lower()
    sent = submit(owner, "/fr/profiles/cooperative-nahla/members/invite",
                  {"email": "Karim@Example.org", "role": "editor"}, form_page=MEMBERS)
    assert sent.status_code == 302
    [invitation] = mails_to(app, "karim@example.org")
    link = link_in(invitation, "/invitations/")
    anonymous = app.test_client()
    assert anonymous.get(link).status_code == 200
    assert submit(anonymous, link, {}, form_page="/fr/account/login").status_code == 302
    invited = signed_in(app, "karim@example.org")
    assert submit(invited, link, {}).status_code == 302
    assert _roles(app, demo_profile) == {"owner@example.ma": "owner",
                                         "karim@example.org": "editor"}
    assert invited.get("/fr/profiles/cooperative-nahla/edit").status_code == 200
    assert invited.get(MEMBERS).status_code == 403  # editors do not manage members
    assert invited.get(link).status_code == 400  # used


def test_an_organisation_always_keeps_an_owner(app, demo_profile):
    owner = signed_in(app, "owner@example.ma")
    make_user(app, "editor@example.ma")
    _own(app, demo_profile, "owner@example.ma")
    _own(app, demo_profile, "editor@example.ma", MemberRole.EDITOR)
    with app.app_context():
        owner_id = db.session.scalar(sa.select(User.id).where(User.email == "owner@example.ma"))
        editor_id = db.session.scalar(sa.select(User.id).where(User.email == "editor@example.ma"))
    refused = submit(owner, f"/fr/profiles/cooperative-nahla/members/{owner_id}/remove", {},
                     form_page=MEMBERS)
    assert refused.status_code == 302
    assert "owner@example.ma" in _roles(app, demo_profile)
    demoted = submit(owner, f"/fr/profiles/cooperative-nahla/members/{owner_id}/role",
                     {"role": "editor"}, form_page=MEMBERS)
    assert demoted.status_code == 302
    assert _roles(app, demo_profile)["owner@example.ma"] == "owner"
    submit(owner, f"/fr/profiles/cooperative-nahla/members/{editor_id}/role",
           {"role": "owner"}, form_page=MEMBERS)
    submit(owner, f"/fr/profiles/cooperative-nahla/members/{owner_id}/remove", {},
           form_page=MEMBERS)
    assert _roles(app, demo_profile) == {"editor@example.ma": "owner"}


def test_a_cancelled_invitation_is_dead(app, demo_profile):
    owner = signed_in(app, "owner@example.ma")
    _own(app, demo_profile, "owner@example.ma")
    submit(owner, "/fr/profiles/cooperative-nahla/members/invite",
           {"email": "karim@example.org", "role": "owner"}, form_page=MEMBERS)
    link = link_in(mails_to(app, "karim@example.org")[0], "/invitations/")
    with app.app_context():
        invitation_id = db.session.scalar(sa.select(Invitation.id))
    submit(owner, f"/fr/profiles/cooperative-nahla/invitations/{invitation_id}/cancel", {},
           form_page=MEMBERS)
    invited = signed_in(app, "karim@example.org")
    assert invited.get(link).status_code == 400
    assert "karim@example.org" not in _roles(app, demo_profile)


def test_strangers_cannot_manage_members(app, demo_profile):
    stranger = signed_in(app, "stranger@example.org")
    assert stranger.get(MEMBERS).status_code == 403
    token = csrf_token(stranger, "/fr/account/")
    response = stranger.post("/fr/profiles/cooperative-nahla/members/invite",
                             data={"csrf_token": token, "email": "me@example.org",
                                   "role": "owner"})
    assert response.status_code == 403
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(Invitation.id))) == 0
    assert app.test_client().get(MEMBERS).status_code == 302


def test_permissions_follow_memberships_and_roles(app, demo_profile):
    make_user(app, "owner@example.ma")
    _own(app, demo_profile, "owner@example.ma")
    with app.app_context():
        profile = db.session.get(Profile, demo_profile)
        owner = db.session.scalar(sa.select(User).where(User.email == "owner@example.ma"))
        assert memberships.can_edit(owner, profile)
        assert memberships.can_manage_members(owner, profile)
        assert memberships.can_see(None, profile)  # published
        assert not memberships.can_edit(None, profile)
