"""Configuration: defaults in one place, then the instance folder, then the environment."""

from __future__ import annotations

import os
import secrets
from pathlib import Path
from typing import Any

from flask import Flask

ENV_PREFIX = "TWINNING_"


class ConfigurationError(RuntimeError):
    """The app cannot start as configured; the message says why in one line."""


class Defaults:
    """Settings every deployment starts from."""

    ENV = "development"  # TWINNING_ENV=production makes the checks strict
    # Production runs on PostgreSQL; SQLite there only when said so (one small server).
    ALLOW_SQLITE_IN_PRODUCTION = False
    # How many reverse proxies' X-Forwarded-For/-Proto/-Host headers to trust (1 behind
    # nginx); 0 trusts none, so that nobody can pretend another address or scheme.
    PROXY_FIX_HOPS = 0
    # A pooled database connection unused for this many seconds is checked before use, so
    # that one closed meanwhile (a restarted server) costs no error (twinning/extensions.py).
    DATABASE_PING_AFTER_IDLE_S = 10.0
    BABEL_DEFAULT_LOCALE = "fr"
    BABEL_DEFAULT_TIMEZONE = "Africa/Casablanca"
    API_MAX_PER_PAGE = 100
    API_DEFAULT_PER_PAGE = 20
    # No page takes a file; the largest form (a profile with its versions in four
    # languages) is some 300 KB once encoded. Beyond this, a translated 413 page.
    MAX_CONTENT_LENGTH = 2 * 1024 * 1024
    # Where the site is reached from outside: every link in an e-mail starts with it (never
    # with the Host header of a request, which a stranger could forge in a reset link).
    PUBLIC_URL = "http://127.0.0.1:5000"
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    REMEMBER_COOKIE_HTTPONLY = True
    REMEMBER_COOKIE_SAMESITE = "Lax"
    # Signed links: how long each kind stays valid, in seconds.
    CONFIRM_LINK_MAX_AGE = 3 * 24 * 3600
    RESET_LINK_MAX_AGE = 2 * 3600
    INVITATION_LINK_MAX_AGE = 14 * 24 * 3600
    # E-mail: SMTP when MAIL_SERVER is set; otherwise each message is written as an .eml
    # file to MAIL_OUTBOX_FOLDER (default <instance>/outbox) and listed at /dev/outbox.
    MAIL_SERVER = ""
    MAIL_PORT = 587
    MAIL_USE_TLS = True  # STARTTLS on MAIL_PORT
    MAIL_USE_SSL = False  # TLS from the first byte (usually port 465)
    MAIL_USERNAME = ""
    MAIL_PASSWORD = ""
    MAIL_TIMEOUT = 20
    MAIL_DEFAULT_SENDER = "Twinning Oriental <no-reply@twinning-oriental.example>"
    MAIL_OUTBOX_FOLDER = ""
    # Background jobs (e-mails, digests, announcements, reindexing): queued on Redis with RQ
    # and run by `flask twinning worker` when REDIS_URL is set; run at once when it is "".
    # A failed job is tried again JOB_RETRIES times, after each of JOB_RETRY_INTERVALS
    # seconds in turn, then listed for admins (/<lang>/moderation/jobs).
    REDIS_URL = ""
    JOB_QUEUE = "twinning"
    JOB_RETRIES = 3
    JOB_RETRY_INTERVALS = (30, 300, 1800)
    JOB_TIMEOUT = 1800  # seconds; a full reindex at 10,000 profiles fits well within it
    # `flask twinning send-pending` hands again to the worker the e-mails written this long
    # ago and not sent (Redis was down when they were written, or every try failed).
    PENDING_EMAIL_AFTER_MINUTES = 10
    # `flask twinning prune` (daily) deletes the rows of e-mails sent, and of the matching
    # index's change log, older than so many days: the digest refuses a run older than
    # the first (its e-mails' keys may be gone), and a process that slept longer than the
    # second loads its index afresh.
    OUTGOING_EMAIL_KEEP_DAYS = 30
    INDEX_CHANGE_KEEP_DAYS = 30
    # Exchanges: a request nobody answered expires after so many days (`flask twinning
    # expire`), and a declined pair may ask again for the same purpose after the cool-down.
    EXCHANGE_EXPIRY_DAYS = 30
    EXCHANGE_COOLDOWN_DAYS = 90
    # A newly published profile is announced to the organisations it matches at least so
    # well; the weekly digest shows at most so many new partners, above its own threshold.
    NEW_PARTNER_THRESHOLD = 0.5
    DIGEST_SUGGESTIONS = 5
    DIGEST_THRESHOLD = 0.35
    # Pages that list many organisations read their best partners from stored rows, which
    # are computed again after so many days (new profiles may have come in).
    STORED_SUGGESTIONS_MAX_AGE_DAYS = 7
    # Working languages the profile form offers as boxes to tick (any ISO 639-1 code is
    # accepted by the importer, and a profile's own are always shown).
    PROFILE_FORM_LANGUAGES = ("ar", "fr", "en", "es", "de", "it", "nl", "pt", "ca")
    # The multilingual sentence encoder the matching model uses ("" turns it off).
    MATCHING_ENCODER = "use-multilingual-v3"
    MATCHING_THREADS = 0  # 0: one BLAS thread per core
    MATCHING_INDEX_FOLDER = ""  # default: <instance>/matching
    MATCHING_VECTOR_CACHE = ""  # default: <index folder>/sentence-vectors.npz
    # Rate limits (Flask-Limiter syntax: "10 per minute; 50 per hour", "" for none) on the
    # POSTs that guess passwords, send e-mail or reach other organisations: per client
    # address, and per account where a signed-in person is needed. RATELIMIT_ENABLED=False
    # turns them all off (a test that signs in many times).
    RATELIMIT_ENABLED = True
    RATELIMIT_LOGIN = "10 per minute; 50 per hour"
    RATELIMIT_REGISTER = "5 per hour; 20 per day"
    RATELIMIT_PASSWORD_RESET = "5 per hour; 20 per day"
    RATELIMIT_EXCHANGE_REQUEST = "30 per hour"
    RATELIMIT_EXCHANGE_REQUEST_PER_USER = "10 per hour; 30 per day"
    RATELIMIT_MESSAGE = "120 per hour"
    RATELIMIT_MESSAGE_PER_USER = "60 per hour"
    # Where the counters live: "" means REDIS_URL's Redis when there is one (several workers
    # or app servers share them), else each process's memory (development, tests).
    RATELIMIT_STORAGE_URL = ""
    # Where pg_dump and pg_restore are ("": on the PATH); their major version must be the
    # server's (/usr/lib/postgresql/<version>/bin on Debian).
    PG_BIN_DIR = ""
    # Map tiles: any XYZ tile server; the page lists the organisations without them too.
    MAP_TILE_URL = "https://tile.openstreetmap.org/{z}/{x}/{y}.png"
    MAP_ATTRIBUTION = '&copy; <a href="https://www.openstreetmap.org/copyright">OpenStreetMap</a>'


def instance_path_from_environment() -> str | None:
    """``TWINNING_INSTANCE_PATH`` moves the instance folder (deployments, tests)."""
    path = os.environ.get(f"{ENV_PREFIX}INSTANCE_PATH")
    return str(Path(path).resolve()) if path else None


def load(app: Flask, test_config: dict[str, Any] | None) -> None:
    """Apply the three layers and derive what depends on them."""
    app.config.from_object(Defaults)
    app.config["BABEL_TRANSLATION_DIRECTORIES"] = str(
        Path(app.root_path).parent / "translations"
    )
    Path(app.instance_path).mkdir(parents=True, exist_ok=True)
    if test_config is None:
        app.config.from_pyfile("config.py", silent=True)
        _apply_environment(app)
    else:
        app.config.from_mapping(test_config)
    app.config.setdefault(
        "SQLALCHEMY_DATABASE_URI",
        "sqlite:///" + str(Path(app.instance_path) / "twinning.sqlite3"),
    )
    app.config["SQLALCHEMY_DATABASE_URI"] = normalise_database_url(
        app.config["SQLALCHEMY_DATABASE_URI"]
    )
    _ensure_secret_key(app)
    if app.config["ENV"] == "production":
        _production_checks(app)


def _production_checks(app: Flask) -> None:
    """Production runs on PostgreSQL behind HTTPS: cookies only travel encrypted."""
    if app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite") \
            and not app.config["ALLOW_SQLITE_IN_PRODUCTION"]:
        raise ConfigurationError(
            "production refuses SQLite: set TWINNING_DATABASE_URL to PostgreSQL "
            "(or TWINNING_ALLOW_SQLITE_IN_PRODUCTION=true for one small server)."
        )
    app.config["SESSION_COOKIE_SECURE"] = True
    app.config["REMEMBER_COOKIE_SECURE"] = True


def _apply_environment(app: Flask) -> None:
    database_url = os.environ.get(f"{ENV_PREFIX}DATABASE_URL") or os.environ.get("DATABASE_URL")
    if database_url:
        app.config["SQLALCHEMY_DATABASE_URI"] = database_url
    # Every other TWINNING_* variable overrides the setting of the same name.
    app.config.from_prefixed_env(ENV_PREFIX.rstrip("_"))
    for name in ("DATABASE_URL", "INSTANCE_PATH"):
        app.config.pop(name, None)


def normalise_database_url(url: str) -> str:
    """Use psycopg 3 for PostgreSQL whatever spelling the operator gave."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix):]
    return url


def _ensure_secret_key(app: Flask) -> None:
    """Production needs an explicit key; development keeps a generated one in the instance."""
    if app.config.get("SECRET_KEY"):
        return
    if app.config["ENV"] == "production":
        raise ConfigurationError(
            "TWINNING_SECRET_KEY is not set: production refuses to start without a secret key."
        )
    key_file = Path(app.instance_path) / "secret_key"
    if not key_file.exists():
        key_file.write_text(secrets.token_hex(32), encoding="ascii")
        key_file.chmod(0o600)
    app.config["SECRET_KEY"] = key_file.read_text(encoding="ascii").strip()
