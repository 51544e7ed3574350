"""The headers every answer carries: a Content-Security-Policy with no inline script and
no framing, no MIME sniffing, a sober referrer, and HSTS in production.

The pages load nothing from other sites but the map's tiles (``MAP_TILE_URL``), so the
policy allows exactly that. Written here rather than with Flask-Talisman: five headers,
one function, nothing to configure twice.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import Flask, Response, current_app, request

HSTS = "max-age=31536000; includeSubDomains"
# An e-mail's HTML (development outbox only) is written with inline styles, like any e-mail.
INLINE_STYLE_ENDPOINTS = frozenset({"outbox.message_html"})


def content_security_policy(tile_url: str, inline_style: bool = False) -> str:
    tiles = urlsplit(tile_url)
    tile_origin = f"{tiles.scheme}://{tiles.netloc}".replace("{s}", "*") if tiles.netloc else ""
    directives = {
        "default-src": "'self'",
        "script-src": "'self'",
        "style-src": "'self' 'unsafe-inline'" if inline_style else "'self'",
        "img-src": " ".join(filter(None, ("'self'", "data:", tile_origin))),
        "connect-src": "'self'",
        "font-src": "'self'",
        "object-src": "'none'",
        "base-uri": "'self'",
        "form-action": "'self'",
        "frame-ancestors": "'none'",
    }
    return "; ".join(f"{name} {value}" for name, value in directives.items())


def _secure_headers(response: Response) -> Response:
    config = current_app.config
    response.headers.setdefault("Content-Security-Policy", content_security_policy(
        config["MAP_TILE_URL"], inline_style=request.endpoint in INLINE_STYLE_ENDPOINTS))
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    response.headers.setdefault("Referrer-Policy", "strict-origin-when-cross-origin")
    response.headers.setdefault("X-Frame-Options", "DENY")
    response.headers.setdefault("Permissions-Policy",
                                "camera=(), microphone=(), geolocation=(), payment=()")
    if config["ENV"] == "production":
        response.headers.setdefault("Strict-Transport-Security", HSTS)
    return response


def init_app(app: Flask) -> None:
    app.after_request(_secure_headers)
