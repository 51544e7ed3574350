"""A reindex killed half-way leaves the previous index serving: ``flask twinning reindex``
runs in a process of its own on the test's database and index folder, and is killed with
SIGKILL — while it writes the new index file (half of it written), and while it fits the
model. The index on disk is then byte for byte the previous one, and the app loads it and
answers from it without building another."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import ONE_COOPERATIVE
from test_exchanges import OTHER, PARTNER

from twinning import live_index, suggestions
from twinning.matching.index import BASE_FILE
from twinning.profiles import service
from twinning.profiles.interchange import validate_record

# The reindex command, in a process that writes half of the index file and kills itself
# there (``half``), or that says when it starts fitting and waits to be killed (``fit``).
CRASHING_REINDEX = """
import io, os, pickle, signal, sys, time, types
from twinning import create_app, live_index
from twinning.matching import index as index_module

def dump_half_then_die(value, stream, *args, **kwargs):
    whole = io.BytesIO()
    pickle.dump(value, whole, *args, **kwargs)
    stream.write(whole.getvalue()[: len(whole.getvalue()) // 2])
    stream.flush()
    os.kill(os.getpid(), signal.SIGKILL)

real_build = live_index.MatchIndex.build

def build_then_wait(*args, **kwargs):
    real_build(*args, **kwargs)
    print("fitted", file=sys.__stdout__, flush=True)  # the CLI runner holds sys.stdout
    time.sleep(600)

if sys.argv[1] == "half":  # the index module's pickle writes half and dies
    index_module.pickle = types.SimpleNamespace(dump=dump_half_then_die, load=pickle.load)
else:
    live_index.MatchIndex.build = build_then_wait
result = create_app().test_cli_runner().invoke(args=["twinning", "reindex"])
print(result.output, flush=True)
"""


@pytest.fixture
def indexed_app(app):
    """Three published profiles and their saved index."""
    with app.test_request_context("/fr/"):
        records = [validate_record(raw, "test", 1)[0]
                   for raw in (ONE_COOPERATIVE, PARTNER, OTHER)]
        service.save_records(records)
        live_index.get_index()
    return app


def _environment(app, instance: Path) -> dict[str, str]:
    settings = {"DATABASE_URL": app.config["SQLALCHEMY_DATABASE_URI"],
                "SECRET_KEY": "test", "INSTANCE_PATH": str(instance),
                "MATCHING_INDEX_FOLDER": app.config["MATCHING_INDEX_FOLDER"],
                "MATCHING_VECTOR_CACHE": app.config["MATCHING_VECTOR_CACHE"]}
    return {**os.environ, **{f"TWINNING_{name}": value for name, value in settings.items()}}


def _answers(app) -> list[tuple[str, float]]:
    with app.test_request_context("/fr/"):
        profile = service.find_by_reference("coop-nahla")
        return [(found.profile.slug, round(found.match.score, 6))
                for found in suggestions.for_profile(profile)]


@pytest.mark.parametrize("moment", ["half", "fit"])
def test_a_killed_reindex_leaves_the_previous_index_serving(indexed_app, moment, tmp_path):
    folder = Path(indexed_app.config["MATCHING_INDEX_FOLDER"])
    before = (folder / BASE_FILE).read_bytes()
    answers = _answers(indexed_app)
    assert answers
    with subprocess.Popen([sys.executable, "-c", CRASHING_REINDEX, moment],
                          env=_environment(indexed_app, tmp_path / "instance"),
                          stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) as process:
        if moment == "fit" and process.stdout.readline().strip() == "fitted":
            process.send_signal(signal.SIGKILL)
        assert process.wait(timeout=600) == -signal.SIGKILL, process.stderr.read()

    assert (folder / BASE_FILE).read_bytes() == before
    live_index._loaded.clear()  # as a process starting now, or another app server
    assert _answers(indexed_app) == answers
    assert (folder / BASE_FILE).read_bytes() == before  # loaded, not built again
