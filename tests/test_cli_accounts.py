"""``flask twinning create-user``: confirmed accounts made by an administrator."""

from __future__ import annotations

import sqlalchemy as sa
from site_helpers import PASSWORD, log_in

from twinning.extensions import db
from twinning.models import MemberRole, Membership, User


def _user(app, email: str) -> User | None:
    with app.app_context():
        user = db.session.scalar(sa.select(User).where(User.email == email))
        if user is not None:
            db.session.expunge(user)
        return user


def test_create_user_reads_the_password_from_standard_input(app, runner, demo_profile):
    result = runner.invoke(args=["twinning", "create-user", "Mod@Example.org", "--role",
                                 "moderator", "--name", "Mina", "--lang", "ar", "--owner",
                                 "coop-nahla"], input=PASSWORD + "\n")
    assert result.exit_code == 0, result.output
    user = _user(app, "mod@example.org")
    assert user.role.value == "moderator" and user.name == "Mina" and user.lang == "ar"
    assert user.is_confirmed
    with app.app_context():
        membership = db.session.get(Membership, (user.id, demo_profile))
        assert membership.role == MemberRole.OWNER
    assert log_in(app.test_client(), "mod@example.org").status_code == 302


def test_create_user_refuses_what_the_site_refuses(app, runner, demo_profile):
    weak = runner.invoke(args=["twinning", "create-user", "a@example.org"], input="short\n")
    assert weak.exit_code != 0 and "password" in weak.output
    unknown = runner.invoke(args=["twinning", "create-user", "b@example.org", "--owner",
                                  "no-such-profile"], input=PASSWORD + "\n")
    assert unknown.exit_code != 0 and "no-such-profile" in unknown.output
    assert _user(app, "b@example.org") is None
    runner.invoke(args=["twinning", "create-user", "c@example.org"], input=PASSWORD + "\n")
    again = runner.invoke(args=["twinning", "create-user", "c@example.org"],
                          input=PASSWORD + "\n")
    assert again.exit_code != 0 and "already has an account" in again.output
    bad_role = runner.invoke(args=["twinning", "create-user", "d@example.org", "--role",
                                   "king"], input=PASSWORD + "\n")
    assert bad_role.exit_code != 0
