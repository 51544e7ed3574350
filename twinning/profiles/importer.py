"""Reading interchange files: parse → validate every line → report, before anything is written."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import PurePath
from typing import Any

from flask_babel import gettext as _

from twinning.profiles.fields import BY_NAME, FIELD_NAMES, FieldKind
from twinning.profiles.interchange import FieldError, ProfileData, validate_record

JSONL = "jsonl"
CSV = "csv"


class UnsupportedFormat(ValueError):
    pass


@dataclass
class ParseResult:
    """Every valid record and every error of one or more files."""

    records: list[ProfileData] = field(default_factory=list)
    errors: list[FieldError] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors

    def extend(self, other: ParseResult) -> None:
        self.records.extend(other.records)
        self.errors.extend(other.errors)


def format_of(name: str, explicit: str | None = None) -> str:
    """The format named explicitly, or the one the file name ends with."""
    chosen = (explicit or PurePath(name).suffix.lstrip(".")).lower()
    if chosen in {JSONL, "ndjson", "json"}:
        return JSONL
    if chosen == CSV:
        return CSV
    raise UnsupportedFormat(
        _("cannot tell the format of %(name)s: use a .jsonl or .csv file, or --format",
          name=name)
    )


def parse(data: bytes, source: str, fmt: str) -> ParseResult:
    """Validate every record of one file; ``source`` names it in the error messages."""
    rows = _jsonl_rows(data, source) if fmt == JSONL else _csv_rows(data, source)
    result = ParseResult()
    first_line_of: dict[str, int] = {}
    for line, raw in rows:
        if isinstance(raw, FieldError):
            result.errors.append(raw)
            continue
        record, errors = validate_record(raw, source, line)
        result.errors.extend(errors)
        if record is None:
            continue
        if record.external_id in first_line_of:
            result.errors.append(
                FieldError(source, line, "external_id",
                           _("duplicate external_id %(value)r (first on line %(first)d)",
                             value=record.external_id, first=first_line_of[record.external_id]))
            )
            continue
        first_line_of[record.external_id] = line
        result.records.append(record)
    return result


def parse_many(files: list[tuple[str, bytes, str]]) -> ParseResult:
    """Validate several files as one batch; duplicates across files are errors too."""
    result = ParseResult()
    first_seen: dict[str, str] = {}
    for source, data, fmt in files:
        part = parse(data, source, fmt)
        for record in part.records:
            if record.external_id in first_seen:
                part.errors.append(
                    FieldError(source, 0, "external_id",
                               _("duplicate external_id %(value)r (also in %(other)s)",
                                 value=record.external_id, other=first_seen[record.external_id]))
                )
            first_seen.setdefault(record.external_id, source)
        result.extend(part)
    return result


def _decoded_lines(data: bytes, source: str) -> Iterator[tuple[int, str | FieldError]]:
    """Each physical line, decoded; a line that is not clean UTF-8 becomes an error."""
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    for number, raw_line in enumerate(data.split(b"\n"), start=1):
        if b"\x00" in raw_line:
            yield number, FieldError(source, number, "encoding", _("contains a NUL byte"))
            continue
        try:
            yield number, raw_line.decode("utf-8").rstrip("\r")
        except UnicodeDecodeError as exc:
            yield number, FieldError(
                source, number, "encoding",
                _("invalid UTF-8 at byte %(position)d", position=exc.start + 1),
            )


def _jsonl_rows(data: bytes, source: str) -> Iterator[tuple[int, Any]]:
    for number, line in _decoded_lines(data, source):
        if isinstance(line, FieldError):
            yield number, line
        elif line.strip():
            try:
                yield number, json.loads(line)
            except json.JSONDecodeError as exc:
                yield number, FieldError(
                    source, number, "json",
                    _("broken JSON: %(reason)s (column %(column)d)",
                      reason=exc.msg, column=exc.colno),
                )


def _csv_rows(data: bytes, source: str) -> Iterator[tuple[int, Any]]:
    """CSV with a header row; list cells use ``;`` and ``translations`` holds JSON."""
    decoded: list[str] = []
    encoding_errors: list[FieldError] = []
    for _number, line in _decoded_lines(data, source):
        if isinstance(line, FieldError):
            encoding_errors.append(line)
        else:
            decoded.append(line)
    if encoding_errors:
        # Quoted cells may span lines, so rows cannot be trusted around a broken line.
        yield from ((error.line, error) for error in encoding_errors)
        return
    reader = csv.DictReader(io.StringIO("\n".join(decoded), newline=""), strict=True)
    try:
        header = reader.fieldnames or []
        unknown = [name for name in header if name not in FIELD_NAMES]
        if unknown:
            yield 1, FieldError(source, 1, unknown[0], _("unknown column"))
            return
        for row in reader:
            yield reader.line_num, _csv_values(row, source, reader.line_num)
    except csv.Error as exc:
        yield reader.line_num, FieldError(source, reader.line_num, "csv", str(exc))


def _csv_values(row: dict[str, str | None], source: str, line: int) -> dict[str, Any] | FieldError:
    if None in row:
        return FieldError(source, line, "csv", _("more cells than columns"))
    values: dict[str, Any] = {name: cell for name, cell in row.items() if cell not in (None, "")}
    for name, cell in list(values.items()):
        kind = BY_NAME[name].kind
        if kind == FieldKind.TRANSLATIONS:
            try:
                values[name] = json.loads(cell)
            except json.JSONDecodeError as exc:
                return FieldError(source, line, name,
                                  _("broken JSON: %(reason)s (column %(column)d)",
                                    reason=exc.msg, column=exc.colno))
        elif BY_NAME[name].multiple:
            values[name] = [part.strip() for part in cell.split(";") if part.strip()]
    return values
