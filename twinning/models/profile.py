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
    # The countries of the published profiles, read value by value (profiles/facets.py).
    __table_args__ = (
        sa.Index("ix_profile_status_country", "status", "country"),
        sa.CheckConstraint("latitude IS NULL OR latitude BETWEEN -90 AND 90",
                           name="latitude_range"),
        sa.CheckConstraint("longitude IS NULL OR longitude BETWEEN -180 AND 180",
                           name="longitude_range"),
    )

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
    # What the directory search reads, normalised by the app (matching/text.py) and kept
    # apart so that results can be ranked: a hit in the name first, then in the given codes,
    # then in the codes read from the text, then in the text. The database's full-text index
    # is built from these columns (see "the search index" below, and profiles/queries.py).
    # The name's words.
    search_name: Mapped[str] = mapped_column(Text, default="", server_default="")
    # Codes of its sectors, needs and offers (a word of any label or synonym finds them),
    # and of the places it is in (its province and town).
    search_given: Mapped[str] = mapped_column(Text, default="", server_default="")
    # Codes the matching model reads in its texts and that it did not give, and of the
    # places its name or texts name (and it is not in).
    search_read: Mapped[str] = mapped_column(Text, default="", server_default="")
    # Its other words: description, other-language versions, region, province, town (the
    # profile similarity check reads it too).
    search_text: Mapped[str] = mapped_column(Text, default="")
    # Codes of the Oriental's places the profile is in or mentions, space-delimited, so that
    # every spelling of a place (وجدة / Oujda / Wajda) finds exactly the same profiles.
    places: Mapped[str] = mapped_column(Text, default="", server_default="")
    # The name's letters reduced to a script-free skeleton (النحلة and Nahla give the same),
    # so that a new profile can be warned of one that already exists under another spelling.
    name_key: Mapped[str] = mapped_column(String(200), default="", server_default="",
                                          index=True)
    # A fingerprint of what the search fields were computed from (the profile's own fields,
    # the tagger, taxonomy and territories they were read with): they are computed again
    # only when it changes (profiles/service.py, ``search_source``).
    search_source: Mapped[str] = mapped_column(String(64), default="", server_default="")
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
    # Indexed on its own so that the directory lists the languages without reading them all.
    lang: Mapped[str] = mapped_column(String(8), primary_key=True, index=True)
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


# ----- the search index: each database's own full-text machinery -------------------------
# It holds the published profiles only (the directory and the API search nothing else), so
# that a count or a page of results never has to visit the profile table.
# SQLite: a contentless FTS5 table, one column per search column, kept in step by triggers
# that fire only when the status or a search column is written. Prefixes of one and two
# letters have their own index: a short word ("de", "al") starts thousands of others.
# PostgreSQL: a narrow table of four tsvectors with one GIN index over them, kept in step
# by a trigger function. No weights: a search by field is a search in that column, and a
# tsquery without weights needs no recheck of the row. No positions either (``strip``):
# nothing reads them, and every row an index scan visits is the smaller for it.
# The app has normalised and stemmed the words already, so neither database changes them:
# FTS5's unicode61 tokenizer keeps "_" and "-" inside a token, as the app's \w+ words and the
# codes ("olive_oil", "oujda-angad") need; PostgreSQL's parser would split there, so its
# 'simple' configuration reads the text with "_" and "-" taken out ("oujdaangad").
# Neither can be described by the models: create_all gets them from the listeners below,
# migration 0005 creates the same, and Alembic leaves them out of its comparison
# (``described_by_models``).
SEARCH_COLUMNS = ("search_name", "search_given", "search_read", "search_text")
FTS_TABLE = "profile_fts"
SEARCH_TABLE = "profile_search"
PUBLISHED = ProfileStatus.PUBLISHED.value

_columns = ", ".join(SEARCH_COLUMNS)
_new = ", ".join(f"new.{column}" for column in SEARCH_COLUMNS)
_old = ", ".join(f"old.{column}" for column in SEARCH_COLUMNS)
SQLITE_SEARCH_DDL = (
    f"CREATE VIRTUAL TABLE {FTS_TABLE} USING fts5({_columns}, content='', columnsize=0, "
    "detail=column, prefix='1 2', tokenize=\"unicode61 remove_diacritics 0 tokenchars '-_'\")",
    f"CREATE TRIGGER {FTS_TABLE}_insert AFTER INSERT ON profile "
    f"WHEN new.status = '{PUBLISHED}' BEGIN "
    f"INSERT INTO {FTS_TABLE}(rowid, {_columns}) VALUES (new.id, {_new}); END",
    f"CREATE TRIGGER {FTS_TABLE}_delete AFTER DELETE ON profile "
    f"WHEN old.status = '{PUBLISHED}' BEGIN "
    f"INSERT INTO {FTS_TABLE}({FTS_TABLE}, rowid, {_columns}) "
    f"VALUES ('delete', old.id, {_old}); END",
    f"CREATE TRIGGER {FTS_TABLE}_update AFTER UPDATE OF status, {_columns} ON profile BEGIN "
    f"INSERT INTO {FTS_TABLE}({FTS_TABLE}, rowid, {_columns}) "
    f"SELECT 'delete', old.id, {_old} WHERE old.status = '{PUBLISHED}'; "
    f"INSERT INTO {FTS_TABLE}(rowid, {_columns}) "
    f"SELECT new.id, {_new} WHERE new.status = '{PUBLISHED}'; END",
)
_vectors = ", ".join(f"strip(to_tsvector('simple', translate(new.{column}, '-_', '')))"
                     for column in SEARCH_COLUMNS)
POSTGRESQL_SEARCH_DDL = (
    f"CREATE TABLE {SEARCH_TABLE} ("
    "profile_id integer PRIMARY KEY REFERENCES profile (id) ON DELETE CASCADE, "
    "name tsvector NOT NULL, given tsvector NOT NULL, read tsvector NOT NULL, "
    "words tsvector NOT NULL)",
    f"CREATE INDEX ix_{SEARCH_TABLE} ON {SEARCH_TABLE} USING gin (name, given, read, words)",
    f"CREATE OR REPLACE FUNCTION {SEARCH_TABLE}_sync() RETURNS trigger LANGUAGE plpgsql AS $$ "
    f"BEGIN DELETE FROM {SEARCH_TABLE} WHERE profile_id = new.id; "
    f"IF new.status = '{PUBLISHED}' THEN "
    f"INSERT INTO {SEARCH_TABLE} VALUES (new.id, {_vectors}); "
    "END IF; RETURN NULL; END $$",
    f"CREATE TRIGGER {SEARCH_TABLE}_sync AFTER INSERT OR UPDATE OF status, {_columns} "
    f"ON profile FOR EACH ROW EXECUTE FUNCTION {SEARCH_TABLE}_sync()",
)

for _statement in SQLITE_SEARCH_DDL:
    sa.event.listen(Profile.__table__, "after_create",
                    sa.DDL(_statement).execute_if(dialect="sqlite"))
for _statement in POSTGRESQL_SEARCH_DDL:
    sa.event.listen(Profile.__table__, "after_create",
                    sa.DDL(_statement).execute_if(dialect="postgresql"))
# The triggers go with the profile table; the index would stay behind (PostgreSQL would not
# even drop the profile table under it).
sa.event.listen(Profile.__table__, "before_drop",
                sa.DDL(f"DROP TABLE IF EXISTS {FTS_TABLE}").execute_if(dialect="sqlite"))
sa.event.listen(Profile.__table__, "before_drop",
                sa.DDL(f"DROP TABLE IF EXISTS {SEARCH_TABLE}").execute_if(dialect="postgresql"))
sa.event.listen(Profile.__table__, "after_drop",
                sa.DDL(f"DROP FUNCTION IF EXISTS {SEARCH_TABLE}_sync()")
                .execute_if(dialect="postgresql"))


def described_by_models(name: str | None, type_: str, parent_names: dict) -> bool:
    """Alembic's ``include_name``: False for the search index's own tables (the FTS5 table
    and its shadow tables, the PostgreSQL search table), which the models cannot describe,
    so that comparing the database with the models leaves them out."""
    if type_ == "table":
        return not (name in (FTS_TABLE, SEARCH_TABLE) or (name or "").startswith(f"{FTS_TABLE}_"))
    return True
