"""The matching package stays free of Flask and the database (it is tested on plain data)."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

MATCHING = Path(__file__).resolve().parents[1] / "twinning" / "matching"
FORBIDDEN = ("flask", "flask_babel", "flask_sqlalchemy", "sqlalchemy", "twinning.models",
             "twinning.extensions")


def test_matching_imports_nothing_forbidden():
    for path in MATCHING.rglob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            names = []
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom):
                names = [node.module or ""]
            for name in names:
                assert not name.startswith(FORBIDDEN), f"{path.name} imports {name}"


def test_matching_loads_without_flask():
    code = (
        "import sys, twinning.matching.text\n"
        "assert 'flask' not in sys.modules and 'sqlalchemy' not in sys.modules, sorted(sys.modules)"
    )
    subprocess.run([sys.executable, "-c", code], check=True)
