"""Organisation profiles: who they are, where, what they do, need and offer."""

from __future__ import annotations

import enum
from datetime import datetime
from typing import TYPE_CHECKING

import sqlalchemy as sa
from sqlalchemy import (
    Boolean,
    Column,
    Float,
    ForeignKey,
    Integer,
    String,
    Table,
    Text,
    UniqueConstraint,
)
from sqlalchemy.ext.hybrid import hybrid_property
from sqlalchemy.orm import Mapped, mapped_column, relationship, selectinload

from twinning.extensions import db
from twinning.models.taxonomy import TaxonomyTerm
from twinning.models.types import AwareDateTime, str_enum, utcnow

if TYPE_CHECKING:
    from twinning.models.account import Membership


class OrganisationKind(enum.StrEnum):
    COOPERATIVE = "cooperative"
    LOCAL_AUTHORITY = "local_authority"
    ASSOCIATION = "association"
    FEDERATION = "federation"
    FAIR_TRADE = "fair_trade"
    RESEARCH_TRAINING = "research_training"
    PUBLIC_AGENCY = "public_agency"


class ProfileStatus(enum.StrEnum):
    DRAFT = "draft"
    PENDING = "pending"
    PUBLISHED = "published"
    REJECTED = "rejected"
    ARCHIVED = "archived"


class TextOrigin(enum.StrEnum):
    """Who wrote another-language version of a description."""

    ORGANISATION = "organisation"
    TRANSLATION = "translation"


def _term_link_table(role: str) -> Table:
    """A many-to-many table between profiles and taxonomy terms for one role."""
    return Table(
        f"profile_{role}",
        db.metadata,
        Column("profile_id", ForeignKey("profile.id", ondelete="CASCADE"), primary_key=True),
        Column("term_id", ForeignKey("taxonomy_term.id", ondelete="RESTRICT"), primary_key=True),
    )


profile_sector = _term_link_table("sector")
profile_need = _term_link_table("need")
profile_offer = _term_link_table("offer")


class Profile(db.Model):
    __tablename__ = "profile"

    id: Mapped[int] = mapped_column(primary_key=True)
    external_id: Mapped[str | None] = mapped_column(String(100), unique=True)
    slug: Mapped[str] = mapped_column(String(120), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[OrganisationKind] = mapped_column(str_enum(OrganisationKind), index=True)
    country: Mapped[str] = mapped_column(String(2), index=True)
    region: Mapped[str | None] = mapped_column(String(120))
    province: Mapped[str | None] = mapped_column(String(120), index=True)
    city: Mapped[str | None] = mapped_column(String(120))
    latitude: Mapped[float | None] = mapped_column(Float)
    longitude: Mapped[float | None] = mapped_column(Float)
    description: Mapped[str] = mapped_column(Text, default="")
    description_lang: Mapped[str | None] = mapped_column(String(8))
    members: Mapped[int | None] = mapped_column(Integer)
    founded: Mapped[int | None] = mapped_column(Integer)
    website: Mapped[str | None] = mapped_column(String(300))
    email: Mapped[str | None] = mapped_column(String(254))
    phone: Mapped[str | None] = mapped_column(String(40))
    status: Mapped[ProfileStatus] = mapped_column(
        str_enum(ProfileStatus), default=ProfileStatus.DRAFT, index=True
    )
    # Normalised text of the profile and the labels of its terms in every language,
    # so that a search in one language finds profiles written in another.
    search_text: Mapped[str] = mapped_column(Text, default="")
    # Codes of the Oriental's places the profile is in or mentions, space-delimited, so that
    # every spelling of a place (وجدة / Oujda / Wajda) finds exactly the same profiles.
    places: Mapped[str] = mapped_column(Text, default="", server_default="")
    # The name's letters reduced to a script-free skeleton (النحلة and Nahla give the same),
    # so that a new profile can be warned of one that already exists under another spelling.
    name_key: Mapped[str] = mapped_column(String(200), default="", server_default="",
                                          index=True)
    # Kept by a facilitator on behalf of an organisation without internet access.
    kept_by_facilitator: Mapped[bool] = mapped_column(Boolean, default=False,
                                                      server_default=sa.false())
    submitted_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL")
    )
    created_at: Mapped[datetime] = mapped_column(AwareDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(AwareDateTime, default=utcnow, onupdate=utcnow)

    languages: Mapped[list[ProfileLanguage]] = relationship(
        back_populates="profile",
        cascade="all, delete-orphan",
        order_by="ProfileLanguage.position",
    )
    translations: Mapped[list[ProfileTranslation]] = relationship(
        back_populates="profile",
        cascade="all, delete-orphan",
        order_by="ProfileTranslation.lang",
    )
    sectors: Mapped[list[TaxonomyTerm]] = relationship(
        secondary=profile_sector, order_by=TaxonomyTerm.position
    )
    needs: Mapped[list[TaxonomyTerm]] = relationship(
        secondary=profile_need, order_by=TaxonomyTerm.position
    )
    offers: Mapped[list[TaxonomyTerm]] = relationship(
        secondary=profile_offer, order_by=TaxonomyTerm.position
    )
    memberships: Mapped[list[Membership]] = relationship(
        back_populates="profile", cascade="all, delete-orphan", passive_deletes=True
    )

    @classmethod
    def details_loaded(cls) -> tuple:
        """Loader options that fetch every collection of many profiles in a few queries."""
        return (
            selectinload(cls.languages),
            selectinload(cls.translations),
            selectinload(cls.sectors),
            selectinload(cls.needs),
            selectinload(cls.offers),
        )

    @hybrid_property
    def is_published(self) -> bool:
        """In the directory, the API and suggestions: the one "published only" condition,
        usable on a profile and in a query (``select(Profile).where(Profile.is_published)``)."""
        return self.status == ProfileStatus.PUBLISHED

    @property
    def language_codes(self) -> list[str]:
        return [language.lang for language in self.languages]

    def __repr__(self) -> str:
        return f"<Profile {self.slug}>"


class ProfileLanguage(db.Model):
    """A working language (ISO 639-1), in the order the organisation listed them."""

    __tablename__ = "profile_language"

    profile_id: Mapped[int] = mapped_column(
        ForeignKey("profile.id", ondelete="CASCADE"), primary_key=True
    )
    lang: Mapped[str] = mapped_column(String(8), primary_key=True)
    position: Mapped[int] = mapped_column(default=0)

    profile: Mapped[Profile] = relationship(back_populates="languages")


class ProfileTranslation(db.Model):
    """Another-language version of the description, marked by who wrote it."""

    __tablename__ = "profile_translation"
    __table_args__ = (UniqueConstraint("profile_id", "lang"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    profile_id: Mapped[int] = mapped_column(ForeignKey("profile.id", ondelete="CASCADE"))
    lang: Mapped[str] = mapped_column(String(8))
    text: Mapped[str] = mapped_column(Text)
    origin: Mapped[TextOrigin] = mapped_column(str_enum(TextOrigin))

    profile: Mapped[Profile] = relationship(back_populates="translations")
