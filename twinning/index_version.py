"""The matching index's version, kept in the database so that several app servers (each
with its own index, on its own host) stay in step request by request.

Every change that touches the index appends rows to ``index_change`` (the profiles changed;
an empty row for a rebuild); the largest id is the version. A process remembers the version
its index reflects, and before answering compares it with the database's (one indexed
query) and applies only the profiles changed since. Saved index files carry the version
they reflect in a file beside them, so a process that loads them knows where to go on from.

``flask twinning prune`` deletes the rows older than ``INDEX_CHANGE_KEEP_DAYS`` but never
the newest, so the version never goes back. A process whose version is older than what was
deleted cannot apply a delta (it would miss the deleted changes): :func:`changed_since`
says so, and the process loads its index afresh instead.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import sqlalchemy as sa
from flask import has_request_context

from twinning import session_memo
from twinning.extensions import db
from twinning.matching.storage import atomic_write
from twinning.models import IndexChange, Profile

VERSION_FILE = "version"


def record(profiles: Iterable[Profile]) -> None:
    """Note that these profiles changed (in the caller's transaction)."""
    db.session.add_all(IndexChange(profile_id=profile.id, slug=profile.slug)
                       for profile in profiles)


def record_rebuild() -> None:
    db.session.add(IndexChange())
    db.session.commit()


def latest_column() -> sa.ScalarSelect:
    """The version as a column, for a query that reads it with something else."""
    return sa.select(sa.func.max(IndexChange.id)).scalar_subquery()


def latest() -> int:
    return db.session.scalar(sa.select(latest_column())) or 0


_REQUEST_KEY = "index_version"


def latest_in_request() -> int:
    """:func:`latest`, read once per request (or taken from the query that loaded the
    signed-in reader, :func:`note_latest`) and read again after the request writes a
    change of its own (:mod:`twinning.session_memo`). Every remembered answer and every
    look at the matching index asks for it, so a page costs one query for all of them.
    Outside a request (a command runs long and must see other processes' changes) it is
    read every time."""
    if not has_request_context():
        return latest()
    return session_memo.read_once(_REQUEST_KEY, latest)


def note_latest(version: int | None) -> None:
    if has_request_context():
        session_memo.note(_REQUEST_KEY, version or 0)


@dataclass(frozen=True)
class Changes:
    """What changed after a version: the newest version and the profiles (id → slug), or
    ``missed``: pruning deleted changes after that version, so no delta can be complete."""

    newest: int
    profiles: dict[int, str]
    missed: bool


def changed_since(version: int) -> Changes:
    """The changes after ``version``, read in one query with the log's oldest row: when
    that row comes after ``version + 1``, rows this version never saw may have been pruned
    (or a sequence skipped ids: loading afresh then is merely unneeded)."""
    oldest = sa.select(sa.func.min(IndexChange.id)).scalar_subquery()
    rows = db.session.execute(sa.select(IndexChange.id, IndexChange.profile_id,
                                        IndexChange.slug)
                              .where(sa.or_(IndexChange.id > version, IndexChange.id == oldest))
                              .order_by(IndexChange.id)).all()
    missed = bool(rows) and rows[0].id > version + 1
    newer = [row for row in rows if row.id > version]
    return Changes(newest=newer[-1].id if newer else version,
                   profiles={row.profile_id: row.slug for row in newer
                             if row.profile_id is not None},
                   missed=missed)


def prune(older_than: datetime) -> int:
    """Delete the rows written before ``older_than`` except the newest (the version, which
    SQLite would otherwise hand out again); how many went."""
    deleted = db.session.execute(
        sa.delete(IndexChange).where(IndexChange.created_at < older_than,
                                     IndexChange.id < latest())).rowcount
    db.session.commit()
    return deleted


def read_file(folder: Path) -> int:
    """The version saved index files reflect (0 when unknown: every change is applied)."""
    try:
        return int((folder / VERSION_FILE).read_text(encoding="ascii"))
    except (OSError, ValueError):
        return 0


def write_file(folder: Path, version: int) -> None:
    """Written after the index files, read before them: a reader may apply a change twice
    (harmless) but never miss one."""
    atomic_write(folder / VERSION_FILE, lambda stream: stream.write(str(version).encode()))
