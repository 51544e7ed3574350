"""Writing and reading profiles: the functions views, the API, the CLI and tests call."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterable, Iterator
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass
from functools import cache

import sqlalchemy as sa
from slugify import slugify

from twinning import jobs, live_index, model_records
from twinning.extensions import db
from twinning.matching.records import ProfileRecord
from twinning.matching.text import normalise, normalise_all
from twinning.models import (
    ChangeAction,
    Profile,
    ProfileLanguage,
    ProfileStatus,
    ProfileTranslation,
    TaxonomyTerm,
)
from twinning.profiles import history, similarity
from twinning.profiles.exporter import to_interchange
from twinning.profiles.fields import BY_NAME, FIELDS, FieldKind
from twinning.profiles.interchange import ProfileData, Translation
from twinning.reference import territories
from twinning.reference.files import data_hash
from twinning.reference.sync import ensure_reference_data

SLUG_WORDS_LENGTH = 80
DEFAULT_IMPORT_STATUS = ProfileStatus.PUBLISHED
# Addresses of pages under /<lang>/profiles/ that no profile may take as its slug.
RESERVED_SLUGS = frozenset({"new"})
# Set when a profile is created or moderated, never copied over by an update.
HANDLED_APART = frozenset({"external_id", "slug", "status"})
# Bump when the code that makes the search fields or the name key changes: the next
# ``flask twinning reindex`` computes them again for every profile.
SEARCH_FIELDS_VERSION = "1"


@dataclass(frozen=True)
class ImportSummary:
    created: int
    updated: int


def save_records(records: Iterable[ProfileData], update_index: bool = True,
                 source: str | None = None,
                 progress: Callable[[int], None] | None = None) -> ImportSummary:
    """Upsert validated records by external_id, all in one transaction, then bring the
    matching index up to date. Changes to existing profiles go into their history, with
    ``source`` (the file's name). ``progress`` is told of each record saved.

    Any failure rolls the whole batch back, so a failed import writes nothing. Each text
    is read once, for the search fields and the index alike.
    """
    with model_records.reading_once():
        return _save_records(records, update_index, source, progress)


def _save_records(records: Iterable[ProfileData], update_index: bool, source: str | None,
                  progress: Callable[[int], None] | None) -> ImportSummary:
    ensure_reference_data()
    terms = _terms()
    created = updated = 0
    saved: list[Profile] = []
    try:
        for record in records:
            profile = db.session.scalar(
                sa.select(Profile).where(Profile.external_id == record.external_id)
            )
            if profile is None:
                profile = new_profile(record, record.status or DEFAULT_IMPORT_STATUS, terms)
                created += 1
            else:
                before = to_interchange(profile)
                if record.status is not None:
                    profile.status = record.status
                _apply(profile, record, terms)
                changed = history.changed_fields(before, to_interchange(profile))
                if changed:
                    history.record(profile, ChangeAction.IMPORTED, None, fields=changed,
                                   source=source)
                updated += 1
            saved.append(profile)
            db.session.flush()
            if progress is not None:
                progress(1)
        if update_index:  # commits, with the change logged: nobody sees one unheard of
            live_index.profiles_changed(saved)
        else:
            db.session.commit()
    except Exception:
        db.session.rollback()
        raise
    return ImportSummary(created=created, updated=updated)


def _terms() -> dict[str, TaxonomyTerm]:
    return {term.code: term for term in db.session.scalars(sa.select(TaxonomyTerm))}


def new_profile(record: ProfileData, status: ProfileStatus,
                terms: dict[str, TaxonomyTerm] | None = None) -> Profile:
    """A new profile from a validated record, added to the session (not committed)."""
    terms = terms or _terms()
    profile = Profile(external_id=record.external_id, status=status,
                      slug=_free_slug(record.slug or record.name))
    _apply(profile, record, terms)
    db.session.add(profile)
    db.session.flush()
    return profile


def apply_record(profile: Profile, record: ProfileData) -> None:
    """Copy a validated record onto an existing profile (not committed)."""
    _apply(profile, record, _terms())


def _apply(profile: Profile, record: ProfileData, terms: dict[str, TaxonomyTerm]) -> None:
    """Copy every declared field of ``record`` onto ``profile`` (identity and status apart).

    The search fields are computed again only when what they are made of changed (reading
    the text is the costly part): see :func:`search_source`."""
    for field in FIELDS:
        if field.name in HANDLED_APART:
            continue
        value = getattr(record, field.name)
        if field.kind == FieldKind.CODES:
            setattr(profile, field.model_attribute, [terms[code] for code in value])
        elif field.kind == FieldKind.LANGUAGES:
            _replace_languages(profile, value)
        elif field.kind == FieldKind.TRANSLATIONS:
            _replace_translations(profile, value)
        else:
            setattr(profile, field.model_attribute, value)
    read_as = model_records.record_from_profile(profile)
    source = search_source(read_as, profile.province, profile.city, profile.region)
    if source != profile.search_source:
        _search_fields_of(read_as, profile.province, profile.city,
                          profile.region).apply_to(profile)
        profile.search_source = source
        profile.name_key = similarity.name_key(profile.name)


def _replace_languages(profile: Profile, languages: list[str]) -> None:
    current = {language.lang: language for language in profile.languages}
    profile.languages = [
        current.get(lang) or ProfileLanguage(lang=lang) for lang in languages
    ]
    for position, language in enumerate(profile.languages):
        language.position = position


def _replace_translations(profile: Profile, versions: list[Translation]) -> None:
    current = {translation.lang: translation for translation in profile.translations}
    kept = []
    for version in versions:
        row = current.get(version.lang) or ProfileTranslation(lang=version.lang)
        row.text, row.origin = version.text, version.origin
        kept.append(row)
    profile.translations = kept


def _free_slug(wanted: str) -> str:
    """A slug no other profile has: Latin names give ASCII, Arabic names stay Arabic."""
    base = slugify(wanted, max_length=SLUG_WORDS_LENGTH, word_boundary=True)
    if not base or (not wanted.isascii() and _mostly_arabic(wanted)):
        base = slugify(wanted, max_length=SLUG_WORDS_LENGTH, word_boundary=True,
                       allow_unicode=True)
    base = (base or "profile")[: BY_NAME["slug"].max_length - 6]
    candidate, suffix = base, 1
    while candidate in RESERVED_SLUGS or _slug_taken(candidate):
        suffix += 1
        candidate = f"{base}-{suffix}"
    return candidate


def _mostly_arabic(text: str) -> bool:
    letters = [char for char in text if char.isalpha()]
    return sum("\u0600" <= char <= "\u06ff" for char in letters) * 2 > len(letters)


def _slug_taken(slug: str) -> bool:
    # autoflush makes profiles added earlier in this batch visible here too
    return db.session.scalar(sa.select(Profile.id).where(Profile.slug == slug)) is not None


@dataclass(frozen=True)
class SearchFields:
    """A profile's search columns, as :mod:`twinning.profiles.queries` searches them.

    The words are normalised and the codes kept as codes: a query word finds a code when a
    word of its labels or synonyms (in any of the four languages) starts with it, and a
    place the profile is in when a word of one of the place's spellings does (وجد, Wajd,
    Oujd all find the profiles in Oujda), which the query side works out from the taxonomy
    and the territories. Copying every label, synonym and spelling into each profile, as
    one search text did before, made the same few kilobytes a hundred thousand times
    over, and a new synonym meant rewriting every profile.
    """

    name: str  # the name's words
    given: str  # codes of its sectors, needs and offers, and of the places it is in
    read: str  # codes read in its texts that it did not give, and places they name
    text: str  # " words ": description, other versions, region, province, town
    places: str  # " code code ": places it is in or names (as before the split)

    def values(self) -> tuple[str, str, str, str, str]:
        return (self.name, self.given, self.read, self.text, self.places)

    def apply_to(self, profile: Profile) -> None:
        (profile.search_name, profile.search_given, profile.search_read, profile.search_text,
         profile.places) = self.values()

    @staticmethod
    def of(profile: Profile) -> tuple[str, str, str, str, str]:
        return (profile.search_name, profile.search_given, profile.search_read,
                profile.search_text, profile.places)


@cache
def _search_stamp() -> list[str]:
    """What every profile's search fields are made with, besides its own fields."""
    return [SEARCH_FIELDS_VERSION, model_records.tagger_stamp(), territories.content_hash(),
            data_hash(similarity.ORGANISATION_WORDS_FILE)]


def search_source(record: ProfileRecord, province: str | None, city: str | None,
                  region: str | None) -> str:
    """A fingerprint of everything a profile's search fields and name key are computed
    from: its own fields and the tagger, taxonomy and territories (:func:`_search_stamp`).
    Kept in ``Profile.search_source``, so that only the profiles whose fingerprint changed
    are read again."""
    payload = json.dumps([*_search_stamp(), record.name, record.country, province, city,
                          region, record.description, record.description_lang,
                          record.other_versions, record.sectors, record.needs, record.offers],
                         ensure_ascii=False)
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()[:32]


def search_fields(profile: Profile) -> SearchFields:
    """The search fields of ``profile``, reading its texts with the matching model's tagger
    (so that ``عسل`` finds a French honey cooperative, coded or not)."""
    return _search_fields_of(model_records.record_from_profile(profile), profile.province,
                             profile.city, profile.region)


def _search_fields_of(record: ProfileRecord, province: str | None, city: str | None,
                      region: str | None) -> SearchFields:
    read = model_records.read(record).tags
    return compose_search_fields(
        name=record.name, province=province, city=city, region=region,
        description=record.description,
        other_versions=[text for _lang, text in record.other_versions],
        given=[*record.sectors, *record.needs, *record.offers],
        read=[*read.sectors, *read.needs, *read.offers],
    )


def compose_search_fields(*, name: str, province: str | None, city: str | None,
                          region: str | None, description: str | None,
                          other_versions: Iterable[str], given: Iterable[str],
                          read: Iterable[str]) -> SearchFields:
    """The search fields from plain values and the codes read in the texts: what
    :func:`search_fields` does for one profile, and what a bulk load (bench/search.py)
    calls with the readings it already has."""
    versions = [text for text in other_versions if text]
    places: list[str] = []  # codes of the places it is in or names, in order of mention
    located: set[str] = set()  # the places it is in: its province and town, as given
    for position, text in enumerate((province, city, name, description, *versions)):
        for code in territories.places_in(text or ""):
            if code not in places:
                places.append(code)
            if position < 2:
                located.add(code)
    for place_name in (province, city):
        place = territories.resolve_town(place_name) or territories.resolve_province(place_name)
        if place is not None:
            located.add(place.code)
    in_places = sorted(located - set(places)) + [code for code in places if code in located]
    given_codes = [*dict.fromkeys(given), *in_places]
    read_codes = [*sorted(set(read) - set(given_codes)),
                  *(code for code in places if code not in located)]
    return SearchFields(
        name=normalise(name or ""),
        given=" ".join(given_codes),
        read=" ".join(read_codes),
        text=" " + normalise_all([city, region, province, description, *versions]) + " ",
        places=" " + " ".join(places) + " " if places else "",
    )


def refresh_search_fields(progress: Callable[[int], None] | None = None,
                          published: list[ProfileRecord] | None = None) -> int:
    """Compute the search fields and name key again of every profile whose fingerprint
    (:func:`search_source`) changed: its own fields, or the taxonomy, territories or tagger
    (``flask twinning reindex`` calls this); returns how many. Only those rows are read by
    the tagger and written (so only they go through the search index again); ``progress``
    is told of each profile gone through. The records of the published profiles are added
    to ``published`` when it is given: the index is rebuilt from them without reading the
    profiles a second time."""
    changed = 0
    pending: list[dict] = []
    for row, record in model_records.stored_records(
            sa.true(), Profile.province, Profile.city, Profile.region, Profile.search_source,
            Profile.updated_at, Profile.is_published.label("published")):
        if published is not None and row.published:
            published.append(record)
        source = search_source(record, row.province, row.city, row.region)
        if source != row.search_source:
            fields = _search_fields_of(record, row.province, row.city, row.region)
            pending.append(dict(zip(
                ("search_name", "search_given", "search_read", "search_text", "places"),
                fields.values(), strict=True),
                id=row.id, search_source=source, name_key=similarity.name_key(record.name),
                updated_at=row.updated_at))  # not a change of the profile
            changed += 1
        if len(pending) >= model_records.CHUNK:
            db.session.execute(sa.update(Profile), pending)
            pending.clear()
        if progress is not None:
            progress(1)
    if pending:
        db.session.execute(sa.update(Profile), pending)
    db.session.commit()
    return changed


@dataclass(frozen=True)
class Reindexed:
    refreshed: int  # profiles whose search fields changed
    indexed: int  # profiles in the rebuilt matching index


# A stage's progress: given the stage's name and its number of steps, a context whose value
# is called with each step done (the CLI's bar on a terminal).
Progress = Callable[[str, int], AbstractContextManager[Callable[[int], None]]]


@jobs.job
def reindex(progress: Progress | None = None) -> Reindexed:
    """``flask twinning reindex`` (cron, or a job on the queue): the search fields of the
    profiles that changed, then the matching index rebuilt from the published profiles.
    Only texts that changed (or were read with another taxonomy, lexicon or model) are
    read again, each once for both stages."""
    stage = progress or _no_progress
    with model_records.reading_once():
        published: list[ProfileRecord] = []  # read once, for both
        with stage("search_fields", count_profiles()) as advance:
            refreshed = refresh_search_fields(advance, published)
        with stage("matching_index", len(published)) as advance:
            index = live_index.rebuild(advance, published)
    return Reindexed(refreshed, len(index))


@contextmanager
def _no_progress(_stage: str, _steps: int) -> Iterator[Callable[[int], None]]:
    yield lambda _done: None


def get_by_slug(slug: str) -> Profile | None:
    """A profile in any state (its own people and moderators see the unpublished ones)."""
    return db.session.scalar(_by_slug(published_only=False), {"slug": slug})


def get_published(slug: str) -> Profile | None:
    return db.session.scalar(_by_slug(published_only=True), {"slug": slug})


@cache
def _by_slug(published_only: bool) -> sa.Select:
    """Made once: asked by every profile page and API call, where building the statement
    and its cache key cost about as much as running it."""
    statement = sa.select(Profile).where(Profile.slug == sa.bindparam("slug"))
    return statement.where(Profile.is_published) if published_only else statement


def find_by_reference(reference: str) -> Profile | None:
    """A profile by external_id or slug (the CLI accepts either)."""
    return db.session.scalar(
        sa.select(Profile).where(
            sa.or_(Profile.external_id == reference, Profile.slug == reference)
        )
    )


def all_profiles() -> list[Profile]:
    return list(db.session.scalars(
        sa.select(Profile)
        .options(*Profile.details_loaded())
        .order_by(Profile.id)
    ))


def count_profiles() -> int:
    return db.session.scalar(sa.select(sa.func.count(Profile.id))) or 0
