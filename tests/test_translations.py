"""The four catalogs are complete, consistent and in step with the code."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

from twinning.i18n import LANGUAGES

ROOT = Path(__file__).resolve().parents[1]
PLACEHOLDER = re.compile(r"%\(\w+\)[sdr]")


def catalog(lang: str):
    with (ROOT / "translations" / lang / "LC_MESSAGES" / "messages.po").open("rb") as stream:
        return read_po(stream, locale=lang)


def extracted_ids() -> set[str]:
    method_map = [("**.py", "python"), ("templates/**.html", "jinja2"),
                  ("templates/**.txt", "jinja2")]
    keywords = {"_": None, "gettext": None, "ngettext": (1, 2), "_l": None,
                "lazy_gettext": None}
    return {
        message if isinstance(message, str) else message[0]
        for _file, _line, message, _comments, _context in extract_from_dir(
            ROOT / "twinning", method_map, keywords=keywords)
    }


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_message_is_translated_and_none_is_fuzzy(lang):
    problems = []
    for message in catalog(lang):
        if not message.id:
            continue
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        if message.fuzzy:
            problems.append(f"fuzzy: {message.id!r}")
        if not all(strings):
            problems.append(f"untranslated: {message.id!r}")
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("lang", LANGUAGES)
def test_translations_keep_the_placeholders(lang):
    problems = []
    for message in catalog(lang):
        if not message.id:
            continue
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        expected = set(PLACEHOLDER.findall(ids[-1]))
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        for form, text in enumerate(strings):
            found = set(PLACEHOLDER.findall(text))
            # Arabic's zero, one and two forms may spell the number out.
            allowed = found <= expected if lang == "ar" and len(strings) > 2 and form < 3 \
                else found == expected
            if not allowed:
                problems.append(f"{message.id!r} [{form}]: {sorted(found)}")
    assert not problems, "\n".join(problems)


def test_arabic_has_six_plural_forms():
    assert catalog("ar").num_plurals == 6


@pytest.mark.parametrize("lang", LANGUAGES)
def test_catalogs_hold_every_message_of_the_code(lang):
    wanted = extracted_ids()
    present = {message.id if isinstance(message.id, str) else message.id[0]
               for message in catalog(lang) if message.id}
    missing = sorted(wanted - present)
    assert not missing, f"run `flask translate update` and translate: {missing[:10]}"
