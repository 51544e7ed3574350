"""How long ``flask twinning backup`` and ``restore`` take on the demo data, on SQLite and
PostgreSQL (prints figures, asserts nothing but the round trip).

    python bench/backup.py
    python bench/backup.py --backends sqlite
    python bench/backup.py --postgres-url postgresql://postgres@127.0.0.1:5432/test

Each backend gets a fresh database (a SQLite file; a PostgreSQL database of its own,
dropped at the end) built by the migrations, the demo data (``flask twinning demo``), then
``backup`` into a file, a second fresh and empty database, ``restore`` into it, and the
JSONL export of both compared. Times are wall-clock around each command as the CLI runs it
(the PostgreSQL tools are separate processes, so their start-up is in the figure).
"""

from __future__ import annotations

import argparse
import json
import secrets
import tempfile
import time
from pathlib import Path

import sqlalchemy as sa
from flask_migrate import upgrade

from twinning import create_app
from twinning.config import normalise_database_url
from twinning.extensions import db

DEFAULT_POSTGRES_URL = "postgresql://postgres@127.0.0.1:5432/test"


def _app(url: str, folder: Path):
    app = create_app({"SECRET_KEY": "bench", "SQLALCHEMY_DATABASE_URI": url,
                      "MATCHING_INDEX_FOLDER": str(folder / "matching"),
                      "MAIL_OUTBOX_FOLDER": str(folder / "outbox")})
    with app.app_context():
        upgrade()
    return app


def _run(app, *args: str) -> float:
    started = time.perf_counter()
    result = app.test_cli_runner().invoke(args=["twinning", *args])
    elapsed = time.perf_counter() - started
    if result.exit_code != 0:
        raise SystemExit(f"flask twinning {' '.join(args)} failed: {result.output}")
    return elapsed


def measure(backend: str, postgres_url: str, folder: Path) -> dict[str, float | int | bool]:
    server = sa.create_engine(normalise_database_url(postgres_url),
                              isolation_level="AUTOCOMMIT")
    made: list[str] = []

    def new_database(label: str) -> str:
        if backend == "sqlite":
            return f"sqlite:///{folder / label}.sqlite3"
        name = f"twinning_bench_{label}_{secrets.token_hex(3)}"
        with server.connect() as connection:
            connection.execute(sa.text(f'CREATE DATABASE "{name}"'))
        made.append(name)
        return server.url.set(database=name).render_as_string(hide_password=False)

    try:
        source = _app(new_database("source"), folder / "source")
        _run(source, "demo")
        _run(source, "export", str(folder / "before.jsonl"))
        dump = folder / f"{backend}.backup"
        backup_seconds = _run(source, "backup", str(dump))
        target = _app(new_database("target"), folder / "target")
        restore_seconds = _run(target, "restore", str(dump))
        _run(target, "export", str(folder / "after.jsonl"))
        for app in (source, target):
            with app.app_context():
                db.engine.dispose()
        same = (folder / "before.jsonl").read_bytes() == (folder / "after.jsonl").read_bytes()
        return {"backup_s": round(backup_seconds, 2), "restore_s": round(restore_seconds, 2),
                "bytes": dump.stat().st_size, "identical_export": same}
    finally:
        with server.connect() as connection:
            for name in made:
                connection.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        server.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--backends", nargs="+", default=["sqlite", "postgresql"],
                        choices=["sqlite", "postgresql"])
    parser.add_argument("--postgres-url", default=DEFAULT_POSTGRES_URL)
    options = parser.parse_args()
    figures = {}
    for backend in options.backends:
        with tempfile.TemporaryDirectory(prefix="twinning-bench-backup-") as folder:
            figures[backend] = measure(backend, options.postgres_url, Path(folder))
        print(f"{backend:<10} backup {figures[backend]['backup_s']:>6.2f} s   "
              f"restore {figures[backend]['restore_s']:>6.2f} s   "
              f"{figures[backend]['bytes'] / 1e6:>6.2f} MB   "
              f"export identical: {figures[backend]['identical_export']}", flush=True)
    print(json.dumps(figures))


if __name__ == "__main__":
    main()
