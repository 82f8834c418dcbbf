"""Layers import only from below (GUIDE, docs/architecture.md): the window, the command line and the
spreadsheets never reach into store/ (not even for its error classes, services/errors.py re-exports
them), services never import the window, and nothing below ui/ imports Qt."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[2] / "coordinator_app"

# layer -> the package prefixes its modules must not import
FORBIDDEN = {
    "ui": ("coordinator_app.store", "coordinator_app.commands", "coordinator_app.cli"),
    "commands": ("coordinator_app.store", "coordinator_app.ui"),
    "cli.py": ("coordinator_app.store", "coordinator_app.ui.main_window"),
    "pdf": ("coordinator_app.store", "coordinator_app.ui", "coordinator_app.commands", "coordinator_app.cli"),
    "spreadsheets": ("coordinator_app.store", "coordinator_app.ui", "coordinator_app.commands", "PySide6"),
    "services": (
        "coordinator_app.ui",
        "coordinator_app.commands",
        "coordinator_app.spreadsheets",
        "coordinator_app.pdf",
        "coordinator_app.cli",
        "PySide6",
    ),
    "store": (
        "coordinator_app.services",
        "coordinator_app.ui",
        "coordinator_app.commands",
        "coordinator_app.spreadsheets",
        "PySide6",
    ),
    "domain": ("coordinator_app.store", "coordinator_app.services", "coordinator_app.ui", "sqlalchemy", "PySide6"),
}


def imported_names(source: str) -> list[tuple[int, str]]:
    """Every module a file imports (at the top or inside a function), with its line."""
    names: list[tuple[int, str]] = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            names.extend((node.lineno, alias.name) for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.append((node.lineno, node.module))
    return names


def violations(layer: str) -> list[str]:
    root = PACKAGE / layer
    files = [root] if root.is_file() else sorted(root.rglob("*.py"))
    found = []
    for path in files:
        for line, name in imported_names(path.read_text(encoding="utf-8")):
            if any(name == bad or name.startswith(bad + ".") for bad in FORBIDDEN[layer]):
                found.append(f"{path.relative_to(PACKAGE.parent)}:{line} imports {name}")
    return found


@pytest.mark.parametrize("layer", sorted(FORBIDDEN))
def test_imports_point_down(layer: str) -> None:
    assert violations(layer) == []


# Below the window: the services (and the rules), the spreadsheets and the PDFs (one layer down:
# the export and import dialogs, the PDF reports), and the package's own start-up helpers (its name and version, paths, the log file).
UI_MAY_IMPORT = (
    "coordinator_app.ui",
    "coordinator_app.services",
    "coordinator_app.domain",
    "coordinator_app.spreadsheets",
    "coordinator_app.pdf",
    "coordinator_app.paths",
    "coordinator_app.logging_setup",
    "coordinator_app.location",
)


def test_the_window_imports_only_what_is_below_it() -> None:
    found = []
    for path in sorted((PACKAGE / "ui").rglob("*.py")):
        for line, name in imported_names(path.read_text(encoding="utf-8")):
            if (
                name.startswith("coordinator_app")
                and name != "coordinator_app"
                and not any(name == allowed or name.startswith(allowed + ".") for allowed in UI_MAY_IMPORT)
            ):
                found.append(f"{path.relative_to(PACKAGE.parent)}:{line} imports {name}")
    assert found == []


def test_the_check_sees_an_import_inside_a_function() -> None:
    source = "def f():\n    from coordinator_app.store.errors import DatabaseProblem\n"
    assert imported_names(source) == [(2, "coordinator_app.store.errors")]
