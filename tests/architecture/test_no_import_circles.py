"""No two modules of one folder import each other, even in a circle through others: a module is
read after the ones it needs (docs/architecture.md). The imports counted are those that bind when
the module is read or type-checked: at the top, and under `if TYPE_CHECKING:`. An import inside a
function is a choice made at run time (a dialog opened from a menu) and is left out."""

from __future__ import annotations

import ast
from collections import defaultdict
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[2] / "coordinator_app"


def module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _is_type_checking(test: ast.expr) -> bool:
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def top_level_imports(source: str, package: str) -> set[str]:
    """The modules imported at the top of a file or under `if TYPE_CHECKING:` (also inside try/else)."""
    found: set[str] = set()

    def visit(body: list[ast.stmt]) -> None:
        for node in body:
            if isinstance(node, ast.Import):
                found.update(alias.name for alias in node.names)
            elif isinstance(node, ast.ImportFrom):
                base = node.module or ""
                if node.level:  # relative: from the file's own package
                    anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                    base = ".".join([*anchor, base] if base else anchor)
                found.add(base)
                found.update(f"{base}.{alias.name}" for alias in node.names)  # `from pkg import module`
            elif isinstance(node, ast.If) and _is_type_checking(node.test):
                visit(node.body)
            elif isinstance(node, ast.Try):
                visit(node.body)
                visit(node.orelse)

    visit(ast.parse(source).body)
    return found


def folder_graph() -> dict[str, set[str]]:
    """Module -> the modules of its own folder it imports."""
    modules = {module_name(p): p for p in PACKAGE.rglob("*.py")}
    graph: dict[str, set[str]] = defaultdict(set)
    for name, path in modules.items():
        folder = name.rpartition(".")[0] if path.name != "__init__.py" else name
        for target in top_level_imports(path.read_text(encoding="utf-8"), folder):
            if target in modules and target != name and target.rpartition(".")[0] == name.rpartition(".")[0]:
                graph[name].add(target)
    return graph


def circles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Each strongly connected group of more than one module (Tarjan), sorted."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    groups: list[list[str]] = []

    def connect(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for nxt in sorted(graph.get(node, ())):
            if nxt not in index:
                connect(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in on_stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            group = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                group.append(member)
                if member == node:
                    break
            if len(group) > 1:
                groups.append(sorted(group))

    for node in sorted(graph):
        if node not in index:
            connect(node)
    return sorted(groups)


def test_the_circle_finder_sees_a_circle_and_a_type_checking_import() -> None:
    source = "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from pkg.b import B\nimport pkg.c\n"
    assert {"pkg.b", "pkg.b.B", "pkg.c"} <= top_level_imports(source, "pkg")
    assert "pkg.d" not in top_level_imports("def f():\n    import pkg.d\n", "pkg")
    assert top_level_imports("from . import e\nfrom .f import g\n", "pkg") >= {"pkg.e", "pkg.f"}
    assert circles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]
    assert circles({"a": {"b"}, "b": set()}) == []


KNOWN: list[list[str]] = []  # a circle found later is broken, not added here


def test_no_module_imports_itself_through_its_own_folder() -> None:
    assert circles(folder_graph()) == KNOWN
