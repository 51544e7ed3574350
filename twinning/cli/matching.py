"""``flask twinning reindex | matches | evaluate``: the matching model from the command line."""

from __future__ import annotations

import dataclasses
import json
import tempfile
from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext
from flask_babel import gettext as _

from twinning import suggestions
from twinning.cli.profiles import file_format
from twinning.matching.evaluate import (
    format_table,
    format_tagger_table,
    run_evaluation,
    tagger_scores,
)
from twinning.matching.index import CROSS, MODES
from twinning.profiles import importer, service


@click.command("reindex")
@with_appcontext
def reindex_command() -> None:
    """Refresh the search fields of every profile and rebuild the matching index."""
    refreshed = service.refresh_search_fields()
    click.echo(_("Search fields refreshed: %(count)d profile(s) changed.", count=refreshed),
               err=True)
    index = suggestions.rebuild()
    click.echo(_("Matching index rebuilt: %(count)d profile(s).", count=len(index)), err=True)


@click.command("matches")
@click.argument("reference")
@click.option("--limit", default=10, show_default=True, type=click.IntRange(1, 100))
@click.option("--format", "fmt", type=click.Choice(["json", "table"]), default="json",
              show_default=True)
@click.option("--mode", type=click.Choice(MODES), default=CROSS, show_default=True,
              help="cross: Oriental ↔ Europe; peer: same side; any: both.")
@with_appcontext
def matches_command(reference: str, limit: int, fmt: str, mode: str) -> None:
    """Suggested partners for REFERENCE (an external_id or a slug), best first."""
    profile = service.find_by_reference(reference)
    if profile is None:
        raise click.ClickException(_("no profile %(reference)r", reference=reference))
    rows = [suggestions.match_json(item)
            for item in suggestions.for_profile(profile, limit=limit, mode=mode)]
    if fmt == "json":
        click.echo(json.dumps(rows, ensure_ascii=False, indent=2))
        return
    for row in rows:
        reasons = "; ".join(reason["kind"] + (":" + ",".join(reason["terms"])
                                              if reason["terms"] else "")
                            for reason in row["reasons"])
        click.echo(f"{row['score']:.3f}  {row['name'][:48]:<48}  {row['kind']:<18} "
                   f"{row['country']}  {reasons}")


@click.command("evaluate")
@click.argument("profiles_file", type=click.Path(exists=True, dir_okay=False))
@click.argument("truth_file", type=click.Path(exists=True, dir_okay=False))
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of tables.")
@click.option("--tags", "tags_file", type=click.Path(exists=True, dir_okay=False),
              help="Gold codes (external_id → sectors/needs/offers): also score the tagger.")
@with_appcontext
def evaluate_command(profiles_file: str, truth_file: str, as_json: bool,
                     tags_file: str | None) -> None:
    """Rank PROFILES against TRUTH (query external_id → relevant external_ids): the model and
    three baselines, P@1, P@5, R@10, MRR and nDCG@10, by language and coding splits."""
    parsed = importer.parse(Path(profiles_file).read_bytes(), profiles_file,
                            file_format(profiles_file, None))
    for error in parsed.errors:
        click.echo(str(error), err=True)
    if parsed.errors:
        raise click.ClickException(_("%(count)d error(s): nothing was evaluated.",
                                     count=len(parsed.errors)))
    truth = _truth(Path(truth_file))
    with tempfile.TemporaryDirectory(prefix="twinning-evaluate-") as folder:
        records = _records_through_a_temporary_database(parsed.records, Path(folder))
    evaluation = run_evaluation(records, truth, suggestions.terms(),
                                suggestions.sentence_encoder())
    tagging = None
    if tags_file:
        gold = _json_object(Path(tags_file))
        tagging = tagger_scores(records, gold, suggestions.tagger())
    if as_json:
        report = {"queries": evaluation.counts, "scores": evaluation.scores}
        if tagging is not None:
            report["tagger"] = tagging
        click.echo(json.dumps(report, indent=2))
        return
    click.echo(format_table(evaluation))
    if tagging is not None:
        click.echo(format_tagger_table(tagging))


def _json_object(path: Path) -> dict:
    try:
        value = json.loads(path.read_text(encoding="utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise click.ClickException(_("%(file)s: broken JSON: %(reason)s",
                                     file=path, reason=exc)) from exc
    if not isinstance(value, dict):
        raise click.ClickException(_("%(file)s: expected a JSON object", file=path))
    return value


def _truth(path: Path) -> dict[str, list[str]]:
    """Query external_id → relevant external_ids (a ``{"queries": …}`` wrapper is accepted)."""
    truth = _json_object(path)
    truth = truth.get("queries", truth)
    if not isinstance(truth, dict) or not all(
            isinstance(relevant, list) and all(isinstance(key, str) for key in relevant)
            for relevant in truth.values()):
        raise click.ClickException(_("%(file)s: expected query external_id → list of "
                                     "relevant external_ids", file=path))
    return truth


def _records_through_a_temporary_database(records, folder: Path):
    """Import into a throw-away SQLite database, exactly as a real import would store them,
    and read the profiles back as model records keyed by external_id."""
    from twinning import create_app
    from twinning.extensions import db
    from twinning.reference.sync import ensure_reference_data

    app = create_app({
        "SECRET_KEY": "evaluate",
        "SQLALCHEMY_DATABASE_URI": f"sqlite:///{folder / 'evaluate.sqlite3'}",
        "MATCHING_ENCODER": current_app.config["MATCHING_ENCODER"],
    })
    with app.app_context():
        db.create_all()
        ensure_reference_data()
        service.save_records(records, update_index=False)
        result = [dataclasses.replace(suggestions.record_from_profile(profile),
                                      key=profile.external_id)
                  for profile in service.all_profiles()]
        db.engine.dispose()
    return result
