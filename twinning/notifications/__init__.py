"""Telling people what happened: e-mail now; in-app notifications come with exchanges."""

from __future__ import annotations

from flask import Flask

from twinning.notifications import outbox


def init_app(app: Flask) -> None:
    outbox.init_app(app)
