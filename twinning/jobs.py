"""Background jobs: run now, or enqueue on RQ when a Redis URL is configured.

Without ``REDIS_URL`` (development, most tests) :func:`submit` simply calls the function,
inside the caller's app context and session. With it, the function is put on the Redis
queue and ``flask twinning worker`` runs it; a job that raises is tried again
``JOB_RETRIES`` times after ``JOB_RETRY_INTERVALS`` seconds, then stays in RQ's failed
registry, which admins see at ``/<lang>/moderation/jobs`` and may try again from there.

Job functions are plain importable functions decorated with :func:`job`: their arguments
are ids and strings (never ORM objects, which belong to the session that loaded them),
and they build their own app context, so the worker (or any RQ worker) only needs to
import them. Enqueue a job only after the rows it reads are committed.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any, ParamSpec, TypeVar

from flask import Flask, current_app, has_app_context
from redis import Redis
from redis.exceptions import RedisError
from rq import Queue, Retry, SimpleWorker
from rq.job import Job
from rq.registry import FailedJobRegistry

from twinning.extensions import db

Params = ParamSpec("Params")
Result = TypeVar("Result")

# The app a worker process builds once, for every job it runs (see :func:`job`).
_worker_app: Flask | None = None


def job(func: Callable[Params, Result]) -> Callable[Params, Result]:
    """Mark ``func`` as a job: inline it runs in the caller's context; in a worker, in an
    app context of its own with a fresh session, removed afterwards whatever happened."""

    @functools.wraps(func)
    def run(*args: Params.args, **kwargs: Params.kwargs) -> Result:
        if _worker_app is None and has_app_context():
            return func(*args, **kwargs)
        with _app_for_worker().app_context():
            try:
                return func(*args, **kwargs)
            finally:
                db.session.remove()

    return run


def _app_for_worker() -> Flask:
    global _worker_app
    if _worker_app is None:
        from twinning.app import create_app  # the factory imports every feature

        _worker_app = create_app()
    return _worker_app


def queue_configured() -> bool:
    return bool(current_app.config["REDIS_URL"])


def _connection() -> Redis:
    return Redis.from_url(current_app.config["REDIS_URL"])


def _queue() -> Queue:
    config = current_app.config
    return Queue(config["JOB_QUEUE"], connection=_connection(),
                 default_timeout=config["JOB_TIMEOUT"])


class QueueUnavailable(RuntimeError):
    """Redis did not take the job (down, unreachable, refusing): nothing was queued."""


def enqueue(func: Callable[..., Any], *args: Any) -> Job:
    """Put ``func(*args)`` on the queue, with the configured retries (needs ``REDIS_URL``)."""
    config = current_app.config
    try:
        return _queue().enqueue(func, *args, retry=Retry(
            max=config["JOB_RETRIES"], interval=list(config["JOB_RETRY_INTERVALS"])))
    except RedisError as exc:
        raise QueueUnavailable(f"{func.__name__} not queued: {exc}") from exc


def submit(func: Callable[..., Result], *args: Any) -> Result | None:
    """Queue ``func(*args)`` when a queue is configured; otherwise run it now and return its
    result (its exceptions reach the caller, as they would have without jobs)."""
    if queue_configured():
        enqueue(func, *args)
        return None
    return func(*args)


def submit_or_run_here(func: Callable[..., Result], *args: Any) -> Result | None:
    """:func:`submit`, except that when the queue is unreachable ``func(*args)`` runs here
    now (and says so in the log): for work that must not be lost with Redis, and that the
    caller can wait for (announcing a newly published profile, a cron's digest)."""
    try:
        return submit(func, *args)
    except QueueUnavailable as exc:
        current_app.logger.warning("%s; running it here instead", exc)
        return func(*args)


def run_worker(burst: bool = False) -> bool:
    """Run the configured queue's jobs in this process with the current app (built once);
    ``burst`` stops when the queue is empty. The scheduler inside moves retries whose
    interval has passed back to the queue."""
    global _worker_app
    _worker_app = current_app._get_current_object()  # type: ignore[attr-defined]
    worker = SimpleWorker([_queue()], connection=_connection())
    return worker.work(burst=burst, with_scheduler=True)


@dataclass(frozen=True)
class FailedJob:
    """A job that failed every try, as admins see it."""

    id: str
    name: str
    arguments: str
    failed_at: datetime | None
    error: str  # the exception's last line
    traceback: str


def failed_jobs() -> list[FailedJob]:
    """The jobs that failed every try, newest first (none without a queue)."""
    if not queue_configured():
        return []
    queue = _queue()
    registry = FailedJobRegistry(queue=queue)
    found = Job.fetch_many(registry.get_job_ids(desc=True), connection=queue.connection)
    return [_failed(job) for job in found if job is not None]


def _failed(failed: Job) -> FailedJob:
    result = failed.latest_result()
    trace = (result.exc_string or "") if result is not None else ""
    lines = [line for line in trace.strip().splitlines() if line.strip()]
    return FailedJob(id=failed.id, name=failed.func_name.rpartition(".")[2],
                     arguments=", ".join(repr(argument) for argument in failed.args),
                     failed_at=failed.ended_at, error=lines[-1] if lines else "",
                     traceback=trace)


def retry_failed(job_id: str) -> bool:
    """Put a failed job back on the queue; False when there is no such failed job."""
    if not queue_configured():
        return False
    registry = FailedJobRegistry(queue=_queue())
    if job_id not in registry.get_job_ids():
        return False
    registry.requeue(job_id)
    return True
