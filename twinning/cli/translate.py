"""``flask translate extract|update|compile``: the Babel catalog workflow.

pybabel runs as a subprocess with an argument list (never a shell string).
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import click

from twinning.i18n import LANGUAGES

ROOT = Path(__file__).resolve().parents[2]
TRANSLATIONS = ROOT / "translations"
TEMPLATE = TRANSLATIONS / "messages.pot"


def _pybabel(*arguments: str) -> None:
    command = [sys.executable, "-m", "babel.messages.frontend", *arguments]
    if subprocess.run(command, cwd=ROOT, check=False).returncode != 0:
        raise click.ClickException(f"pybabel {arguments[0]} failed")


@click.group("translate")
def translate_group() -> None:
    """Translation catalogs (ar, fr, en, es)."""


@translate_group.command("extract")
def extract_command() -> None:
    """Collect the translatable strings into translations/messages.pot."""
    _pybabel("extract", "-F", "babel.cfg", "-k", "_l", "--no-location", "--sort-output",
             "--project", "Twinning Oriental", "-o", str(TEMPLATE), "twinning")


@translate_group.command("update")
def update_command() -> None:
    """Extract, then merge new strings into every language's catalog."""
    extract_command.callback()
    for lang in LANGUAGES:
        catalog = TRANSLATIONS / lang / "LC_MESSAGES" / "messages.po"
        action = "update" if catalog.exists() else "init"
        _pybabel(action, "-i", str(TEMPLATE), "-d", str(TRANSLATIONS), "-l", lang)


@translate_group.command("compile")
def compile_command() -> None:
    """Build the .mo files the app reads."""
    _pybabel("compile", "-d", str(TRANSLATIONS), "--statistics")
