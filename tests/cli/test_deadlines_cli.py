"""`coordinator-app deadlines`: the schedule listed per academic year, one month set or cleared,
every mistake one line on stderr with nothing written."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from coordinator_app.cli import main
from tests.cli.on_server import run
from tests.conftest import copy_database


@pytest.fixture(scope="session")
def db_built_once(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from coordinator_app.services.graduation import plan_graduation
    from coordinator_app.services.students import NewStudent, add_student
    from coordinator_app.services.workspace import Workspace

    path = tmp_path_factory.mktemp("built-once") / "office.sqlite"
    ws = Workspace.open(path)
    try:
        sid = add_student(ws, NewStudent("PM", 2023, "2712345", "Anouk", "de Vries"))
        plan_graduation(ws, sid, 2025, 1)
    finally:
        ws.close()
    return path


@pytest.fixture
def db(tmp_path: Path, db_built_once: Path) -> Path:
    """A copy of the database built once per session: copying takes a millisecond, building it
    was most of each test's time (docs/testing.md)."""
    return copy_database(db_built_once, tmp_path / db_built_once.name)


def _due(path: Path) -> date:
    """The Academic Core CV due date of the student planned in January 2025."""
    import sqlite3

    con = sqlite3.connect(path)
    try:
        return date.fromisoformat(
            con.execute("SELECT due_date FROM portfolio_item WHERE kind = 'cv_assignment'").fetchone()[0]
        )
    finally:
        con.close()


def test_the_list_shows_the_published_schedule_and_the_default_marked_as_such(db: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    code, out, err = run(capsys, "deadlines", "--db", str(db), "--programme", "PM", "--year", "2024-2025")
    assert code == 0 and err == ""
    lines = out.splitlines()
    assert lines[0] == "PM: deadlines for final products, graduation months of 2024-2025"
    assert lines[2].split() == ["September", "2024", "30-09-2024", "16-09-2024", "programme", "schedule"]
    assert lines[6].split() == ["January", "2025", "31-01-2025", "13-01-2025", "programme", "schedule", "1"]
    assert lines[10].split() == ["May", "2025", "30-05-2025", "02-05-2025", "computed", "default"]
    assert lines[12].split() == ["July", "2025", "31-07-2025", "26-06-2025", "computed", "default"]
    assert "--set MONTH DATE" in lines[-1]


def test_without_a_programme_every_programme_is_listed(db: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    code, out, _ = run(capsys, "deadlines", "--db", str(db), "--year", "2024")
    assert code == 0
    assert [line for line in out.splitlines() if line.endswith("graduation months of 2024-2025")] == [
        "IMIM: deadlines for final products, graduation months of 2024-2025",
        "PM: deadlines for final products, graduation months of 2024-2025",
    ]


def test_set_and_clear_a_month(db: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    code, out, err = run(
        capsys, "deadlines", "--db", str(db), "--programme", "PM", "--set", "January 2025", "06-01-2025"
    )
    assert (code, err) == (0, "")
    assert out.strip() == (
        "The PM deadline for graduating in January 2025 is now 06-01-2025; Academic Core due dates moved for 1 student."
    )
    assert _due(db) == date(2025, 1, 6)
    listed = run(capsys, "deadlines", "--db", str(db), "--programme", "PM", "--year", "2024")[1].splitlines()
    assert listed[6].split()[:6] == ["January", "2025", "31-01-2025", "06-01-2025", "entered", "(else"]
    code, out, _ = run(capsys, "deadlines", "--db", str(db), "--programme", "pm", "--clear", "2025-01")
    assert code == 0
    assert out.strip() == (
        "Cleared the PM deadline entered for January 2025: the programme schedule 13-01-2025 "
        "applies again; Academic Core due dates moved for 1 student."
    )
    assert _due(db) == date(2025, 1, 13)


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (
            ["--programme", "PM", "--set", "2025-01", "31-02-2025"],
            "'31-02-2025' is not a date; use dd-mm-yyyy or yyyy-mm-dd",
        ),
        (["--programme", "PM", "--set", "2025-13", "01-01-2025"], "A month is 1-12, not 13."),
        (
            ["--programme", "PM", "--set", "next month", "01-01-2025"],
            "'next month' is not a month; write it like 2025-01",
        ),
        (
            ["--programme", "PM", "--set", "2025-01", "13-01-2024"],
            "The deadline for graduating in January 2025 lies between 30-11-2024 and the graduation date 31-01-2025, "
            "not on 13-01-2024.",
        ),
        (["--programme", "PM", "--set", "9999-12", "01-12-9999"], "between 2000 and 2100"),
        (["--programme", "PM", "--clear", "2025-01"], "No deadline was entered for graduating in January 2025 in PM"),
        (["--set", "2025-01", "13-01-2025"], "Name the programme whose deadline to change: --programme IMIM or PM."),
        (["--programme", "XYZ"], "No programme 'XYZ'"),
        (["--year", "1999"], "A graduation month lies between 2000 and 2100, not in 1999."),
        (["--year", "next"], "A cohort is its start year"),
    ],
)
def test_a_mistake_is_one_line_and_writes_nothing(db: Path, capsys, argv: list[str], message: str) -> None:  # type: ignore[no-untyped-def]
    before = db.read_bytes()
    code, out, err = run(capsys, "deadlines", "--db", str(db), *argv)
    assert code == 1 and out == ""
    lines = err.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in err
    assert message in lines[0]
    assert _due(db) == date(2025, 1, 13)
    assert db.read_bytes() == before


def test_set_and_clear_together_are_refused_by_the_parser(db: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(SystemExit) as exited:
        main(
            ["deadlines", "--db", str(db), "--programme", "PM", "--set", "2025-01", "13-01-2025", "--clear", "2025-01"]
        )
    assert exited.value.code == 2
    err = capsys.readouterr().err
    assert len(err.strip().splitlines()) == 1 and "not allowed with argument --set" in err


def test_a_missing_database_is_not_created(tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "nowhere.sqlite"
    code, out, err = run(capsys, "deadlines", "--db", str(path))
    assert code == 1 and out == "" and "There is no database at" in err
    assert not path.exists()
