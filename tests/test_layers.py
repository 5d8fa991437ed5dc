"""Dependencies run one way: ui -> rules -> db. db/ and rules/ never import Qt, and
ui/ never talks SQL."""

from __future__ import annotations

import ast
import pathlib

import pytest

ROOT = pathlib.Path(__file__).resolve().parent.parent


def _imports(path: pathlib.Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names |= {a.name.split(".")[0] for a in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module.split(".")[0])
    return names


def _files(package):
    return sorted((ROOT / package).rglob("*.py"))


@pytest.mark.parametrize("package", ["db", "rules"])
def test_no_qt_below_ui(package):
    for path in _files(package):
        bad = _imports(path) & {"PySide6", "PyQt5", "PyQt6", "ui", "shiboken6"}
        assert not bad, f"{path.relative_to(ROOT)} imports {bad}"


def test_db_does_not_import_rules():
    for path in _files("db"):
        assert "rules" not in _imports(path), path


def test_ui_runs_no_sql():
    for path in _files("ui"):
        assert "sqlite3" not in _imports(path), path
        text = path.read_text(encoding="utf-8")
        for word in ("SELECT ", "INSERT INTO", "executemany("):
            assert word not in text, f"{path.relative_to(ROOT)} contains {word!r}"
