"""People and the organisations they keep: accounts, memberships and invitations."""

from __future__ import annotations

import enum
import secrets
from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import JSON, Boolean, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from twinning.extensions import db
from twinning.models.types import AwareDateTime, str_enum, utcnow

if TYPE_CHECKING:
    from twinning.models.profile import Profile


class Role(enum.StrEnum):
    MEMBER = "member"
    MODERATOR = "moderator"
    ADMIN = "admin"


class MemberRole(enum.StrEnum):
    """What a person may do for an organisation: owners also manage its members."""

    OWNER = "owner"
    EDITOR = "editor"


def new_session_token() -> str:
    return secrets.token_urlsafe(32)


class User(db.Model):
    """An account. Flask-Login identifies it by ``session_token``, not by its id, so that a
    new password (or a reset) signs every other browser out, "remember me" cookies too."""

    __tablename__ = "user_account"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    password_hash: Mapped[str] = mapped_column(String(255))
    name: Mapped[str] = mapped_column(String(120))
    lang: Mapped[str] = mapped_column(String(8))
    role: Mapped[Role] = mapped_column(str_enum(Role), default=Role.MEMBER)
    # Marked by an admin: may keep profiles on behalf of organisations without internet.
    is_facilitator: Mapped[bool] = mapped_column(Boolean, default=False)
    session_token: Mapped[str] = mapped_column(String(64), unique=True,
                                               default=new_session_token)
    email_confirmed_at: Mapped[datetime | None] = mapped_column(AwareDateTime)
    consent_at: Mapped[datetime | None] = mapped_column(AwareDateTime)
    # Events the person asked not to receive by e-mail (one click in any notification).
    email_opt_outs: Mapped[list[str]] = mapped_column(JSON, default=list)
    created_at: Mapped[datetime] = mapped_column(AwareDateTime, default=utcnow)
    last_login_at: Mapped[datetime | None] = mapped_column(AwareDateTime)

    memberships: Mapped[list[Membership]] = relationship(
        back_populates="user", cascade="all, delete-orphan", passive_deletes=True
    )

    # What Flask-Login asks of a user object.
    is_active = True
    is_anonymous = False
    is_authenticated = True

    def get_id(self) -> str:
        return self.session_token

    @property
    def is_confirmed(self) -> bool:
        return self.email_confirmed_at is not None

    @property
    def is_moderator(self) -> bool:
        """Moderators and admins keep the directory trustworthy."""
        return self.role in (Role.MODERATOR, Role.ADMIN)

    @property
    def is_admin(self) -> bool:
        return self.role == Role.ADMIN

    @property
    def may_facilitate(self) -> bool:
        """May keep a profile on behalf of an organisation that has no internet access."""
        return self.is_facilitator or self.is_moderator

    def __repr__(self) -> str:
        return f"<User {self.id}>"


class Membership(db.Model):
    """A person who keeps an organisation's profile, as owner or editor.

    "At least one owner" is kept by ``memberships.service`` (removing or demoting the last
    owner is refused), not by the database: it is a rule over several rows that a CHECK
    cannot state, and it has a lawful exception a trigger would have to know too — a last
    owner who deletes their account leaves the organisation archived without an owner
    (editors included) until somebody takes it over, and imported profiles have no members
    at all.
    """

    __tablename__ = "membership"

    user_id: Mapped[int] = mapped_column(
        ForeignKey("user_account.id", ondelete="CASCADE"), primary_key=True
    )
    profile_id: Mapped[int] = mapped_column(
        ForeignKey("profile.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    role: Mapped[MemberRole] = mapped_column(str_enum(MemberRole))
    created_at: Mapped[datetime] = mapped_column(AwareDateTime, default=utcnow)

    user: Mapped[User] = relationship(back_populates="memberships")
    profile: Mapped[Profile] = relationship(back_populates="memberships")


class Invitation(db.Model):
    """An invitation to keep a profile, sent by e-mail or handed over as a link.

    ``handover`` marks a facilitator handing a profile to the organisation's own people:
    accepting it makes them owners and ends the facilitator's care.
    """

    __tablename__ = "invitation"
    __table_args__ = (UniqueConstraint("token_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    # A random part of the signed link, so that a cancelled invitation's link stays dead.
    token_id: Mapped[str] = mapped_column(String(32), default=lambda: secrets.token_hex(16))
    profile_id: Mapped[int] = mapped_column(ForeignKey("profile.id", ondelete="CASCADE"),
                                            index=True)
    email: Mapped[str | None] = mapped_column(String(254))
    role: Mapped[MemberRole] = mapped_column(str_enum(MemberRole))
    handover: Mapped[bool] = mapped_column(Boolean, default=False)
    invited_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL")
    )
    created_at: Mapped[datetime] = mapped_column(AwareDateTime, default=utcnow)
    accepted_at: Mapped[datetime | None] = mapped_column(AwareDateTime)
    accepted_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL")
    )

    profile: Mapped[Profile] = relationship()
    invited_by: Mapped[User | None] = relationship(foreign_keys=[invited_by_id])
