"""CI runs the README's test command (GUIDE: "it runs the README's test command"), and the quick
subset the README offers for everyday work is the one docs/testing.md measures."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _block_after(text: str, heading: str) -> str:
    """The first ```bash block after `heading`, without the fences."""
    start = text.index("```bash", text.index(heading)) + len("```bash")
    return text[start : text.index("```", start)].strip()


def readme_test_command() -> str:
    return _block_after((ROOT / "README.md").read_text("utf-8"), "**Set up and run the tests:**")


def test_ci_runs_the_readmes_test_command() -> None:
    command = readme_test_command()
    assert command.startswith("python3 -m venv .venv") and ".venv/bin/python -m pytest" in command
    run = [line.strip() for line in (ROOT / ".ci" / "run").read_text("utf-8").splitlines()]
    assert command in run, f".ci/run does not run the README's test command:\n{command}"


def test_the_whole_suite_and_the_quick_subset_use_every_core_alike() -> None:
    whole = readme_test_command().split("&&")[-1].strip()
    quick = _block_after((ROOT / "README.md").read_text("utf-8"), "## For developers")
    assert quick == whole.replace("pytest", 'pytest -m "not slow"', 1)
    testing = (ROOT / "docs" / "testing.md").read_text("utf-8")
    for command in (whole, quick):
        assert re.search(re.escape(command.replace(".venv/bin/python -m ", "")), testing), command
