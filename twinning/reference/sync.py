"""Mirror the reference data files into the database, only when they changed."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy import orm

from twinning.extensions import db
from twinning.models import ReferenceState, TaxonomyTerm, TermKind, Territory
from twinning.models.profile import profile_need, profile_offer, profile_sector
from twinning.reference import taxonomy, territories


class ReferenceDataError(RuntimeError):
    """The data file drops a code that profiles still use."""


def ensure_reference_data() -> bool:
    """Sync the taxonomy and territories if their files changed; True when anything was written.

    Cheap when nothing changed (two primary-key reads), so every command that needs the
    reference data calls it: they work right after ``flask db upgrade`` with no extra step.
    """
    changed = False
    if _stored_hash("taxonomy") != taxonomy.content_hash():
        sync_taxonomy()
        changed = True
    if _stored_hash("territories") != territories.content_hash():
        sync_territories()
        changed = True
    if changed:
        db.session.commit()
    return changed


def _stored_hash(name: str) -> str | None:
    state = db.session.get(ReferenceState, name)
    return state.content_hash if state else None


def _record_hash(name: str, content_hash: str) -> None:
    state = db.session.get(ReferenceState, name) or ReferenceState(name=name)
    state.content_hash = content_hash
    db.session.add(state)


def sync_taxonomy() -> dict[str, int]:
    """Upsert every term of the file; remove terms the file dropped if no profile uses them."""
    existing = {term.code: term for term in db.session.scalars(
        sa.select(TaxonomyTerm).options(orm.undefer(TaxonomyTerm.labels),
                                          orm.undefer(TaxonomyTerm.synonyms)))}
    counts = {"added": 0, "updated": 0, "removed": 0}
    for position, data in enumerate(taxonomy.terms()):
        term = existing.pop(data.code, None)
        if term is None:
            term = TaxonomyTerm(code=data.code)
            db.session.add(term)
            counts["added"] += 1
        elif (term.kind, term.labels, term.synonyms, term.position) != (
            TermKind(data.kind),
            data.labels,
            data.synonyms,
            position,
        ):
            counts["updated"] += 1
        term.kind = TermKind(data.kind)
        term.position = position
        term.labels = data.labels
        term.synonyms = data.synonyms
    for code, term in existing.items():
        if _term_in_use(term):
            raise ReferenceDataError(
                f"taxonomy code {code!r} was removed from {taxonomy.TAXONOMY_FILE} "
                "but profiles still use it; codes may be added, never renamed or removed"
            )
        db.session.delete(term)
        counts["removed"] += 1
    _record_hash("taxonomy", taxonomy.content_hash())
    db.session.flush()
    return counts


def _term_in_use(term: TaxonomyTerm) -> bool:
    return any(
        db.session.scalar(sa.select(sa.func.count()).where(table.c.term_id == term.id))
        for table in (profile_sector, profile_need, profile_offer)
    )


def sync_territories() -> dict[str, int]:
    """Replace the territory rows with the file's (profiles refer to them by code only)."""
    wanted = territories.places()
    existing = {place.code: place for place in db.session.scalars(sa.select(Territory))}
    for position, place in enumerate(wanted):
        row = existing.pop(place.code, None) or Territory(code=place.code)
        row.level = place.level
        row.parent_code = place.parent_code
        row.position = position
        row.names = place.names
        row.variants = list(place.variants)
        row.latitude = place.latitude
        row.longitude = place.longitude
        db.session.add(row)
    db.session.flush()
    for row in existing.values():
        db.session.delete(row)
    _record_hash("territories", territories.content_hash())
    db.session.flush()
    return {"places": len(wanted), "removed": len(existing)}
