"""Configuration layers: defaults → instance/config.py → environment."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from twinning import create_app
from twinning.config import ConfigurationError

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture
def clean_environment(monkeypatch, tmp_path):
    for name in list(os.environ):
        if name.startswith("TWINNING_") or name == "DATABASE_URL":
            monkeypatch.delenv(name)
    monkeypatch.setenv("TWINNING_INSTANCE_PATH", str(tmp_path / "instance"))
    return tmp_path / "instance"


def test_defaults_use_sqlite_in_the_instance_folder(clean_environment):
    app = create_app()
    expected = "sqlite:///" + str(clean_environment / "twinning.sqlite3")
    assert app.config["SQLALCHEMY_DATABASE_URI"] == expected
    assert Path(app.instance_path) == clean_environment


def test_instance_config_then_environment(clean_environment, monkeypatch):
    clean_environment.mkdir(parents=True)
    (clean_environment / "config.py").write_text(
        "API_DEFAULT_PER_PAGE = 7\nAPI_MAX_PER_PAGE = 50\n", encoding="utf-8"
    )
    monkeypatch.setenv("TWINNING_API_MAX_PER_PAGE", "40")
    app = create_app()
    assert app.config["API_DEFAULT_PER_PAGE"] == 7
    assert app.config["API_MAX_PER_PAGE"] == 40


@pytest.mark.parametrize("variable", ["TWINNING_DATABASE_URL", "DATABASE_URL"])
def test_database_url_from_environment(clean_environment, monkeypatch, variable):
    monkeypatch.setenv(variable, "postgresql://someone@db.example.org/twinning")
    app = create_app()
    assert app.config["SQLALCHEMY_DATABASE_URI"] == (
        "postgresql+psycopg://someone@db.example.org/twinning"
    )


def test_twinning_database_url_wins_over_database_url(clean_environment, monkeypatch):
    monkeypatch.setenv("DATABASE_URL", "sqlite:///other.sqlite3")
    monkeypatch.setenv("TWINNING_DATABASE_URL", "sqlite:///mine.sqlite3")
    assert create_app().config["SQLALCHEMY_DATABASE_URI"] == "sqlite:///mine.sqlite3"


def test_development_secret_key_is_generated_once_and_kept(clean_environment):
    first = create_app().config["SECRET_KEY"]
    second = create_app().config["SECRET_KEY"]
    assert first == second
    assert len(first) >= 32
    assert (clean_environment / "secret_key").read_text(encoding="ascii").strip() == first


def test_secret_key_from_environment(clean_environment, monkeypatch):
    monkeypatch.setenv("TWINNING_SECRET_KEY", "from-the-environment")
    assert create_app().config["SECRET_KEY"] == "from-the-environment"


def test_production_refuses_to_start_without_a_secret_key(clean_environment, monkeypatch):
    monkeypatch.setenv("TWINNING_ENV", "production")
    with pytest.raises(ConfigurationError, match="TWINNING_SECRET_KEY"):
        create_app()


def test_production_says_why_in_one_line(clean_environment):
    environment = {**os.environ, "TWINNING_ENV": "production", "FLASK_APP": "wsgi.py"}
    result = subprocess.run(
        [sys.executable, "-m", "flask", "routes"],
        cwd=ROOT, env=environment, capture_output=True, text=True, check=False,
    )
    assert result.returncode != 0
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert "TWINNING_SECRET_KEY" in lines[0]


def test_test_config_replaces_instance_and_environment(clean_environment, monkeypatch):
    monkeypatch.setenv("TWINNING_API_MAX_PER_PAGE", "3")
    app = create_app({"SECRET_KEY": "x", "SQLALCHEMY_DATABASE_URI": "sqlite://"})
    assert app.config["API_MAX_PER_PAGE"] == 100


def test_production_refuses_sqlite_unless_told_and_sends_cookies_securely(clean_environment,
                                                                          monkeypatch):
    monkeypatch.setenv("TWINNING_ENV", "production")
    monkeypatch.setenv("TWINNING_SECRET_KEY", "a-real-secret")
    with pytest.raises(ConfigurationError, match="refuses SQLite"):
        create_app()
    monkeypatch.setenv("TWINNING_ALLOW_SQLITE_IN_PRODUCTION", "true")
    app = create_app()
    assert app.config["SESSION_COOKIE_SECURE"] and app.config["REMEMBER_COOKIE_SECURE"]
    monkeypatch.setenv("TWINNING_DATABASE_URL", "postgresql://twinning@db.example.org/twinning")
    monkeypatch.delenv("TWINNING_ALLOW_SQLITE_IN_PRODUCTION")
    assert create_app().config["SESSION_COOKIE_SECURE"]


def test_the_example_instance_configuration_holds_every_default(clean_environment):
    """instance/config.example.py is what an operator copies: it must not drift."""
    from twinning.config import Defaults

    example: dict[str, object] = {}
    exec((ROOT / "instance" / "config.example.py").read_text(encoding="utf-8"), example)
    defaults = {name: getattr(Defaults, name) for name in dir(Defaults) if name.isupper()}
    assert {name: example.get(name) for name in defaults} == defaults


def test_a_trusted_proxy_gives_the_client_address_and_scheme(make_app):
    from flask import request

    app = make_app(PROXY_FIX_HOPS=1)
    app.add_url_rule("/whoami", "whoami", lambda: f"{request.remote_addr} {request.scheme}")
    seen = app.test_client().get("/whoami", headers={"X-Forwarded-For": "203.0.113.7",
                                                     "X-Forwarded-Proto": "https"})
    assert seen.text == "203.0.113.7 https"
    plain = make_app()
    plain.add_url_rule("/whoami", "whoami", lambda: request.remote_addr)
    assert plain.test_client().get("/whoami", headers={"X-Forwarded-For": "203.0.113.7"}
                                   ).text == "127.0.0.1"
