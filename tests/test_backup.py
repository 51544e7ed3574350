"""``flask twinning backup`` and ``restore``: the demo data goes out and comes back into a
new empty database byte for byte (as the JSONL export reads it), on SQLite and PostgreSQL;
a database holding data is replaced only when asked; a file that is no backup changes
nothing."""

from __future__ import annotations

import secrets
from pathlib import Path

import pytest
import sqlalchemy as sa

from twinning import backup


@pytest.fixture
def new_database(postgres_server, tmp_path):
    """Makes databases of their own (PostgreSQL: whole databases, since a backup is of a
    whole database and the test server's holds other runs' schemas); dropped at the end.
    Requested before ``make_app``, so that the apps are gone when the databases go."""
    made: list[str] = []

    def make() -> str:
        name = f"twinning_backup_{secrets.token_hex(4)}"
        if postgres_server is None:
            return f"sqlite:///{tmp_path / name}.sqlite3"
        with postgres_server.engine.connect().execution_options(
                isolation_level="AUTOCOMMIT") as connection:
            connection.execute(sa.text(f'CREATE DATABASE "{name}"'))
        made.append(name)
        return postgres_server.engine.url.set(database=name).render_as_string(
            hide_password=False)

    yield make
    if made:
        with postgres_server.engine.connect().execution_options(
                isolation_level="AUTOCOMMIT") as connection:
            for name in made:
                connection.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


def _invoke(app, *args: str):
    return app.test_cli_runner().invoke(args=["twinning", *args])


def _export(app, path: Path) -> bytes:
    result = _invoke(app, "export", str(path))
    assert result.exit_code == 0, result.output
    return path.read_bytes()


def test_the_demo_data_comes_back_byte_for_byte(new_database, make_app, tmp_path):
    source = make_app(SQLALCHEMY_DATABASE_URI=new_database())
    assert _invoke(source, "demo").exit_code == 0
    before = _export(source, tmp_path / "before.jsonl")
    saved = tmp_path / "twinning.backup"
    result = _invoke(source, "backup", str(saved))
    assert result.exit_code == 0, result.output
    assert saved.stat().st_size > 0 and list(tmp_path.glob(".twinning.backup*")) == []

    target = make_app(create_schema=False, SQLALCHEMY_DATABASE_URI=new_database())
    result = _invoke(target, "restore", str(saved))
    assert result.exit_code == 0, result.output
    assert "160 profile(s)" in result.output and "50 exchange(s)" in result.output
    assert _export(target, tmp_path / "after.jsonl") == before

    refused = _invoke(target, "restore", str(saved))
    assert refused.exit_code != 0 and "--force" in refused.output
    assert _invoke(target, "restore", "--force", str(saved)).exit_code == 0
    assert _export(target, tmp_path / "again.jsonl") == before


def test_a_file_that_is_no_backup_changes_nothing(new_database, make_app, tmp_path):
    app = make_app(SQLALCHEMY_DATABASE_URI=new_database())
    not_a_backup = tmp_path / "notes.txt"
    not_a_backup.write_text("not a database\n", encoding="utf-8")
    result = _invoke(app, "restore", str(not_a_backup))
    assert result.exit_code != 0 and "notes.txt" in result.output
    missing = _invoke(app, "restore", str(tmp_path / "nowhere.backup"))
    assert missing.exit_code != 0 and "nowhere.backup" in missing.output
    with app.app_context():
        from twinning.extensions import db

        assert "profile" in sa.inspect(db.engine).get_table_names()


@pytest.mark.postgres_only
def test_missing_postgresql_tools_are_named(new_database, make_app, tmp_path):
    app = make_app(SQLALCHEMY_DATABASE_URI=new_database(), PG_BIN_DIR=str(tmp_path))
    result = _invoke(app, "backup", str(tmp_path / "twinning.backup"))
    assert result.exit_code != 0 and "pg_dump" in result.output and "PG_BIN_DIR" in result.output
    assert not (tmp_path / "twinning.backup").exists()


def test_pg_dump_gets_arguments_and_the_password_in_its_environment(tmp_path):
    """A stand-in pg_dump writes down what it was given."""
    tools = tmp_path / "bin"
    tools.mkdir()
    script = tools / "pg_dump"
    script.write_text('#!/bin/sh\nprintf "%s\\n" "$@" > "$(dirname "$0")/arguments"\n'
                      'printf "%s" "$PGPASSWORD" > "$(dirname "$0")/password"\n',
                      encoding="utf-8")
    script.chmod(0o755)
    engine = sa.create_engine("postgresql+psycopg://twinning:s3cret@db.example.org:5433/main")
    backup.backup(engine, tmp_path / "main.backup", str(tools))
    arguments = (tools / "arguments").read_text(encoding="utf-8").splitlines()
    assert arguments[:4] == ["--host=db.example.org", "--port=5433", "--username=twinning",
                             "--dbname=main"]
    assert "--format=custom" in arguments and not any("s3cret" in a for a in arguments)
    assert (tools / "password").read_text(encoding="utf-8") == "s3cret"
    assert (tmp_path / "main.backup").exists()
