"""docs/architecture.md names files and functions a newcomer then opens: each must be there. A file
in the table is looked for in that row's folder; `folder/module.name` in the walks is a module of
the package and a function, class or constant it defines (or a method of a class in it)."""

from __future__ import annotations

import ast
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PACKAGE = ROOT / "coordinator_app"
PAGE = ROOT / "docs" / "architecture.md"


def defined_names(path: Path) -> set[str]:
    """Every function, class and assigned name in a module, methods and class attributes included."""
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            names.add(node.name)
        elif isinstance(node, ast.Assign):
            names.update(t.id for t in node.targets if isinstance(t, ast.Name))
        elif isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
            names.add(node.target.id)
    return names


def missing_in_table(text: str) -> list[str]:
    """Files named in a row of the table that are in neither that row's folder nor the package (a
    row may name the module of the layer below it reads through)."""
    missing = []
    for row in (line for line in text.splitlines() if line.startswith("| `")):
        cells = row.split("|")
        folders = [ROOT / f.rstrip("/*") for f in re.findall(r"`([\w/]+)/?`", cells[1]) if (ROOT / f).is_dir()]
        folders = [*folders, PACKAGE]
        for name in re.findall(r"`([\w/]+\.py)`", "|".join(cells[2:])):
            if not any(
                list(folder.rglob(name)) or (ROOT / name).exists() or (PACKAGE / name).exists() for folder in folders
            ):
                missing.append(f"{name} (row {cells[1].strip()})")
    return missing


def missing_references(text: str) -> list[str]:
    """`folder/module.py` files and `folder/module.name` functions that are not there."""
    missing = []
    for path in re.findall(r"`((?:[a-z_]+/)+[a-z_]+\.py)`", text):
        if not ((PACKAGE / path).exists() or (ROOT / path).exists()):
            missing.append(path)
    for module, name in re.findall(r"`?((?:[a-z_]+/)+[a-z_]+)\.([A-Za-z_]\w*)`?", text):
        file = PACKAGE / f"{module}.py"
        if name == "py" or not (PACKAGE / module.split("/")[0]).is_dir():
            continue
        if not file.exists():
            missing.append(f"{module}.py (for {name})")
        elif name not in defined_names(file):
            missing.append(f"{module}.{name}")
    return missing


def test_every_file_and_function_the_page_names_is_there() -> None:
    text = PAGE.read_text(encoding="utf-8")
    assert missing_in_table(text) == []
    assert missing_references(text) == []


def test_the_checker_sees_a_name_that_is_gone() -> None:
    assert missing_references("`services/courses.record_grade` and `services/courses.no_such_step`") == [
        "services/courses.no_such_step"
    ]
    assert missing_references("`services/no_such_module.py`") == ["services/no_such_module.py"]
    assert missing_in_table("| `coordinator_app/domain/` | rules (`no_such_rule.py`, `grades.py`) | x |") == [
        "no_such_rule.py (row `coordinator_app/domain/`)"
    ]


def test_the_page_has_both_walks_and_stays_one_page() -> None:
    text = PAGE.read_text(encoding="utf-8")
    assert "## Walk 1: a grade typed in the window, to its row and its export cell" in text
    assert "## Walk 2: an internship start date, to its due dates in the attention list" in text
    assert len(text.splitlines()) <= 80
