"""The example files the README's "Try it" imports stay importable into a fresh demo."""

from __future__ import annotations

from pathlib import Path

import pytest

from coordinator_app.cli import main

EXAMPLES = Path(__file__).resolve().parents[2] / "docs" / "examples"


def test_the_readme_example_student_list_and_results_import_into_a_demo(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = str(tmp_path / "demo.sqlite")
    assert main(["demo", "--db", db, "--students", "200"]) == 0
    capsys.readouterr()
    assert main(["import", "--db", db, str(EXAMPLES / "studenten.csv")]) == 0
    assert "4 new, 0 updated, 0 unchanged, 0 rejected" in capsys.readouterr().out
    assert main(["import", "--db", db, str(EXAMPLES / "cijfers-PM-PERS.csv"), "--course", "PM-PERS"]) == 0
    assert "4 new, 0 updated, 0 unchanged, 0 rejected" in capsys.readouterr().out
    # The second time nothing changes.
    assert main(["import", "--db", db, str(EXAMPLES / "cijfers-PM-PERS.csv"), "--course", "PM-PERS"]) == 0
    assert "0 new, 0 updated, 4 unchanged, 0 rejected" in capsys.readouterr().out
