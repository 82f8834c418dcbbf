"""Keeps the quick subset (`pytest -m "not slow"`, docs/testing.md) honest: every test that starts a
process of its own (another Python, the app, LibreOffice, a shell, a server), directly, through a
helper or through a fixture, carries `@pytest.mark.slow` (on the test, its class or its module).

Read from the source, not timed: a timing would pass or fail with the machine's load. The reader
child that the import itself starts for a workbook (spreadsheets/reading.py, ~60 ms) is the code
under test, not the test's own process, and does not count.
"""

from __future__ import annotations

import ast
import functools
from dataclasses import dataclass, field
from pathlib import Path

TESTS = Path(__file__).resolve().parents[1]
ROOT = TESTS.parent

# (module, function) calls that start a process; `from subprocess import run` is followed too.
STARTERS = {
    "subprocess": {"run", "Popen", "call", "check_call", "check_output", "getoutput", "getstatusoutput"},
    "os": {
        "system",
        "popen",
        "fork",
        "forkpty",
        "posix_spawn",
        "posix_spawnp",
        "spawnv",
        "spawnve",
        "spawnl",
        "spawnle",
        "execv",
        "execve",
        "execl",
        "execle",
    },
    "multiprocessing": {"Process", "Pool", "get_context"},
    "pty": {"spawn", "fork"},
}


@dataclass
class Module:
    path: Path
    tree: ast.Module
    defs: dict[str, ast.AST] = field(default_factory=dict)  # top-level functions and classes
    imported: dict[str, tuple[str, str]] = field(default_factory=dict)  # local name -> (module, name)
    modules: dict[str, str] = field(default_factory=dict)  # local name -> module (import x as y)


@functools.cache
def load(path: Path) -> Module:
    tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
    module = Module(path, tree)
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            for alias in node.names:
                module.imported[alias.asname or alias.name] = (node.module, alias.name)
        elif isinstance(node, ast.Import):
            for alias in node.names:
                module.modules[alias.asname or alias.name.split(".")[0]] = alias.name
    for node in tree.body:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            module.defs[node.name] = node
    return module


def suite_module_path(name: str) -> Path | None:
    """The file of a module of this test suite (`tests.reliability.process_helpers`), else None."""
    if not name.startswith("tests."):
        return None
    path = ROOT.joinpath(*name.split(".")).with_suffix(".py")
    return path if path.exists() else None


def starts_directly(call: ast.Call, module: Module) -> bool:
    func = call.func
    if isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name):
        real = module.modules.get(func.value.id, func.value.id).split(".")[0]
        return func.attr in STARTERS.get(real, set())
    if isinstance(func, ast.Name) and func.id in module.imported:
        source, name = module.imported[func.id]
        return name in STARTERS.get(source.split(".")[0], set())
    return False


_looking_at: set[tuple[Path, str]] = set()  # calls being followed now: a recursion is no process


@functools.cache
def starts_a_process(path: Path, name: str) -> bool:
    """Whether calling `name` of the file at `path` (a function, or a class whose methods do) starts a process."""
    module = load(path)
    if (path, name) in _looking_at:
        return False
    _looking_at.add((path, name))
    try:
        if name in module.defs:
            return body_starts(module, module.defs[name])
        if name in module.imported:
            source, original = module.imported[name]
            found = suite_module_path(source)
            return found is not None and starts_a_process(found, original)
        return False
    finally:
        _looking_at.discard((path, name))


def body_starts(module: Module, node: ast.AST) -> bool:
    for call in (n for n in ast.walk(node) if isinstance(n, ast.Call)):
        if starts_directly(call, module):
            return True
        func = call.func
        if isinstance(func, ast.Name) and starts_a_process(module.path, func.id):
            return True
        if isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name):
            if func.value.id in module.defs and starts_a_process(module.path, func.value.id):
                return True  # Helper.method(...) of a class in this file
            found = suite_module_path(module.modules.get(func.value.id, ""))
            if found is not None and starts_a_process(found, func.attr):
                return True
    return False


def is_slow_mark(node: ast.AST) -> bool:
    """`pytest.mark.slow`, called or not, or a list/tuple holding it."""
    if isinstance(node, ast.Call):
        return is_slow_mark(node.func)
    if isinstance(node, (ast.List, ast.Tuple)):
        return any(is_slow_mark(item) for item in node.elts)
    return (
        isinstance(node, ast.Attribute)
        and node.attr == "slow"
        and isinstance(node.value, ast.Attribute)
        and node.value.attr == "mark"
    )


def module_is_slow(module: Module) -> bool:
    for node in module.tree.body:
        if isinstance(node, ast.Assign) and any(isinstance(t, ast.Name) and t.id == "pytestmark" for t in node.targets):
            return is_slow_mark(node.value)
    return False


def is_fixture(node: ast.AST) -> bool:
    return isinstance(node, ast.FunctionDef) and any(
        "fixture" in ast.unparse(d.func if isinstance(d, ast.Call) else d) for d in node.decorator_list
    )


def fixtures_seen_from(path: Path) -> dict[str, tuple[Module, ast.FunctionDef]]:
    """Fixture name -> definition, as pytest resolves it for a test in `path` (nearest wins)."""
    found: dict[str, tuple[Module, ast.FunctionDef]] = {}
    folders = [p for p in reversed(path.parents) if p == TESTS or TESTS in p.parents]
    for source in [f / "conftest.py" for f in folders] + [path]:
        if source.exists():
            module = load(source)
            for node in module.tree.body:
                if is_fixture(node):
                    found[node.name] = (module, node)  # type: ignore[assignment]
    return found


def needs_a_process(
    module: Module,
    function: ast.FunctionDef,
    fixtures: dict[str, tuple[Module, ast.FunctionDef]],
    seen: frozenset[str] = frozenset(),
) -> bool:
    if (
        starts_a_process(module.path, function.name)
        if module.defs.get(function.name) is function
        else body_starts(module, function)
    ):
        return True
    for arg in function.args.args:
        if arg.arg in fixtures and arg.arg not in seen:
            owner, fixture = fixtures[arg.arg]
            if needs_a_process(owner, fixture, fixtures, seen | {arg.arg}):
                return True
    return False


def unmarked_tests_that_start_processes(path: Path) -> list[str]:
    module = load(path)
    if module_is_slow(module):
        return []
    fixtures = fixtures_seen_from(path)
    found = []
    tests = [(n, False) for n in module.tree.body if isinstance(n, ast.FunctionDef) and n.name.startswith("test")]
    for cls in (n for n in module.tree.body if isinstance(n, ast.ClassDef) and n.name.startswith("Test")):
        marked = any(is_slow_mark(d) for d in cls.decorator_list)
        tests += [(n, marked) for n in cls.body if isinstance(n, ast.FunctionDef) and n.name.startswith("test")]
    for test, class_marked in tests:
        if class_marked or any(is_slow_mark(d) for d in test.decorator_list):
            continue
        if needs_a_process(module, test, fixtures):
            shown = path.relative_to(ROOT) if ROOT in path.parents else path
            found.append(f"{shown}::{test.name}")
    return found


def test_every_test_that_starts_a_process_is_marked_slow() -> None:
    unmarked = [name for path in sorted(TESTS.rglob("test_*.py")) for name in unmarked_tests_that_start_processes(path)]
    assert unmarked == [], "mark these @pytest.mark.slow (they start a process):\n" + "\n".join(unmarked)


def _check(tmp_path: Path, source: str) -> list[str]:
    path = tmp_path / "test_example.py"
    path.write_text(source, encoding="utf-8")
    return [name.split("::")[1] for name in unmarked_tests_that_start_processes(path)]


def test_the_check_sees_a_process_started_directly_through_a_helper_or_a_fixture(tmp_path: Path) -> None:
    source = """
import subprocess, sys
import pytest
from subprocess import run as go
from tests.reliability.process_helpers import Child


def helper():
    return subprocess.run([sys.executable, "-c", "pass"])


class Runner:
    def start(self):
        return subprocess.Popen(["sh"])


@pytest.fixture
def child():
    return Child(1)


def test_direct():
    subprocess.run(["soffice"])

def test_imported_alias():
    go(["sh"])

def test_helper():
    helper()

def test_class_of_this_file():
    Runner().start()

def test_helper_of_another_file():
    Child(1)

def test_fixture(child):
    pass

@pytest.mark.slow
def test_marked():
    helper()

def test_in_process():
    print("no process")
"""
    assert _check(tmp_path, source) == [
        "test_direct",
        "test_imported_alias",
        "test_helper",
        "test_class_of_this_file",
        "test_helper_of_another_file",
        "test_fixture",
    ]
    (tmp_path / "module").mkdir()
    assert (
        _check(
            tmp_path / "module",
            "import pytest, subprocess\npytestmark = [pytest.mark.slow]\ndef test_x():\n    subprocess.run(['sh'])\n",
        )
        == []
    )
