"""Every subcommand with every kind of bad argument: one line on stderr, a non-zero exit, nothing written.

The cases are built from the parser itself. Each subcommand's options are sorted into kinds (a
database path, a file path, a number, a date, a programme, a cohort, a course, a choice) and every
kind has its bad values: a folder, a folder that does not exist, a huge number, a far date, an
unknown name. A new subcommand fails `test_every_subcommand_has_a_valid_call` until it has a line
in VALID (a correct call, which must exit 0); a new option fails `test_every_option_has_a_kind`
until its kind is known here. So nothing new escapes the table.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pytest

from coordinator_app.cli import build_parser, main
from coordinator_app.commands.arguments import cli_date

HUGE = str(10**30)
FAR_DATE = "31-12-9999"


@dataclass
class Env:
    tmp: Path
    db: Path  # a small database with nothing wrong in it (check exits 0 on it)
    copy: Path  # a backup of it, for restore
    students: Path  # a student list without programme and cohort columns


# A correct call of every subcommand: option (its longest spelling) or positional name -> value;
# None for a flag. Each bad case replaces one of these values, or adds the option.
VALID: dict[str, Callable[[Env], dict[str, str | None]]] = {
    "demo": lambda e: {"--db": str(e.tmp / "new.sqlite"), "--students": "5", "--seed": "2", "--as-of": "24-11-2025"},
    "attention": lambda e: {
        "--db": str(e.db),
        "--as-of": "24-11-2025",
        "--within": "14",
        "--programme": "PM",
        "--cohort": "2024",
        "--format": "text",
    },
    "check": lambda e: {"--db": str(e.db)},
    "export": lambda e: {
        "--db": str(e.db),
        "--as-of": "24-11-2025",
        "--programme": "PM",
        "--cohort": "2024",
        "--output": str(e.tmp / "out.xlsx"),
    },
    "import": lambda e: {
        "--db": str(e.db),
        "file": str(e.students),
        "--programme": "PM",
        "--cohort": "2025",
        "--kind": "students",
        "--dry-run": None,
    },
    "backup": lambda e: {"--db": str(e.db), "--output": str(e.tmp / "copy-2.sqlite")},
    "restore": lambda e: {"--db": str(e.db), "file": str(e.copy)},
    "deadlines": lambda e: {"--db": str(e.db), "--programme": "PM", "--year": "2025"},
    "removed": lambda e: {"--db": str(e.db)},
    "copy": lambda e: {"--from": str(e.db), "--to": str(e.tmp / "copied.sqlite")},
    "allocate": lambda e: {"--db": str(e.db), "--programme": "PM", "--cohort": "2024", "--seed": "3"},
    "attach": lambda e: {
        "--db": str(e.db),
        "student": "2712345",
        "file": str(e.students),
        "--programme": "PM",
        "--item": "first_year_assignments",
    },
    "calendar": lambda e: {
        "--db": str(e.db),
        "--programme": "PM",
        "--cohort": "2024",
        "--student": "2712345",
        "--output": str(e.tmp / "deadlines.ics"),
    },
    "report": lambda e: {
        "--db": str(e.db),
        "student": "2712345",
        "--programme": "PM",
        "--as-of": "24-11-2025",
        "--output": str(e.tmp / "report.pdf"),
    },
    "reports": lambda e: {
        "--db": str(e.db),
        "--programme": "PM",
        "--cohort": "2024",
        "--as-of": "24-11-2025",
        "--folder": str(e.tmp / "a-folder"),
    },
    "certificate": lambda e: {
        "--db": str(e.db),
        "student": "2799002",
        "--programme": "PM",
        "--as-of": "24-11-2025",
        "--coordinator": "Marieke Smit",
        "--output": str(e.tmp / "certificate.pdf"),
    },
}
# Commands whose every call needs a PostgreSQL server (`server init`, `server add-user`): their bad
# arguments are tried against the test server in tests/cli/test_team_cli.py.
ON_A_SERVER = {"server"}

# Options that take no value (nothing to get wrong) and options whose kind is known.
FLAGS = {
    "--help",
    "--dry-run",
    "--skip-rejected",
    "--list",
    "--replace-damaged",
    "--yes",
    "--apply",
    "--undo",
    "--waiting",
    "--literature",
    "--received",
}
BAD_VALUES: dict[str, list[Callable[[Env], str | list[str]]]] = {
    "database": [lambda e: str(e.tmp / "a-folder"), lambda e: str(e.tmp / "no" / "such" / "folder" / "x.sqlite")],
    "file": [lambda e: str(e.tmp / "a-folder"), lambda e: str(e.tmp / "no" / "such" / "folder" / "x.xlsx")],
    "number": [lambda e: HUGE],
    "date": [lambda e: FAR_DATE],
    "programme": [lambda e: "Dentistry"],
    "cohort": [lambda e: "1999", lambda e: "1850"],
    "course": [lambda e: "NO-SUCH-COURSE"],
    "choice": [lambda e: "nonsense"],
    "year": [lambda e: "1850", lambda e: "9999"],
    "month": [lambda e: "9999-01", lambda e: "Smarch 2025"],
    "month and date": [lambda e: ["2026-01", FAR_DATE], lambda e: ["9999-01", "09-01-2026"]],
    "student": [lambda e: "9999999"],
    "item": [lambda e: "no_such_item"],
    "column map": [lambda e: "F", lambda e: "F=Shoe size"],
    "folder": [lambda e: str(e.db), lambda e: str(e.tmp / "no" / "such" / "folder")],
    "name": [lambda e: "   "],
}
# Options by what they take, where the name says it.
KIND_BY_DEST = {
    "source": "database",
    "target": "database",
    "programme": "programme",
    "cohort": "cohort",
    "course": "course",
    "year": "year",
    "clear": "month",
    "set": "month and date",
    "restore": "student",
    "student": "student",
    "item": "item",
    "map": "column map",
    "coordinator": "name",
}
# Values that are right for one command though they look wrong in the table: a student list may
# start a cohort the database has no students in yet.
NOT_WRONG = {("import", "--cohort", "1999")}


def kind_of(action: argparse.Action) -> str | None:
    if action.dest == "sub_db":
        return "database"
    if action.dest == "folder":
        return "folder"
    if action.type is Path:
        return "file"
    if action.type is cli_date:
        return "date"
    if action.choices is not None:
        return "choice"
    if getattr(action.type, "__name__", "") == "whole number":
        return "number"
    return KIND_BY_DEST.get(action.dest)


def key_of(action: argparse.Action) -> str:
    return max(action.option_strings, key=len) if action.option_strings else action.dest


def subcommands() -> dict[str, argparse.ArgumentParser]:
    parser = build_parser()
    sub = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    return {name: p for name, p in sub.choices.items() if name not in ON_A_SERVER}


def test_the_commands_left_to_the_server_tests_are_there() -> None:
    parser = build_parser()
    sub = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    assert set(sub.choices) >= ON_A_SERVER


@pytest.mark.parametrize(
    "argv",
    [
        ["server", "init", "--db", "clean.sqlite"],
        ["server", "init", "--db", "postgresql://someone@"],
        ["server", "add-user", "--db", "postgresql://someone@", "anna", "--role", "coordinator"],
        ["server", "add-user", "--db", "clean.sqlite", "anna", "--role", "viewer"],
        ["server", "add-user", "--db", "postgresql://someone@server/pm", "anna", "--role", "boss"],
        ["server", "wipe", "--db", "postgresql://someone@server/pm"],
    ],
)
def test_a_server_command_without_a_usable_server_address_is_one_line(
    argv: list[str], env: Env, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Refused before any connection is tried (none of these addresses is reached)."""
    monkeypatch.chdir(env.tmp)
    before = files_under(env.tmp)
    code, out, err = run(capsys, argv)
    assert code != 0 and out == "" and "Traceback" not in err
    lines = err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("coordinator-app"), err
    assert files_under(env.tmp) == before


def cases() -> list[tuple[str, str, str, int]]:
    out = []
    for command, sub in subcommands().items():
        for action in sub._actions:
            kind = kind_of(action)
            if kind is not None:
                out += [(command, key_of(action), kind, n) for n in range(len(BAD_VALUES[kind]))]
    return out


def argv_for(command: str, values: dict[str, str | list[str] | None]) -> list[str]:
    argv = [command]
    for key, value in values.items():
        if key.startswith("-"):
            argv.append(key)
        if isinstance(value, list):
            argv += value
        elif value is not None:
            argv.append(value)
    return argv


def run(capsys: pytest.CaptureFixture[str], argv: list[str]) -> tuple[int, str, str]:
    try:
        code = main(argv)
    except SystemExit as exited:  # argparse: a malformed value
        code = int(exited.code or 0)
    out, err = capsys.readouterr()
    return code, out, err


def files_under(folder: Path) -> dict[str, int]:
    """What a command wrote: every file by its size. The app's own daily backup copies and SQLite's
    side files are left out (opening a database may make them; they are not the command's work)."""
    return {
        str(p.relative_to(folder)): p.stat().st_size
        for p in folder.rglob("*")
        if "backups" not in p.parts and not p.name.endswith(("-wal", "-shm", "-journal"))
    }


@pytest.fixture(scope="module")
def clean_source(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from coordinator_app.services.students import NewStudent, add_student
    from coordinator_app.services.workspace import Workspace

    path = tmp_path_factory.mktemp("source") / "clean.sqlite"
    ws = Workspace.open(path)
    try:
        add_student(ws, NewStudent("PM", 2024, "2712345", "Anouk", "de Vries"))
        add_student(ws, NewStudent("IMIM", 2024, "s3100001", "Lars", "Eriksson"))
        # A student who stopped with two courses passed: the attendance certificate's valid call.
        from coordinator_app.services.courses import record_grade
        from coordinator_app.services.students import update_student

        stopped = add_student(ws, NewStudent("PM", 2024, "2799002", "Sem", "Visser"))
        record_grade(ws, stopped, "PM-PERS", "7.0", exam_date=date(2024, 9, 27))
        record_grade(ws, stopped, "PM-DSB", "6.5", exam_date=date(2024, 10, 25))
        update_student(ws, stopped, status="stopped")
    finally:
        ws.close()
    return path


@pytest.fixture
def env(tmp_path: Path, clean_source: Path) -> Env:
    import shutil

    (tmp_path / "a-folder").mkdir()
    db = tmp_path / "clean.sqlite"
    shutil.copyfile(clean_source, db)
    copy = tmp_path / "clean-copy.sqlite"
    shutil.copyfile(clean_source, copy)
    students = tmp_path / "list.csv"
    students.write_text("Studentnummer;Voornaam;Achternaam\n2799001;Anna;Visser\n", encoding="utf-8")
    return Env(tmp_path, db, copy, students)


def test_every_subcommand_has_a_valid_call() -> None:
    missing = sorted(set(subcommands()) - set(VALID))
    assert not missing, f"add a correct call of {missing} to VALID, so its bad arguments are tried"


def test_every_option_has_a_kind() -> None:
    unknown = [
        (command, key_of(a))
        for command, sub in subcommands().items()
        for a in sub._actions
        if kind_of(a) is None and not (set(a.option_strings) & FLAGS)
    ]
    assert not unknown, f"give these options a kind in kind_of (and bad values): {unknown}"


@pytest.mark.parametrize("command", sorted(VALID))
def test_the_valid_call_works(command: str, env: Env, capsys: pytest.CaptureFixture[str]) -> None:
    """So a failure below is the bad argument's doing, not the rest of the call."""
    code, _, err = run(capsys, argv_for(command, VALID[command](env)))
    assert (code, err) == (0, ""), err


@pytest.mark.parametrize("command, key, kind, n", cases(), ids=lambda v: str(v))
def test_a_bad_argument_is_one_line_and_writes_nothing(
    command: str, key: str, kind: str, n: int, env: Env, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = BAD_VALUES[kind][n](env)
    values = {**VALID[command](env), key: bad}
    before = files_under(env.tmp)
    code, out, err = run(capsys, argv_for(command, values))
    if (command, key, str(bad)) in NOT_WRONG:
        assert code == 0, err
        return
    assert code != 0, f"{command} {key} {bad}: exit 0\n{out}"
    assert "Traceback" not in err
    lines = err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("coordinator-app"), err
    assert out == ""
    assert files_under(env.tmp) == before, f"{command} {key} {bad} wrote something"
    assert not (env.tmp / "no").exists()


def test_cases_cover_every_kind_on_every_command() -> None:
    """The table really reaches each subcommand (a parser change cannot empty it silently)."""
    seen = {(c, k) for c, _, k, _ in cases()}
    for command in subcommands():
        assert (command, "database") in seen, command
    for command, kind in [
        ("demo", "number"),
        ("demo", "date"),
        ("attention", "number"),
        ("attention", "date"),
        ("attention", "programme"),
        ("attention", "cohort"),
        ("export", "file"),
        ("export", "cohort"),
        ("import", "file"),
        ("backup", "file"),
        ("restore", "file"),
    ]:
        assert (command, kind) in seen, (command, kind)


def test_the_limits_are_named(env: Env, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys, ["attention", "--db", str(env.db), "--within", "99999999"])
    assert code == 2 and "'99999999' is too large; use at most 3,660 days" in err
    code, _, err = run(capsys, ["attention", "--db", str(env.db), "--as-of", FAR_DATE])
    assert code == 2 and f"'{FAR_DATE}' is too far away; use a date between 1990 and 2100" in err
    code, _, err = run(capsys, ["demo", "--db", str(env.tmp / "d.sqlite"), "--students", "0"])
    assert code == 2 and "'0' must be 1 or more" in err
    assert not (env.tmp / "d.sqlite").exists()
    assert cli_date("31-12-2100") == date(2100, 12, 31)


def test_attention_and_export_give_one_answer_for_an_empty_cohort(env: Env, capsys: pytest.CaptureFixture[str]) -> None:
    _, _, attention = run(capsys, ["attention", "--db", str(env.db), "--cohort", "1999"])
    _, _, export = run(capsys, ["export", "--db", str(env.db), "--cohort", "1999", "-o", str(env.tmp / "x.xlsx")])
    assert attention.strip() == "coordinator-app: There are no students in the 1999-2000 cohort."
    assert export.strip() == "coordinator-app: There are no students in the 1999-2000 cohort; nothing to export."
    _, _, attention = run(capsys, ["attention", "--db", str(env.db), "--cohort", "2025", "--programme", "IMIM"])
    assert attention.strip() == "coordinator-app: There are no students in the 2025-2026 cohort of IMIM."


def test_the_messages_name_the_path(env: Env, capsys: pytest.CaptureFixture[str]) -> None:
    folder = env.tmp / "a-folder"
    _, _, err = run(capsys, ["check", "--db", str(folder)])
    assert (
        err.strip() == f"coordinator-app: {folder} is a folder; --db takes a database file, like "
        f"{folder / 'coordinator.sqlite'}."
    )
    missing = env.tmp / "no" / "such" / "x.sqlite"
    _, _, err = run(capsys, ["demo", "--db", str(missing)])
    assert (
        err.strip() == f"coordinator-app: There is no folder {missing.parent} for the database x.sqlite; check "
        "the path, or create the folder first."
    )
    assert not missing.parent.parent.exists()
