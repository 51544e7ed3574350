"""``flask twinning expire | learn | digest``: the jobs cron runs (the digest goes to the
queue when there is one)."""

from __future__ import annotations

import json

import click
from flask.cli import with_appcontext
from flask_babel import gettext as _

from twinning import live_index
from twinning.cli.jobs import queued_elsewhere
from twinning.exchanges import service as exchanges
from twinning.notifications.digest import new_run_id, send_digest


@click.command("expire")
@with_appcontext
def expire_command() -> None:
    """Expire the exchange requests nobody answered in EXCHANGE_EXPIRY_DAYS (daily)."""
    count = exchanges.expire()
    click.echo(_("%(count)d request(s) expired.", count=count))


@click.command("learn")
@click.option("--report", is_flag=True, help="Print the comparison with the defaults.")
@click.option("--json", "as_json", is_flag=True, help="With --report: as JSON.")
@with_appcontext
def learn_command(report: bool, as_json: bool) -> None:
    """Learn the weights again from the exchanges' outcomes (weekly); they replace the
    defaults only when they rank held-out outcomes better."""
    result = live_index.relearn()
    if as_json:
        click.echo(json.dumps({
            "outcomes": result.outcomes, "default_auc": result.default_auc,
            "learned_auc": result.learned_auc, "kept": result.kept,
            "weights": result.scorer.weights() if result.scorer else None}, indent=2))
        return
    if result.kept:
        click.echo(_("Learned weights kept: they rank held-out outcomes better."))
    else:
        click.echo(_("The hand-set weights stay."))
    if report:
        click.echo(_("Outcomes: %(count)d", count=result.outcomes))
        if result.default_auc is None:
            click.echo(_("Too few outcomes (or only one kind) to compare."))
        else:
            click.echo(_("Held-out AUC: defaults %(default).3f, learned %(learned).3f",
                         default=result.default_auc, learned=result.learned_auc))
        if result.scorer is not None:
            for name, weight in result.scorer.weights().items():
                click.echo(f"  {name:<24} {weight:+.4f}")


@click.command("digest")
@with_appcontext
def digest_command() -> None:
    """E-mail each organisation's members its new suggested partners and open requests
    (weekly); a partner is never shown twice to the same organisation. Put on the queue
    when one is configured."""
    run_id = new_run_id()
    if queued_elsewhere(send_digest, run_id):
        return
    summary = send_digest(run_id)
    click.echo(_("Digest: %(organisations)d organisation(s), %(emails)d e-mail(s), "
                 "%(partners)d new suggested partner(s).", organisations=summary.organisations,
                 emails=summary.emails, partners=summary.partners))
