"""``flask twinning worker | jobs | send-pending | prune``: running the queue's jobs, the ones
that failed, the e-mails never sent, and pruning what is no longer needed."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import click
from flask.cli import with_appcontext
from flask_babel import format_datetime
from flask_babel import gettext as _

from twinning import jobs, pruning
from twinning.notifications import mail


def queued_elsewhere(func: Callable[..., Any], *args: Any) -> bool:
    """Put ``func(*args)`` on the queue when one is configured, and say its id (True); False
    when the command is to do the work itself: no queue, or the queue unreachable — which it
    says, since cron mails what its commands print, and the work still gets done."""
    if not jobs.queue_configured():
        return False
    try:
        queued = jobs.enqueue(func, *args)
    except jobs.QueueUnavailable as exc:
        click.echo(_("The queue is unreachable (%(error)s): running here instead.",
                     error=exc), err=True)
        return False
    click.echo(_("Queued as job %(id)s.", id=queued.id), err=True)
    return True


@click.command("worker")
@click.option("--burst", is_flag=True, help="Stop once the queue is empty.")
@with_appcontext
def worker_command(burst: bool) -> None:
    """Run the background jobs of the queue at TWINNING_REDIS_URL (e-mails, digests,
    announcements, reindexing); one worker per host is enough to start with."""
    if not jobs.queue_configured():
        raise click.ClickException(_("No queue is configured: set TWINNING_REDIS_URL (jobs "
                                     "run at once without it)."))
    jobs.run_worker(burst=burst)


@click.command("send-pending")
@with_appcontext
def send_pending_command() -> None:
    """Send the e-mails written and never sent (the queue was down, or every try failed);
    cron runs it every few minutes."""
    found = mail.send_pending()
    click.echo(_("E-mails handed to the worker again: %(submitted)s; still not sent: "
                 "%(failed)s; claimed by a worker that never finished, left alone (they may "
                 "have left): %(claimed)s.", submitted=found.submitted, failed=found.failed,
                 claimed=found.claimed))
    if found.failed:
        raise SystemExit(1)


@click.command("jobs")
@click.option("--retry", "retry_id", metavar="JOB_ID", help="Put this failed job back on the "
                                                           "queue.")
@with_appcontext
def jobs_command(retry_id: str | None) -> None:
    """List the jobs that failed every try (newest first), or try one again."""
    if not jobs.queue_configured():
        raise click.ClickException(_("No queue is configured: set TWINNING_REDIS_URL (jobs "
                                     "run at once without it)."))
    if retry_id:
        if not jobs.retry_failed(retry_id):
            raise click.ClickException(_("No failed job %(id)s.", id=retry_id))
        click.echo(_("Job %(id)s is on the queue again.", id=retry_id))
        return
    failed = jobs.failed_jobs()
    for job in failed:
        when = format_datetime(job.failed_at, "short") if job.failed_at else "—"
        click.echo(f"{job.id}\t{when}\t{job.name}({job.arguments})\t{job.error}")
    click.echo(_("%(count)d failed job(s).", count=len(failed)), err=True)


@click.command("prune")
@with_appcontext
def prune_command() -> None:
    """Delete the e-mails sent and the matching index's changes older than
    OUTGOING_EMAIL_KEEP_DAYS and INDEX_CHANGE_KEEP_DAYS (daily)."""
    pruned = pruning.prune()
    click.echo(_("Pruned %(emails)d e-mail(s) sent and %(changes)d change(s) of the matching "
                 "index.", emails=pruned.emails, changes=pruned.index_changes))
