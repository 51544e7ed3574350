"""Reading the packaged data files."""

from __future__ import annotations

import hashlib
import json
from importlib import resources
from typing import Any


def data_bytes(name: str) -> bytes:
    return resources.files("twinning").joinpath("data", name).read_bytes()


def data_json(name: str) -> Any:
    return json.loads(data_bytes(name).decode("utf-8"))


def data_hash(name: str) -> str:
    """A content hash, so the database copy can tell when the file changed."""
    return hashlib.sha256(data_bytes(name)).hexdigest()
