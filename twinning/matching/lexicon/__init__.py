"""Data the model reads: stop words, need/offer cues, kind compatibility, related sectors."""

from __future__ import annotations

import hashlib
import json
from functools import cache
from importlib import resources
from typing import Any

FILES = ("stopwords.json", "cues.json", "kinds.json", "sectors.json")


def load(name: str) -> Any:
    return json.loads(resources.files(__package__).joinpath(name).read_text(encoding="utf-8"))


@cache
def content_hash() -> str:
    """Changes whenever any lexicon file changes, so a saved index knows it is stale."""
    digest = hashlib.sha256()
    for name in FILES:
        digest.update(resources.files(__package__).joinpath(name).read_bytes())
    return digest.hexdigest()
