"""Team mode on the command line: server init and add-user, --db postgresql://..., copy both ways, a
viewer's writes refused in one line, backup and restore of a server database."""

from __future__ import annotations

from pathlib import Path

import pytest

from coordinator_app.cli import main
from tests.cli.on_server import run
from tests.engines import PostgresServer

pytestmark = pytest.mark.slow


@pytest.fixture
def database(postgres_server: PostgresServer) -> str:
    name = postgres_server.empty_database("cli")
    yield name
    postgres_server.drop(name)
    for role in (f"{name}_coordinators", f"{name}_viewers", f"viewer_{name}"):
        postgres_server.execute(f'DROP OWNED BY "{role}"') if postgres_server.execute(
            f"SELECT 1 FROM pg_roles WHERE rolname = '{role}'"
        ) else None
        postgres_server.execute(f'DROP ROLE IF EXISTS "{role}"')


def test_from_a_file_to_a_shared_server_and_back(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], postgres_server: PostgresServer, database: str
) -> None:
    owner = str(postgres_server.location(database))
    viewer_name = f"viewer_{database}"
    viewer = str(postgres_server.location(database, viewer_name))
    demo = tmp_path / "demo.sqlite"
    assert run(capsys, "demo", "--db", str(demo), "--students", "60", "--as-of", "24-11-2025")[0] == 0

    code, out, _ = run(capsys, "server", "init", "--db", owner)
    assert code == 0 and "Set up its tables" in out and f"{database}_viewers (read only)" in out
    code, out, _ = run(capsys, "server", "add-user", "--db", owner, viewer_name, "--role", "viewer", "--no-password")
    assert code == 0 and f"{viewer_name}: made a viewer" in out

    code, out, _ = run(capsys, "copy", "--from", str(demo), "--to", owner)
    assert code == 0 and "60 students" in out and "the same in both" in out
    code, out, err = run(capsys, "copy", "--from", str(demo), "--to", owner)  # not over students
    assert code == 1 and out == "" and err.count("\n") == 1 and "already holds 60 students" in err

    code, out, _ = run(capsys, "attention", "--db", viewer, "--as-of", "24-11-2025")
    assert code == 0 and "overdue" in out
    code, out, err = run(capsys, "import", "--db", viewer, "docs/examples/studenten.csv")
    assert code == 1 and out == "" and err.count("\n") == 1 and "may only look at this database" in err
    code, out, err = run(capsys, "deadlines", "--db", viewer, "--programme", "PM", "--set", "9", "01-08-2026")
    assert code == 1 and err.count("\n") == 1 and "may only look" in err
    code, out, _ = run(capsys, "import", "--db", viewer, "docs/examples/studenten.csv", "--dry-run")
    assert code == 0 and "4 new" in out  # looking is reading

    back = tmp_path / "back.sqlite"
    code, out, _ = run(capsys, "copy", "--from", viewer, "--to", str(back))  # a viewer may take it out
    assert code == 0 and back.exists()
    code, out, _ = run(capsys, "check", "--db", str(back))
    assert "Students:   60" in out

    code, out, _ = run(capsys, "backup", "--db", owner)
    assert code == 0 and "60 students" in out and "server-backups" in out
    code, out, err = run(capsys, "restore", "--db", owner, str(back))  # no terminal: no
    assert code == 1 and "run again with --yes" in err
    code, out, _ = run(capsys, "restore", "--db", owner, "--yes", str(back))
    assert code == 0 and "before is kept in" in out


def test_a_server_address_that_cannot_be_used_is_one_line(
    capsys: pytest.CaptureFixture[str], postgres_server: PostgresServer, database: str
) -> None:
    with pytest.raises(SystemExit) as exited:
        main(["attention", "--db", "postgresql://someone@"])
    err = capsys.readouterr().err
    assert exited.value.code == 2 and "names no database" in err and err.count("\n") == 1
    code, _, err = run(capsys, "attention", "--db", str(postgres_server.location(database)))
    assert code == 1 and "coordinator-app server init" in err and err.count("\n") == 1
    code, _, err = run(capsys, "attention", "--db", str(postgres_server.location(database, "nobody_at_all")))
    assert code == 1 and "did not accept the login" in err
    code, _, err = run(capsys, "attention", "--db", "postgresql://someone@127.0.0.1:1/coordinator")
    assert code == 1 and "cannot be reached" in err and "Traceback" not in err
