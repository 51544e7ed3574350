"""``flask twinning demo`` and ``stats``."""

from __future__ import annotations

import json


def test_demo_refuses_a_non_empty_database_unless_forced(demo_app, runner):
    refused = runner.invoke(args=["twinning", "demo"])
    assert refused.exit_code != 0
    assert "--force" in refused.output
    quiet = runner.invoke(args=["twinning", "demo", "--if-empty"])
    assert quiet.exit_code == 0
    forced = runner.invoke(args=["twinning", "demo", "--force"])
    assert forced.exit_code == 0
    assert "0 profile(s) created" in forced.output


def test_stats_counts_by_kind_country_province_sector_language(demo_app, runner):
    result = runner.invoke(args=["twinning", "stats", "--json"])
    assert result.exit_code == 0, result.output
    stats = json.loads(result.output)
    assert stats["total"] >= 150
    assert sum(stats["kind"].values()) == stats["total"]
    assert sum(stats["country"].values()) == stats["total"]
    assert len(stats["province"]) >= 8
    assert stats["sector"]["honey"] > 0
    assert stats["language"]["ar"] > 0
    table = runner.invoke(args=["twinning", "stats"])
    assert "cooperative" in table.output
