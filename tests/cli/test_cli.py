"""The command line, run in-process through `main([...])` (and once as a real process)."""

from __future__ import annotations

import csv
import io
import subprocess
import sys
from datetime import date, datetime
from pathlib import Path

import pytest

from coordinator_app import __version__
from coordinator_app.cli import main
from coordinator_app.store.migrate import head_revision
from tests.cli.on_server import run
from tests.conftest import copy_database

AS_OF = "2025-11-24"


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("cli") / "demo.sqlite"
    assert main(["demo", "--db", str(path), "--students", "400", "--seed", "3", "--as-of", AS_OF]) == 0
    return path


@pytest.fixture(scope="session")
def clean_db_built_once(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Two students with nothing wrong."""
    from coordinator_app.services.internships import update_internship
    from coordinator_app.services.students import NewStudent, add_student
    from coordinator_app.services.workspace import Workspace

    path = tmp_path_factory.mktemp("built-once") / "clean.sqlite"
    ws = Workspace.open(path)
    try:
        sid = add_student(ws, NewStudent("PM", 2024, "2712345", "Anouk", "de Vries", specialization="medical_imaging"))
        update_internship(
            ws,
            sid,
            "minor",
            start_date=date(2025, 3, 3),
            approval_status="approved",
            approval_date=date(2025, 2, 1),
            is_umc=True,
            assessor_rank="UHD",
        )
        add_student(ws, NewStudent("IMIM", 2025, "s3100001", "Lars", "Eriksson"))
    finally:
        ws.close()
    return path


@pytest.fixture
def clean_db(tmp_path: Path, clean_db_built_once: Path) -> Path:
    """A copy of the database built once per session: copying takes a millisecond, building it
    was most of each test's time (docs/testing.md)."""
    return copy_database(clean_db_built_once, tmp_path / clean_db_built_once.name)


def attention_rows(out: str) -> list[list[str]]:
    """`attention --format csv` as Excel in a Dutch region reads it: a BOM, then ';'-separated rows."""
    assert out.startswith("\ufeff")
    return list(csv.reader(io.StringIO(out[1:], newline=""), delimiter=";"))


def one_line_error(err: str) -> str:
    assert "Traceback" not in err
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    assert lines[0].startswith("coordinator-app")
    return lines[0]


def test_version(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exited:
        main(["--version"])
    assert exited.value.code == 0
    assert capsys.readouterr().out.strip() == f"Coordinator App {__version__}"


@pytest.mark.slow
def test_version_as_a_real_process() -> None:
    exe = Path(sys.executable).with_name("coordinator-app")
    done = subprocess.run([str(exe), "--version"], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == f"Coordinator App {__version__}"
    assert done.stderr == ""


def test_demo_prints_a_summary_and_refuses_to_overwrite(demo_db: Path, capsys: pytest.CaptureFixture[str]) -> None:
    size = demo_db.stat().st_size
    code, out, err = run(capsys, "demo", "--db", str(demo_db), "--students", "10")
    assert code == 1 and out == ""
    assert "already exists" in one_line_error(err)
    assert demo_db.stat().st_size == size


def test_demo_summary(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "small.sqlite"
    code, out, err = run(capsys, "demo", "--db", str(path), "--students", "50", "--as-of", AS_OF)
    assert (code, err) == (0, "")
    assert out.startswith(f"Demo database {path}: 50 students in ")


@pytest.mark.slow  # over half a second of processor time on a quiet machine (docs/testing.md)
def test_demo_without_db_never_writes_into_the_coordinators_own_database(capsys: pytest.CaptureFixture[str]) -> None:
    """docs/gui.md: made-up students never go into the real database. Without --db the demo is a file
    of its own next to it (the one the first-start dialog offers), and the own database is untouched."""
    from coordinator_app.paths import default_database_path, default_demo_path
    from coordinator_app.services.students import NewStudent, add_student, count_students
    from coordinator_app.services.workspace import Workspace

    own = default_database_path()
    own.parent.mkdir(parents=True, exist_ok=True)
    ws = Workspace.open(own)
    try:
        add_student(ws, NewStudent("PM", 2025, "2712345", "Anouk", "de Vries"))
    finally:
        ws.close()
    code, out, err = run(capsys, "demo", "--students", "5", "--as-of", AS_OF)
    assert (code, err) == (0, "")
    demo = default_demo_path()
    assert demo != own and demo.parent == own.parent
    assert out.splitlines() == [out.splitlines()[0], f"Open it with: coordinator-app --db {demo}"]
    assert out.startswith(f"Demo database {demo}: 5 students")
    ws = Workspace.open(own)
    try:
        assert count_students(ws) == 1
    finally:
        ws.close()
    # A second demo does not overwrite the first, and says how to open it.
    code, _, err = run(capsys, "demo", "--students", "5")
    assert code == 1 and f"or open that one: coordinator-app --db {demo}" in one_line_error(err)


def test_attention_csv_is_sorted_by_due_date(demo_db: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(
        capsys, "attention", "--db", str(demo_db), "--as-of", AS_OF, "--within", "14", "--format", "csv"
    )
    assert (code, err) == (0, "")
    rows = attention_rows(out)
    assert rows[0] == ["due", "status", "days", "student_number", "name", "programme", "cohort", "component", "item"]
    body = rows[1:]
    assert len(body) > 20
    dues = [datetime.strptime(r[0], "%d-%m-%Y").date() for r in body]
    assert dues == sorted(dues)
    assert max(dues) <= date(2025, 12, 8)
    for r in body:
        days = (datetime.strptime(r[0], "%d-%m-%Y").date() - date(2025, 11, 24)).days
        assert int(r[2]) == days
        assert r[1] == ("overdue" if days < 0 else "due soon")
        assert r[5] in ("PM", "IMIM") and r[3] and r[4]
    assert {r[1] for r in body} == {"overdue", "due soon"}


def test_attention_text(demo_db: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "attention", "--db", str(demo_db), "--as-of", AS_OF)
    assert (code, err) == (0, "")
    lines = out.splitlines()
    _, csv_out, _ = run(capsys, "attention", "--db", str(demo_db), "--as-of", AS_OF, "--format", "csv")
    items = attention_rows(csv_out)[1:]
    overdue = sum(1 for r in items if r[1] == "overdue")
    assert lines[0] == f"As of Mon 24-11-2025: {overdue} overdue, {len(items) - overdue} due within 14 days"
    assert len(lines) == len(items) + 1
    first = items[0]
    assert lines[1].startswith(first[0])
    assert first[3] in lines[1] and "late" in lines[1]


def test_attention_with_nothing_to_do(clean_db: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "attention", "--db", str(clean_db), "--as-of", "2024-10-01", "--within", "7")
    assert code == 0
    assert out.strip() == "Nothing overdue or due within 7 days of 01-10-2024."


@pytest.mark.parametrize(
    "option, values",
    [
        ("--programme", ("PM", "Master Personalized Medicine", "pm")),
        ("--cohort", ("2024", "2024-2025")),
    ],
)
def test_programme_and_cohort_by_code_name_or_years(
    demo_db: Path, capsys: pytest.CaptureFixture[str], option: str, values: tuple[str, ...]
) -> None:
    outputs = []
    for value in values:
        code, out, err = run(
            capsys, "attention", "--db", str(demo_db), "--as-of", AS_OF, "--format", "csv", option, value
        )
        assert (code, err) == (0, "")
        outputs.append(out)
    assert all(o == outputs[0] for o in outputs)
    rows = attention_rows(outputs[0])[1:]
    assert rows
    if option == "--programme":
        assert {r[5] for r in rows} == {"PM"}
        _, imim, _ = run(
            capsys,
            "attention",
            "--db",
            str(demo_db),
            "--as-of",
            AS_OF,
            "--format",
            "csv",
            option,
            "International Master's Programme in Innovative Medicine",
        )
        assert {r[5] for r in attention_rows(imim)[1:]} <= {"IMIM"}
    else:
        assert {r[6] for r in rows} == {"2024"}
        _, everything, _ = run(capsys, "attention", "--db", str(demo_db), "--as-of", AS_OF, "--format", "csv")
        assert len(rows) < len(everything.splitlines()) - 1


def test_check_names_the_demos_violations(demo_db: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "check", "--db", str(demo_db))
    assert (code, err) == (1, "")  # the demo holds a few violations on purpose
    lines = out.splitlines()
    assert lines[0] == f"Database:   {demo_db}"
    assert lines[1] == f"Schema:     {head_revision()} (latest {head_revision()})"
    assert lines[2] == "Integrity:  ok"
    assert lines[3] == "Students:   400"
    count = int(lines[4].removeprefix("Rule violations: "))
    assert count == len(lines) - 5 and count > 0
    assert all(line.startswith("  - ") for line in lines[5:])
    assert any(k in out for k in ("without approval", "below Assistant professor", "same university", "travel advice"))


def test_check_on_a_clean_database_exits_0(clean_db: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "check", "--db", str(clean_db))
    assert (code, err) == (0, "")
    assert "Students:   2" in out
    assert out.splitlines()[-1] == "Rule violations: none"


def test_global_db_option_works_too(clean_db: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "--db", str(clean_db), "check")
    assert code == 0 and f"Database:   {clean_db}" in out


def test_unknown_programme(demo_db: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "attention", "--db", str(demo_db), "--programme", "Dentistry")
    assert code == 1 and out == ""
    line = one_line_error(err)
    assert "No programme 'Dentistry'" in line and "PM (Master Personalized Medicine)" in line


def test_bad_cohort(demo_db: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys, "attention", "--db", str(demo_db), "--cohort", "last year")
    assert code == 1
    assert "A cohort is its start year, like 2024" in one_line_error(err)


@pytest.mark.parametrize("command", ["attention", "check"])
def test_missing_database_is_not_created(tmp_path: Path, capsys: pytest.CaptureFixture[str], command: str) -> None:
    path = tmp_path / "nowhere.sqlite"
    code, out, err = run(capsys, command, "--db", str(path))
    assert code == 1 and out == ""
    message = one_line_error(err)
    assert f"There is no database at {path}" in message
    # An empty database comes from the window; the demo is only offered to try the app out.
    assert f"To create an empty one, start the window with 'coordinator-app --db {path}'" in message
    assert f"to try the app with made-up students: coordinator-app demo --db {path}" in message
    assert "Create one with: coordinator-app demo" not in message
    assert not path.exists()


@pytest.mark.parametrize("as_of", ["23-11-2026", "2026-11-23", "23/11/2026"])
def test_attention_takes_the_date_in_either_form(demo_db: Path, capsys: pytest.CaptureFixture[str], as_of: str) -> None:
    code, out, _ = run(capsys, "attention", "--db", str(demo_db), "--as-of", as_of, "--format", "csv")
    assert code == 0
    assert len(out.splitlines()) > 1
    assert run(capsys, "attention", "--db", str(demo_db), "--as-of", "2026-11-23", "--format", "csv")[1] == out


def test_demo_takes_a_day_first_date(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "demo", "--db", str(tmp_path / "d.sqlite"), "--students", "5", "--as-of", "24-11-2025")
    assert code == 0 and "Demo database" in out


def _help(capsys: pytest.CaptureFixture[str], *argv: str) -> str:
    with pytest.raises(SystemExit) as exited:
        main([*argv, "--help"])
    assert exited.value.code == 0
    return " ".join(capsys.readouterr().out.split())  # unwrapped


@pytest.mark.parametrize("command", ["demo", "attention", "check", "export", "import", "backup", "restore"])
def test_every_command_explains_its_db_option(capsys: pytest.CaptureFixture[str], command: str) -> None:
    text = _help(capsys, command)
    assert "SUB_DB" not in text
    assert "--db FILE_OR_URL" in text  # a database file, or a server database in team mode
    if command == "demo":  # made-up students never go into the coordinator's own database
        assert (
            "default: demo.sqlite next to your own database in your user data folder (never your own database)" in text
        )
    else:
        assert "default: your own database in your user data folder" in text


@pytest.mark.parametrize("command", ["demo", "attention", "export"])
def test_date_options_name_both_forms(capsys: pytest.CaptureFixture[str], command: str) -> None:
    text = _help(capsys, command)
    assert "--as-of DATE" in text
    assert "DATE (dd-mm-yyyy or yyyy-mm-dd)" in text


def test_check_help_says_it_exits_1_on_violations(capsys: pytest.CaptureFixture[str]) -> None:
    assert "Exits with status 1 when it finds a rule violation" in _help(capsys, "check")


@pytest.mark.parametrize("command", ["attention", "check"])
def test_not_a_database(tmp_path: Path, capsys: pytest.CaptureFixture[str], command: str) -> None:
    path = tmp_path / "thesis.sqlite"
    path.write_bytes(b"%PDF-1.5\n" + bytes(range(256)))
    before = path.read_bytes()
    code, out, err = run(capsys, command, "--db", str(path))
    assert code == 1 and out == ""
    assert "is not a Coordinator App database" in one_line_error(err)
    assert path.read_bytes() == before


@pytest.mark.parametrize(
    "argv, message",
    [
        (["attention", "--as-of", "2025-13-01"], "'2025-13-01' is not a date; use dd-mm-yyyy or yyyy-mm-dd"),
        (["attention", "--as-of", "31-02-2025"], "'31-02-2025' is not a date; use dd-mm-yyyy or yyyy-mm-dd"),
        (["export", "--as-of", "next week", "-o", "x.xlsx"], "'next week' is not a date; use dd-mm-yyyy or yyyy-mm-dd"),
        (["attention", "--within", "-3"], "must be 0 or more"),
        (["attention", "--format", "xlsx"], "invalid choice"),
        (["demo", "--students", "many"], "is not a whole number"),
        (["frobnicate"], "invalid choice"),
    ],
)
def test_bad_arguments(demo_db: Path, capsys: pytest.CaptureFixture[str], argv: list[str], message: str) -> None:
    with pytest.raises(SystemExit) as exited:
        main([*argv, "--db", str(demo_db)] if argv[0] != "frobnicate" else argv)
    assert exited.value.code == 2
    out, err = capsys.readouterr()
    assert out == ""
    assert message in one_line_error(err)
