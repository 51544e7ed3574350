"""``flask twinning …``: import, export, demo data, taxonomy sync and statistics."""

from __future__ import annotations

import json
import os
import sys
import tempfile
from pathlib import Path

import click
from flask.cli import with_appcontext
from flask_babel import gettext as _

from twinning import live_index
from twinning.cli.progress import progress_bar
from twinning.exchanges import demo as exchanges_demo
from twinning.extensions import db
from twinning.profiles import demo, exporter, importer, service
from twinning.profiles.importer import ParseResult
from twinning.profiles.stats import profile_statistics
from twinning.reference.sync import ensure_reference_data, sync_taxonomy, sync_territories

STDIO = "-"
FORMAT_CHOICE = click.Choice([importer.JSONL, importer.CSV])


@click.group("twinning")
def twinning_group() -> None:
    """Twinning Oriental: profiles, reference data and matching."""


def file_format(name: str, explicit: str | None) -> str:
    """The file's interchange format, or a clear error when it cannot be told."""
    try:
        return importer.format_of(name, explicit)
    except importer.UnsupportedFormat as exc:
        raise click.ClickException(str(exc)) from exc


def _report_or_save(result: ParseResult, dry_run: bool) -> None:
    """Print every error and stop, or write all records; never a partial write."""
    for error in result.errors:
        click.echo(str(error), err=True)
    if result.errors:
        raise click.ClickException(
            _("%(count)d error(s): nothing was written.", count=len(result.errors))
        )
    if dry_run:
        click.echo(_("%(count)d profile(s) valid; nothing written (dry run).",
                     count=len(result.records)))
        return
    with progress_bar(len(result.records), _("Saving profiles")) as advance:
        summary = service.save_records(result.records, progress=advance)
    click.echo(_("%(created)d profile(s) created, %(updated)d updated.",
                 created=summary.created, updated=summary.updated))


@twinning_group.command("import")
@click.argument("file", type=click.Path(dir_okay=False, allow_dash=True))
@click.option("--format", "fmt", type=FORMAT_CHOICE, help="Default: from the file name.")
@click.option("--dry-run", is_flag=True, help="Validate only; write nothing.")
@with_appcontext
def import_command(file: str, fmt: str | None, dry_run: bool) -> None:
    """Import profiles from FILE (.jsonl or .csv, - for stdin), upserting by external_id.

    The whole file is validated first: one bad line and nothing is written.
    """
    if file == STDIO:
        source, data = "<stdin>", sys.stdin.buffer.read()
        fmt = fmt or importer.JSONL
    else:
        path = Path(file)
        if not path.is_file():
            raise click.ClickException(_("%(file)s: no such file", file=file))
        source, data = file, path.read_bytes()
    fmt = file_format(source, fmt)
    _report_or_save(importer.parse(data, source, fmt), dry_run)


@twinning_group.command("export")
@click.argument("file", type=click.Path(dir_okay=False, allow_dash=True))
@click.option("--format", "fmt", type=FORMAT_CHOICE, help="Default: from the file name.")
@with_appcontext
def export_command(file: str, fmt: str | None) -> None:
    """Export every profile to FILE (.jsonl or .csv, - for stdout) in a stable order."""
    if file == STDIO:
        exporter.write(exporter.profiles_for_export(), sys.stdout, fmt or importer.JSONL)
        return
    fmt = file_format(file, fmt)
    target = Path(file).resolve()
    # Write beside the target and rename, so a reader never sees half a file.
    handle, temporary = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.")
    try:
        with os.fdopen(handle, "w", encoding="utf-8", newline="") as stream:
            count = exporter.write(exporter.profiles_for_export(), stream, fmt)
        os.replace(temporary, target)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    click.echo(_("%(count)d profile(s) written to %(file)s.", count=count, file=file), err=True)


@twinning_group.command("demo")
@click.option("--force", is_flag=True, help="Load even if the database has profiles.")
@click.option("--if-empty", is_flag=True, help="Do nothing (and succeed) if there are profiles.")
@with_appcontext
def demo_command(force: bool, if_empty: bool) -> None:
    """Load the fictional demo profiles into an empty database."""
    existing = service.count_profiles()
    if existing and not force:
        if if_empty:
            click.echo(_("The database already has %(count)d profile(s); demo data not loaded.",
                         count=existing))
            return
        raise click.ClickException(
            _("The database already has %(count)d profile(s); use --force to load the demo "
              "data anyway.", count=existing)
        )
    _report_or_save(demo.parse_demo(), dry_run=False)
    written = exchanges_demo.load(exchanges_demo.demo_items())
    report = live_index.relearn()
    click.echo(_("%(count)d past exchange(s) loaded; the model learned from %(outcomes)d "
                 "outcome(s).", count=written, outcomes=report.outcomes))


@twinning_group.command("taxonomy-sync")
@with_appcontext
def taxonomy_sync_command() -> None:
    """Copy the taxonomy and territory files into the database."""
    taxonomy_counts = sync_taxonomy()
    territory_counts = sync_territories()
    db.session.commit()
    click.echo(_("Taxonomy: %(added)d added, %(updated)d updated, %(removed)d removed.",
                 **taxonomy_counts))
    click.echo(_("Territories: %(places)d places.", places=territory_counts["places"]))


@twinning_group.command("stats")
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of a table.")
@with_appcontext
def stats_command(as_json: bool) -> None:
    """Count profiles by kind, country, province, sector and language."""
    ensure_reference_data()
    statistics = profile_statistics()
    if as_json:
        click.echo(json.dumps({key: dict(value) if isinstance(value, list) else value
                               for key, value in statistics.items()},
                              ensure_ascii=False, indent=2))
        return
    click.echo(_("Profiles: %(total)d", total=statistics["total"]))
    headings = {
        "kind": _("By kind"), "country": _("By country"), "province": _("By province"),
        "sector": _("By sector"), "language": _("By working language"),
    }
    for key, heading in headings.items():
        click.echo(f"\n{heading}")
        for name, number in statistics[key]:
            click.echo(f"  {name:<32} {number:>6}")
