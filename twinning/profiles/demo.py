"""The demo data set: fictional profiles shipped with the package, loaded like any import."""

from __future__ import annotations

from importlib import resources

from twinning.profiles.importer import JSONL, ParseResult, parse_many


def demo_files() -> list[tuple[str, bytes, str]]:
    """(name, content, format) of every demo file, in name order."""
    folder = resources.files("twinning").joinpath("data", "demo")
    entries = sorted(
        (entry for entry in folder.iterdir() if entry.name.endswith(".jsonl")),
        key=lambda entry: entry.name,
    )
    return [(f"demo/{entry.name}", entry.read_bytes(), JSONL) for entry in entries]


def parse_demo() -> ParseResult:
    return parse_many(demo_files())
