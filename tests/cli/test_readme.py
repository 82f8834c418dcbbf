"""The README is true: its command table names every option each command takes, and its
Try-it block says that `check` exits 1 on the demo (which holds violations on purpose)."""

from __future__ import annotations

import argparse
import re
from pathlib import Path

import pytest

from coordinator_app.cli import build_parser, main

README = Path(__file__).resolve().parents[2] / "README.md"


def _rows() -> dict[str, str]:
    """Command name -> its row of the README's command table."""
    rows = {}
    for line in README.read_text("utf-8").splitlines():
        found = re.match(r"^\| `coordinator-app (\w+)\b", line)
        if found:
            rows[found.group(1)] = line
    return rows


def _subcommands() -> dict[str, argparse.ArgumentParser]:
    parser = build_parser()
    sub = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    return dict(sub.choices)


@pytest.mark.parametrize("command", sorted(_subcommands()))
def test_the_command_table_names_every_option(command: str) -> None:
    rows = _rows()
    assert command in rows, f"README has no row for `coordinator-app {command}`"
    row = rows[command]
    for action in _subcommands()[command]._actions:
        if not action.option_strings or "--help" in action.option_strings:
            continue
        assert any(re.search(rf"{re.escape(o)}\b", row) for o in action.option_strings), (
            f"README's {command} row does not name {'/'.join(action.option_strings)}"
        )


def _try_it() -> tuple[str, str]:
    """The Try-it code block and the paragraph right after it."""
    text = README.read_text("utf-8")
    start = text.index("Try it on a database of made-up students")
    block_start = text.index("```bash", start)
    block_end = text.index("```", block_start + 7)
    after = text[block_end + 3 :].strip().split("\n\n")[0]
    return text[block_start:block_end], " ".join(after.split())


def test_the_try_it_block_says_check_exits_1_on_the_demo() -> None:
    block, after = _try_it()
    assert "coordinator-app check --db demo.sqlite" in block
    assert after.startswith("`check` exits with status 1 on the demo, and that is intended")


def test_what_the_readme_says_about_check_on_the_demo_holds(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    db = tmp_path / "demo.sqlite"
    assert main(["demo", "--db", str(db), "--students", "500", "--as-of", "24-11-2025"]) == 0
    assert main(["check", "--db", str(db)]) == 1
    out = capsys.readouterr().out
    _, after = _try_it()
    for kind in ("without approval", "below Assistant professor", "travel advice orange"):
        assert kind in out
    assert (
        "started without approval" in after and "below Assistant professor" in after and "orange travel advice" in after
    )
