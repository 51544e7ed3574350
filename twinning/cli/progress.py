"""A progress bar for the long commands, on a terminal only."""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager

import click


@contextmanager
def progress_bar(length: int, label: str) -> Iterator[Callable[[int], None]]:
    """A function to call with each step done: on a terminal it moves a bar with the count
    and the time left (on standard error, so that piped output stays clean); elsewhere
    (a pipe, a log, cron) it does nothing, and the command prints only its summary."""
    stream = sys.stderr
    if not stream.isatty():
        yield _ignore
        return
    with click.progressbar(length=length, label=label, file=stream, show_pos=True,
                           show_eta=True, show_percent=True) as bar:
        yield bar.update


def _ignore(_steps: int) -> None:
    pass
