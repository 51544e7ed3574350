"""Command-line groups: ``flask twinning …`` and ``flask translate …``."""

from __future__ import annotations

from flask import Flask

from twinning.cli.accounts import create_user_command
from twinning.cli.backup import backup_command, restore_command
from twinning.cli.exchanges import digest_command, expire_command, learn_command
from twinning.cli.jobs import jobs_command, prune_command, send_pending_command, worker_command
from twinning.cli.matching import evaluate_command, matches_command, reindex_command
from twinning.cli.profiles import twinning_group
from twinning.cli.translate import translate_group


def init_app(app: Flask) -> None:
    for command in (reindex_command, matches_command, evaluate_command, create_user_command,
                    expire_command, learn_command, digest_command, worker_command,
                    jobs_command, send_pending_command, prune_command, backup_command,
                    restore_command):
        twinning_group.add_command(command)
    app.cli.add_command(twinning_group)
    app.cli.add_command(translate_group)
