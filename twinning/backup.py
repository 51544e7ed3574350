"""Backing up and restoring the whole database, with each database's own tools.

SQLite: the online backup API (``sqlite3.Connection.backup``), which copies a consistent
snapshot while the site keeps running. PostgreSQL: ``pg_dump --format=custom`` and
``pg_restore`` in one transaction, started with argument lists (never a shell line) and
the password in ``PGPASSWORD`` rather than on a command line any user of the host can read.
``PG_BIN_DIR`` chooses the tools when those on the PATH are not the server's version.

A backup is written beside its target and renamed, so that a crash leaves no half file
under the name; a restore replaces nothing unless the database is empty or ``force`` says
so, checks the file first, and writes all or nothing.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import closing, contextmanager
from dataclasses import dataclass
from pathlib import Path

import sqlalchemy as sa
from flask_babel import gettext as _

PG_DUMP = "pg_dump"
PG_RESTORE = "pg_restore"
# What a restore reports, and what makes a database "not empty".
COUNTED_TABLES = ("profile", "user_account", "exchange")


class BackupError(Exception):
    """The backup or restore cannot be done; the message says why, and nothing was written."""


@dataclass(frozen=True)
class Contents:
    """How many profiles, accounts and exchanges a database holds (tables it lacks: 0)."""

    profiles: int
    accounts: int
    exchanges: int

    @property
    def empty(self) -> bool:
        return not (self.profiles or self.accounts or self.exchanges)


def contents(engine: sa.Engine) -> Contents:
    with engine.connect() as connection:
        present = set(sa.inspect(connection).get_table_names())
        counts = [connection.scalar(sa.text(f"SELECT count(*) FROM {table}"))
                  if table in present else 0 for table in COUNTED_TABLES]
    return Contents(*counts)


def backup(engine: sa.Engine, target: Path, pg_bin_dir: str = "") -> None:
    """Write a backup of the database behind ``engine`` to ``target``."""
    target = target.resolve()
    if not target.parent.is_dir():
        raise BackupError(_("The folder %(folder)s does not exist.", folder=target.parent))
    with _written_beside(target) as temporary:
        if engine.dialect.name == "sqlite":
            with closing(_sqlite(engine.url)) as source, \
                    closing(sqlite3.connect(temporary)) as copy:
                source.backup(copy)
        else:
            _run(pg_bin_dir, PG_DUMP, engine.url, ["--format=custom", "--no-owner",
                                                    "--no-privileges", f"--file={temporary}"])


def restore(engine: sa.Engine, source: Path, pg_bin_dir: str = "",
            force: bool = False) -> Contents:
    """Replace the database behind ``engine`` by the backup ``source``; returns what it
    holds now. Refuses a database holding profiles, accounts or exchanges unless ``force``."""
    if not source.is_file():
        raise BackupError(_("There is no file %(file)s.", file=source))
    before = contents(engine)
    if not before.empty and not force:
        raise BackupError(_(
            "The database already holds %(profiles)d profile(s), %(accounts)d account(s) and "
            "%(exchanges)d exchange(s): a restore would replace them. Nothing was changed; "
            "give --force to replace them.", profiles=before.profiles,
            accounts=before.accounts, exchanges=before.exchanges))
    engine.dispose()  # no pooled connection may keep reading the old database
    if engine.dialect.name == "sqlite":
        with closing(_sqlite_backup_file(source)) as backup_file, \
                closing(_sqlite(engine.url)) as database:
            backup_file.backup(database)
    else:
        _run(pg_bin_dir, PG_RESTORE, engine.url, ["--list", str(source)], connect=False,
             unreadable=_("%(file)s is not a backup pg_restore can read.", file=source))
        _run(pg_bin_dir, PG_RESTORE, engine.url, [
            "--clean", "--if-exists", "--single-transaction", "--exit-on-error", "--no-owner",
            "--no-privileges", str(source)])
    engine.dispose()
    return contents(engine)


def _sqlite(url: sa.URL) -> sqlite3.Connection:
    if not url.database or url.database == ":memory:":
        raise BackupError(_("An in-memory SQLite database cannot be backed up or restored."))
    return sqlite3.connect(url.database)


def _sqlite_backup_file(path: Path) -> sqlite3.Connection:
    """The backup opened read-only, after checking it is a whole SQLite file of this app."""
    connection = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
    try:
        healthy = connection.execute("PRAGMA quick_check").fetchone()[0] == "ok"
        ours = connection.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' "
                                  "AND name = 'profile'").fetchone()
    except sqlite3.DatabaseError:
        healthy = ours = False
    if not (healthy and ours):
        connection.close()
        raise BackupError(_("%(file)s is not a backup of this platform's SQLite database.",
                            file=path))
    return connection


@contextmanager
def _written_beside(target: Path) -> Iterator[str]:
    handle, temporary = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.")
    os.close(handle)
    try:
        yield temporary
        os.replace(temporary, target)
    finally:
        Path(temporary).unlink(missing_ok=True)


def _run(pg_bin_dir: str, tool: str, url: sa.URL, arguments: list[str],
         connect: bool = True, unreadable: str | None = None) -> None:
    """Run a PostgreSQL tool on the database of ``url``; its error output becomes the
    message (it never holds the password, which only the environment carries)."""
    executable = str(Path(pg_bin_dir) / tool) if pg_bin_dir else shutil.which(tool)
    if not executable or not Path(executable).is_file():
        raise BackupError(_("%(tool)s was not found: install PostgreSQL's client tools of the "
                            "server's version, or set PG_BIN_DIR.", tool=tool))
    command = [executable, *(_connection_arguments(url) if connect else []), *arguments]
    environment = {**os.environ, "PGPASSWORD": url.password or ""}
    finished = subprocess.run(command, env=environment, capture_output=True, text=True,
                              check=False)
    if finished.returncode != 0:
        raise BackupError(unreadable or _("%(tool)s failed: %(error)s", tool=tool,
                                          error=finished.stderr.strip()))


def _connection_arguments(url: sa.URL) -> list[str]:
    given = {"--host": url.host, "--port": url.port, "--username": url.username,
             "--dbname": url.database}
    return [f"{option}={value}" for option, value in given.items() if value]
