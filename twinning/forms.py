"""What every feature's forms share: choices as WTForms wants them, the "required" message."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from flask_babel import lazy_gettext as _l
from wtforms.fields.choices import SelectChoice

REQUIRED = _l("Please fill in this field.")


def as_choices(pairs: Iterable[tuple[str, Any]], optgroup: str | None = None
               ) -> list[SelectChoice]:
    """``(value, label)`` pairs as select or checkbox choices (labels may be lazy)."""
    return [SelectChoice(value, label, optgroup=optgroup) for value, label in pairs]


def grouped_choices(groups: dict[str, list[tuple[str, Any]]]) -> list[SelectChoice]:
    """Choices in ``<optgroup>``s: ``{group label: [(value, label), …]}`` (an empty group
    label leaves its choices outside any group)."""
    return [choice for label, pairs in groups.items()
            for choice in as_choices(pairs, optgroup=label or None)]
