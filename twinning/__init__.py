"""Twinning Oriental: partner matching across the Mediterranean.

``create_app`` is imported lazily (PEP 562) so that the pure parts of the package,
above all :mod:`twinning.matching`, can be imported and tested without Flask.
"""

from typing import Any

__all__ = ["create_app"]


def __getattr__(name: str) -> Any:
    if name == "create_app":
        from twinning.app import create_app

        return create_app
    raise AttributeError(f"module 'twinning' has no attribute {name!r}")
