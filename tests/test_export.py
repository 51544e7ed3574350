"""``flask twinning export``: stable, and a round trip through an empty database is exact."""

from __future__ import annotations

import json

import pytest


@pytest.mark.parametrize("extension", ["jsonl", "csv"])
def test_export_import_export_is_byte_identical(demo_app, runner, make_app, tmp_path, extension):
    first = tmp_path / f"first.{extension}"
    assert runner.invoke(args=["twinning", "export", str(first)]).exit_code == 0

    empty = make_app()
    empty_runner = empty.test_cli_runner()
    result = empty_runner.invoke(args=["twinning", "import", str(first)])
    assert result.exit_code == 0, result.output
    second = tmp_path / f"second.{extension}"
    assert empty_runner.invoke(args=["twinning", "export", str(second)]).exit_code == 0

    assert first.read_bytes() == second.read_bytes()
    assert len(first.read_bytes().splitlines()) >= 150


def test_export_field_order_follows_the_interchange_format(demo_app, runner, tmp_path):
    from twinning.profiles.fields import FIELD_NAMES

    target = tmp_path / "out.jsonl"
    runner.invoke(args=["twinning", "export", str(target)])
    lines = target.read_text(encoding="utf-8").splitlines()
    external_ids = []
    for line in lines:
        record = json.loads(line)
        keys = list(record)
        assert keys == [name for name in FIELD_NAMES if name in record]
        external_ids.append(record["external_id"])
    assert external_ids == sorted(external_ids)


def test_export_to_stdout(demo_app, runner):
    result = runner.invoke(args=["twinning", "export", "-"])
    assert result.exit_code == 0
    assert json.loads(result.output.splitlines()[0])["external_id"]
