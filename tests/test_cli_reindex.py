"""``flask twinning reindex`` and ``import`` at scale: each text read once, only what
changed read again, a progress bar on a terminal and nothing of it elsewhere."""

from __future__ import annotations

import io
import json
import sys

import sqlalchemy as sa

from twinning.cli.progress import progress_bar
from twinning.extensions import db
from twinning.matching.tagger import Tagger
from twinning.models import Profile

LINES = [
    {"external_id": f"coop-{number}", "name": f"Coopérative {name}", "kind": "cooperative",
     "country": "MA", "province": "berkane", "city": "Berkane", "languages": ["fr"],
     "description": f"Nous produisons {product} et nous cherchons un appui en emballage.",
     "description_lang": "fr"}
    for number, (name, product) in enumerate((("Nahla", "du miel de thym"),
                                              ("Zitoun", "de l'huile d'olive"),
                                              ("Tamr", "des dattes")))
] + [
    {"external_id": "assoc-lyon", "name": "Association Miel Solidaire", "kind": "association",
     "country": "FR", "city": "Lyon", "languages": ["fr"],
     "description": "Nous proposons des formations en emballage et en étiquetage.",
     "description_lang": "fr"},
]


def _import(runner, tmp_path):
    source = tmp_path / "profiles.jsonl"
    source.write_text("\n".join(json.dumps(line, ensure_ascii=False) for line in LINES),
                      encoding="utf-8")
    return runner.invoke(args=["twinning", "import", str(source)])


def _counting_reads(monkeypatch) -> list[str]:
    read: list[str] = []
    original = Tagger.read

    def counting(self, record):
        read.append(record.key)
        return original(self, record)

    monkeypatch.setattr(Tagger, "read", counting)
    return read


def test_import_and_reindex_print_only_their_summaries_when_not_on_a_terminal(
        app, runner, tmp_path):
    imported = _import(runner, tmp_path)
    assert imported.exit_code == 0, imported.output
    assert imported.output.splitlines() == ["4 profile(s) created, 0 updated."]
    reindexed = runner.invoke(args=["twinning", "reindex"])
    assert reindexed.exit_code == 0, reindexed.output
    assert reindexed.output.splitlines() == [
        "Search fields refreshed: 0 profile(s) changed.",
        "Matching index rebuilt: 4 profile(s)."]


def test_import_reads_each_text_once(app, runner, tmp_path, monkeypatch):
    read = _counting_reads(monkeypatch)
    assert _import(runner, tmp_path).exit_code == 0
    assert sorted(read) == sorted(line["name"].lower().replace("é", "e").replace(" ", "-")
                                  for line in LINES)


def test_reindex_reads_again_only_the_text_that_changed_and_once(app, runner, tmp_path,
                                                                 monkeypatch):
    assert _import(runner, tmp_path).exit_code == 0
    assert runner.invoke(args=["twinning", "reindex"]).exit_code == 0
    with app.app_context():
        db.session.execute(sa.update(Profile).where(Profile.external_id == "coop-2")
                           .values(description="Nous cherchons un appui en séchage."))
        db.session.commit()
    read = _counting_reads(monkeypatch)
    reindexed = runner.invoke(args=["twinning", "reindex"])
    assert reindexed.exit_code == 0, reindexed.output
    assert "Search fields refreshed: 1 profile(s) changed." in reindexed.output
    assert read == ["cooperative-tamr"]


def test_on_a_terminal_the_bar_counts_the_steps(monkeypatch):
    class Terminal(io.StringIO):
        def isatty(self) -> bool:
            return True

    terminal = Terminal()
    monkeypatch.setattr(sys, "stderr", terminal)
    with progress_bar(3, "Matching index") as advance:
        for _step in range(3):
            advance(1)
    assert "Matching index" in terminal.getvalue()
    assert "3/3" in terminal.getvalue()
