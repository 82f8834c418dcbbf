"""The command-line tests on both engines: a database built as a file, used as is or copied onto a server
database (as a team moves in: `coordinator-app copy`), and given to the command as `--db URL`."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    """`coordinator-app ARGV` in this process: its exit code, what it printed and what it said on stderr."""
    from coordinator_app.cli import main

    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


ENGINES = ["sqlite", pytest.param("postgresql", marks=pytest.mark.slow)]


def on_engine(request: pytest.FixtureRequest, path: Path) -> Path | str:
    """`path` itself (sqlite), or the URL of a new server database holding a copy of it (postgresql)."""
    if request.param == "sqlite":
        return path
    from coordinator_app.location import Location
    from coordinator_app.services.copying import copy_database
    from coordinator_app.services.server_setup import init_server, role_names

    server = request.getfixturevalue("postgres_server")
    name = server.empty_database("cli")
    location = server.location(name)
    init_server(location.server)

    def drop() -> None:
        server.drop(name)
        for role in role_names(location.server):
            if server.execute(f"SELECT 1 FROM pg_roles WHERE rolname = '{role}'"):
                server.execute(f'DROP OWNED BY "{role}"')
                server.execute(f'DROP ROLE "{role}"')

    request.addfinalizer(drop)
    copy_database(Location.file(path), location)
    return str(location)


def contents(db: Path | str) -> Any:
    """Everything the database holds: to show a refused command wrote nothing."""
    if isinstance(db, Path):
        return db.read_bytes()
    from coordinator_app.services.workspace import Workspace
    from tests.services.service_helpers import snapshot_db

    ws = Workspace.open(db, daily_backup=False)
    try:
        return snapshot_db(ws)
    finally:
        ws.close()
