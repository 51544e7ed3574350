"""``flask twinning backup PATH`` and ``flask twinning restore PATH``."""

from __future__ import annotations

from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext
from flask_babel import gettext as _

from twinning import backup
from twinning.extensions import db


def _database() -> str:
    """The database named for people: never its password."""
    return db.engine.url.render_as_string(hide_password=True)


@click.command("backup")
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
@with_appcontext
def backup_command(path: Path) -> None:
    """Write a backup of the whole database to PATH (SQLite file or pg_dump custom format)."""
    try:
        backup.backup(db.engine, path, current_app.config["PG_BIN_DIR"])
    except backup.BackupError as error:
        raise click.ClickException(str(error)) from error
    click.echo(_("Backup of %(database)s written to %(file)s.", database=_database(),
                 file=path))


@click.command("restore")
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--force", is_flag=True, help="Replace a database that holds data.")
@with_appcontext
def restore_command(path: Path, force: bool) -> None:
    """Replace the database by the backup PATH (refuses one that holds data, unless --force).

    Then run ``flask db upgrade`` (an older backup) and ``flask twinning reindex``."""
    try:
        now = backup.restore(db.engine, path, current_app.config["PG_BIN_DIR"], force)
    except backup.BackupError as error:
        raise click.ClickException(str(error)) from error
    click.echo(_("%(database)s restored from %(file)s: it holds %(profiles)d profile(s), "
                 "%(accounts)d account(s) and %(exchanges)d exchange(s). Run flask db upgrade "
                 "and flask twinning reindex next.", database=_database(), file=path,
                 profiles=now.profiles, accounts=now.accounts, exchanges=now.exchanges))
