"""Profiles written through the site: checked by the importer's own rules, read by the
matching model while they are written, created pending (or published at once when a
facilitator keeps them), edited with every change in the history.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from typing import Any

from twinning import live_index, model_records
from twinning.extensions import db
from twinning.matching.records import ProfileRecord, Tags
from twinning.matching.text import detect_language
from twinning.memberships import service as memberships
from twinning.models import ChangeAction, Profile, ProfileStatus, User
from twinning.profiles import history, service, similarity
from twinning.profiles.exporter import to_interchange
from twinning.profiles.interchange import FieldError, ProfileData, validate_record

FORM_SOURCE = "form"
# Changed by moderation, never by the people who keep a profile.
NOT_EDITED = ("status", "slug", "external_id")


@dataclass(frozen=True)
class DraftReading:
    """What the site reads from a profile being written, before anything is saved."""

    language: str | None  # the description's, detected
    tags: Tags  # sectors, needs and offers read from the texts
    similar: list[similarity.SimilarProfile]


def new_external_id() -> str:
    """Profiles created on the site get an identifier of their own, so that exports and
    imports can refer to them like to any other."""
    return f"web-{secrets.token_hex(6)}"


def check(raw: dict[str, Any], profile: Profile | None) -> tuple[ProfileData | None,
                                                                 list[FieldError]]:
    """The importer's validation, on a submitted form (never a second set of rules)."""
    values = {name: value for name, value in raw.items() if name not in NOT_EDITED}
    values["external_id"] = (profile.external_id if profile else None) or new_external_id()
    return validate_record(values, FORM_SOURCE, 0)


def read_draft(raw: dict[str, Any], user: User, exclude: Profile | None = None) -> DraftReading:
    """Detect the description's language, read sectors, needs and offers from the texts
    (the matching model's tagger) and look for profiles that already exist."""
    description = raw.get("description") or ""
    versions = tuple((version["lang"], version["text"])
                     for version in raw.get("translations") or () if version.get("text"))
    detected = detect_language(description)
    record = ProfileRecord(
        key="draft", name=raw.get("name") or "", kind=raw.get("kind") or "",
        country=(raw.get("country") or "").upper(), description=description,
        description_lang=raw.get("description_lang") or detected, other_versions=versions,
    )
    tags = model_records.tagger().read(record).tags if record.texts() else Tags()
    similar = similarity.similar_profiles(raw.get("name") or "", description,
                                          exclude=exclude.id if exclude else None,
                                          published_only=not user.is_moderator)
    return DraftReading(detected, tags, similar)


def create(data: ProfileData, user: User, on_behalf: bool = False) -> Profile:
    """A profile submitted by ``user``, who becomes its owner. It waits for a moderator,
    unless a facilitator (or a moderator) keeps it on behalf of an organisation without
    internet access: then it is published at once and says who keeps it."""
    kept_for_others = on_behalf and user.may_facilitate
    status = ProfileStatus.PUBLISHED if kept_for_others else ProfileStatus.PENDING
    try:
        profile = service.new_profile(data, status)
        profile.submitted_by_id = user.id
        profile.kept_by_facilitator = kept_for_others
        memberships.add_owner(profile, user)
        action = ChangeAction.CREATED if kept_for_others else ChangeAction.SUBMITTED
        history.record(profile, action, user,
                       fields=history.changed_fields({}, to_interchange(profile)))
        _commit(profile)
    except Exception:
        db.session.rollback()
        raise
    return profile


def _commit(profile: Profile) -> None:
    """Commit the change; a published profile's with its row in the change log, so that
    no process sees it without hearing of it."""
    if profile.is_published:
        live_index.profiles_changed([profile])
    else:
        db.session.commit()


def update(profile: Profile, data: ProfileData, user: User) -> list[str]:
    """Apply an edit; returns the names of the fields that changed (none: nothing is
    recorded). A published profile stays published and moderators are shown the edit;
    a rejected one goes back to the moderators' queue."""
    before = to_interchange(profile)
    try:
        service.apply_record(profile, data)
        changed = {name: values for name, values in
                   history.changed_fields(before, to_interchange(profile)).items()
                   if name not in NOT_EDITED}
        if not changed:
            db.session.rollback()
            return []
        if profile.status == ProfileStatus.REJECTED:
            profile.status = ProfileStatus.PENDING
        history.record(profile, ChangeAction.EDITED, user, fields=changed,
                       needs_review=profile.is_published and not user.is_moderator)
        _commit(profile)
    except Exception:
        db.session.rollback()
        raise
    return list(changed)
