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

from twinning import live_index, model_records, suggestions
from twinning.cli.jobs import queued_elsewhere
from twinning.cli.profiles import file_format
from twinning.cli.progress import progress_bar
from twinning.matching.evaluate import (
    format_table,
    format_tagger_table,
    run_evaluation,
    tagger_scores,
)
from twinning.matching.index import CROSS, MODES
from twinning.profiles import importer, service


@click.command("reindex")
@click.option("--now", is_flag=True,
              help="Run here even when a queue is configured (on each app server's host).")
@with_appcontext
def reindex_command(now: bool) -> None:
    """Refresh the search fields of the profiles that changed and rebuild the matching index
    (put on the queue when one is configured). Only texts that changed (or were read with
    another taxonomy, lexicon or model) are read again; each is read once for both."""
    if not now and queued_elsewhere(service.reindex):
        return
    labels = {"search_fields": _("Search fields"), "matching_index": _("Matching index")}
    done = service.reindex(lambda stage, steps: progress_bar(steps, labels[stage]))
    click.echo(_("Search fields refreshed: %(count)d profile(s) changed.",
                 count=done.refreshed), err=True)
    click.echo(_("Matching index rebuilt: %(count)d profile(s).", count=done.indexed),
               err=True)


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
            for item in suggestions.for_profile(profile, limit=limit, mode=mode,
                                                with_evidence=True)]
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
@click.option("--tagging", "tagging_file", type=click.Path(exists=True, dir_okay=False),
              help="More profiles, read only for the tagger's figures (with --tags).")
@with_appcontext
def evaluate_command(profiles_file: str, truth_file: str, as_json: bool,
                     tags_file: str | None, tagging_file: str | None) -> None:
    """Rank PROFILES against TRUTH (query external_id → relevant external_ids): the model and
    three baselines, P@1, P@5, R@10, MRR and nDCG@10, by language, coding, named splits and
    both directions; with --tags, the tagger's precision and recall, also on the profiles
    held out of its tuning."""
    truth, named, judged_apart, directions = _truth(Path(truth_file))
    with tempfile.TemporaryDirectory(prefix="twinning-evaluate-") as folder:
        records = _records_through_a_temporary_database(_parsed(profiles_file), Path(folder))
        extra = _records_through_a_temporary_database(_parsed(tagging_file), Path(folder),
                                                      "tagging") if tagging_file else []
    evaluation = run_evaluation(records, truth, model_records.terms(),
                                live_index.sentence_encoder(), named, judged_apart,
                                directions)
    report = {"queries": evaluation.counts, "scores": evaluation.scores}
    if tags_file:
        gold, held_out = _gold(Path(tags_file))
        everyone = [*records, *extra]
        report["tagger"] = tagger_scores(everyone, gold, model_records.tagger())
        report["tagger_held_out"] = tagger_scores(
            [record for record in everyone if record.key in held_out], gold,
            model_records.tagger())
    if as_json:
        click.echo(json.dumps(report, indent=2))
        return
    click.echo(format_table(evaluation))
    for name, title in (("tagger", _("tagger (codes read from text), every gold profile")),
                        ("tagger_held_out", _("tagger, profiles held out of its tuning"))):
        if report.get(name):
            click.echo(format_tagger_table(report[name], title))


def _parsed(path: str):
    parsed = importer.parse(Path(path).read_bytes(), path, file_format(path, None))
    for error in parsed.errors:
        click.echo(str(error), err=True)
    if parsed.errors:
        raise click.ClickException(_("%(count)d error(s): nothing was evaluated.",
                                     count=len(parsed.errors)))
    return parsed.records


def _gold(path: Path) -> tuple[dict, set[str]]:
    """Gold codes by external_id, and the profiles held out of the tagger's tuning (a
    ``{"profiles": …, "held_out": […]}`` wrapper; a plain mapping holds none out)."""
    content = _json_object(path)
    if "profiles" in content:
        return content["profiles"], set(content.get("held_out", []))
    return content, set()


def _json_object(path: Path) -> dict:
    try:
        value = json.loads(path.read_text(encoding="utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise click.ClickException(_("%(file)s: broken JSON: %(reason)s",
                                     file=path, reason=exc)) from exc
    if not isinstance(value, dict):
        raise click.ClickException(_("%(file)s: expected a JSON object", file=path))
    return value


def _truth(path: Path) -> tuple[dict, dict, list, dict | None]:
    """Query external_id → relevant external_ids (a ``{"queries": …}`` wrapper is accepted,
    with ``"splits"``: split name → the queries it holds, ``"judged_apart"``: the profiles
    of parts judged on their own, and ``"both_ways"``: the judgments in both directions)."""
    content = _json_object(path)
    wrapped = "queries" in content
    truth = content.get("queries", content)
    named = content.get("splits", {}) if wrapped else {}
    judged_apart = content.get("judged_apart", []) if wrapped else []
    directions = content.get("both_ways") if wrapped else None
    if not isinstance(truth, dict) or not all(
            isinstance(relevant, list) and all(isinstance(key, str) for key in relevant)
            for relevant in truth.values()):
        raise click.ClickException(_("%(file)s: expected query external_id → list of "
                                     "relevant external_ids", file=path))
    if not isinstance(named, dict) or not all(
            isinstance(queries, list) and set(queries) <= set(truth)
            for queries in named.values()):
        raise click.ClickException(_("%(file)s: each split must list queries of the file",
                                     file=path))
    return truth, named, judged_apart, directions


def _records_through_a_temporary_database(records, folder: Path, name: str = "evaluate"):
    """Import into a throw-away SQLite database, exactly as a real import would store them,
    and read the profiles back as model records keyed by external_id."""
    from twinning import create_app
    from twinning.extensions import db
    from twinning.reference.sync import ensure_reference_data

    app = create_app({
        "SECRET_KEY": "evaluate",
        "SQLALCHEMY_DATABASE_URI": f"sqlite:///{folder / (name + '.sqlite3')}",
        "MATCHING_ENCODER": current_app.config["MATCHING_ENCODER"],
    })
    with app.app_context():
        db.create_all()
        ensure_reference_data()
        service.save_records(records, update_index=False)
        result = [dataclasses.replace(model_records.record_from_profile(profile),
                                      key=profile.external_id)
                  for profile in service.all_profiles()]
        db.engine.dispose()
    return result
