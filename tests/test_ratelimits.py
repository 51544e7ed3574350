"""Rate limits: log-in, registration, password reset, exchange requests and messages are
limited per client address (the proxy's, when trusted) and, for messages and requests, per
account; only POST counts; the 429 page speaks the reader's language and says when to try
again; several app servers share their counters in Redis."""

from __future__ import annotations

import os

import pytest
import redis
from site_helpers import PASSWORD, log_in, make_user, submit
from test_exchanges import _ask, pair  # noqa: F401  (pair is a fixture)

from twinning.extensions import db

# A Redis database of these tests' own, flushed before and after.
REDIS_URL = os.environ.get("TWINNING_TEST_REDIS_URL", "redis://127.0.0.1:6379/14")


@pytest.fixture
def app(make_app):
    """Small limits, so that a few requests reach them."""
    return make_app(RATELIMIT_LOGIN="3 per minute", RATELIMIT_PASSWORD_RESET="2 per hour",
                    RATELIMIT_MESSAGE="10 per hour", RATELIMIT_MESSAGE_PER_USER="2 per hour")


def _wrong_log_in(client, lang: str = "fr", **kwargs):
    return submit(client, f"/{lang}/account/login",
                  {"email": "nobody@example.org", "password": "not the password"}, **kwargs)


def test_log_in_is_limited_and_the_page_says_when_to_try_again(app):
    client = app.test_client()
    for _ in range(3):
        assert _wrong_log_in(client).status_code == 200
    for _ in range(5):  # reading the form costs nothing
        assert client.get("/ar/account/login").status_code == 200
    refused = _wrong_log_in(client, lang="ar")
    assert refused.status_code == 429
    assert '<html lang="ar" dir="rtl"' in refused.text
    assert 0 < int(refused.headers["Retry-After"]) <= 60
    assert "خلال" in refused.text  # "in … seconds", as Arabic says it
    french = _wrong_log_in(client, lang="fr")
    assert french.status_code == 429 and "dans" in french.text and "429" in french.text


def test_the_right_password_is_limited_too(app):
    make_user(app, "amina@example.ma")
    client = app.test_client()
    for _ in range(3):
        _wrong_log_in(client)
    assert log_in(client, "amina@example.ma", PASSWORD).status_code == 429


def test_password_reset_is_limited(app):
    client = app.test_client()
    for _ in range(2):
        assert submit(client, "/en/account/reset", {"email": "a@example.org"}).status_code == 200
    assert submit(client, "/en/account/reset", {"email": "b@example.org"}).status_code == 429


def test_each_client_behind_a_trusted_proxy_has_its_own_count(make_app):
    app = make_app(PROXY_FIX_HOPS=1, RATELIMIT_LOGIN="1 per minute")
    client = app.test_client()
    first = {"X-Forwarded-For": "203.0.113.7"}
    assert _wrong_log_in(client, headers=first).status_code == 200
    assert _wrong_log_in(client, headers=first).status_code == 429
    assert _wrong_log_in(client, headers={"X-Forwarded-For": "203.0.113.8"}).status_code == 200


def test_an_untrusted_forwarded_address_does_not_escape_the_limit(make_app):
    app = make_app(RATELIMIT_LOGIN="1 per minute")
    client = app.test_client()
    assert _wrong_log_in(client, headers={"X-Forwarded-For": "203.0.113.7"}).status_code == 200
    assert _wrong_log_in(client, headers={"X-Forwarded-For": "203.0.113.8"}).status_code == 429


def test_limits_can_be_turned_off(make_app):
    app = make_app(RATELIMIT_ENABLED=False, RATELIMIT_LOGIN="1 per minute")
    client = app.test_client()
    assert all(_wrong_log_in(client).status_code == 200 for _ in range(3))


def test_messages_are_limited_per_account_not_per_office(pair):  # noqa: F811
    """Fatima and Karim keep the same cooperative from the same address: Fatima's messages
    reaching her own limit leaves Karim free to write."""
    with pair.app_context():
        exchange_id = _ask().id
        db.session.commit()
    page = f"/fr/exchanges/{exchange_id}"
    fatima, karim = pair.test_client(), pair.test_client()
    assert log_in(fatima, "fatima@example.ma").status_code == 302
    assert log_in(karim, "karim@example.ma").status_code == 302

    def write(client, text: str):
        return submit(client, f"{page}/messages", {"text": text}, form_page=page)

    assert write(fatima, "Nous pouvons venir en mai.").status_code == 303
    assert write(fatima, "Ou bien en juin.").status_code == 303
    assert write(fatima, "Ou en juillet ?").status_code == 429
    assert write(karim, "Mai nous convient mieux.").status_code == 303


@pytest.fixture
def redis_url() -> str:
    server = redis.Redis.from_url(REDIS_URL)
    try:
        server.ping()
    except redis.ConnectionError as exc:
        reason = f"Redis unreachable at {REDIS_URL}: {exc}"
        if os.environ.get("CI") == "true":
            pytest.fail(reason, pytrace=False)
        pytest.skip(reason)
    server.flushdb()
    yield REDIS_URL
    server.flushdb()
    server.close()


def test_app_servers_share_their_counts_in_redis(make_app, redis_url):
    """Two apps (two app servers) on one Redis: attempts on either count once."""
    settings = {"RATELIMIT_STORAGE_URL": redis_url, "RATELIMIT_LOGIN": "3 per minute"}
    first, second = make_app(**settings), make_app(**settings)
    assert _wrong_log_in(first.test_client()).status_code == 200
    assert _wrong_log_in(second.test_client()).status_code == 200
    assert _wrong_log_in(first.test_client()).status_code == 200
    assert _wrong_log_in(second.test_client()).status_code == 429
    assert redis.Redis.from_url(redis_url).keys("*twinning*")
