"""The matching index's version, kept in the database so that several app servers (each
with its own index, on its own host) stay in step request by request.

Every change that touches the index appends rows to ``index_change`` (the profiles changed;
an empty row for a rebuild); the largest id is the version. A process remembers the version
its index reflects, and before answering compares it with the database's (one indexed
query) and applies only the profiles changed since. Saved index files carry the version
they reflect in a file beside them, so a process that loads them knows where to go on from.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

import sqlalchemy as sa

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


def latest() -> int:
    return db.session.scalar(sa.select(sa.func.max(IndexChange.id))) or 0


def changed_since(version: int) -> tuple[int, dict[int, str]]:
    """The newest version, and the profiles (id → slug) changed after ``version``."""
    rows = db.session.execute(sa.select(IndexChange.id, IndexChange.profile_id,
                                        IndexChange.slug)
                              .where(IndexChange.id > version).order_by(IndexChange.id)).all()
    changed = {row.profile_id: row.slug for row in rows if row.profile_id is not None}
    return (rows[-1].id if rows else version), changed


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
