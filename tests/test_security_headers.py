"""Every answer carries the security headers; HSTS only in production."""

from __future__ import annotations

import pytest

from twinning.security import content_security_policy


@pytest.mark.parametrize("url", ["/fr/", "/ar/account/login", "/api/v1/taxonomy",
                                 "/static/style.css", "/fr/nowhere"])
def test_every_answer_carries_the_security_headers(client, url):
    with client.get(url) as response:  # a static file's stream is closed with it
        headers = response.headers
    policy = headers["Content-Security-Policy"]
    assert "script-src 'self'" in policy and "unsafe-inline" not in policy
    assert "frame-ancestors 'none'" in policy and "object-src 'none'" in policy
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Referrer-Policy"] == "strict-origin-when-cross-origin"
    assert "Strict-Transport-Security" not in headers


def test_the_map_tiles_host_is_the_only_other_origin():
    policy = content_security_policy("https://tile.openstreetmap.org/{z}/{x}/{y}.png")
    assert "img-src 'self' data: https://tile.openstreetmap.org;" in policy
    assert policy.count("https://") == 1


def test_production_adds_hsts(make_app):
    app = make_app(ENV="production", ALLOW_SQLITE_IN_PRODUCTION=True)
    assert app.test_client().get("/fr/").headers["Strict-Transport-Security"].startswith(
        "max-age=31536000")
