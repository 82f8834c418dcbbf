"""Both database engines for the tests: SQLite files and databases on a PostgreSQL server.

The server is the one `.ci/run` started (its URL in COORDINATOR_APP_TEST_POSTGRES, a superuser on
a Unix socket), or one the `postgres_server` fixture starts itself with `.ci/postgres` where the
PostgreSQL binaries are installed; elsewhere the server half of the tests is skipped, saying why.
With COORDINATOR_APP_TEST_POSTGRES=required (CI) a missing server fails the run instead.

Each test gets a database of its own, made from a template set up once per session by
`server init` (CREATE DATABASE ... TEMPLATE: ~20 ms, like copying the blank SQLite file).
"""

from __future__ import annotations

import itertools
import os
import shutil
import subprocess
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from coordinator_app.location import Location, ServerAddress, parse_server_url

ENV = "COORDINATOR_APP_TEST_POSTGRES"
TEMPLATE = "coordinator_test_template"
SQLITE, POSTGRESQL = "sqlite", "postgresql"
_numbers = itertools.count(1)


def superuser_connect(url: str, database: str = "postgres") -> Any:
    import psycopg

    address = parse_server_url(url)
    return psycopg.connect(_with_database(address, database).url(), autocommit=True)


def _with_database(address: ServerAddress, database: str, user: str | None = None) -> ServerAddress:
    return ServerAddress(
        database, user if user is not None else address.user, address.host, address.port, address.options
    )


@dataclass
class PostgresServer:
    """A running server the tests may use as a superuser (`url` names its `postgres` database)."""

    url: str
    address: ServerAddress = field(init=False)
    template_ready: bool = False

    def __post_init__(self) -> None:
        self.address = parse_server_url(self.url)

    def location(self, database: str, user: str | None = None) -> Location:
        return Location(server=_with_database(self.address, database, user))

    def execute(self, sql: str, database: str = "postgres") -> list[tuple[Any, ...]]:
        with superuser_connect(self.url, database) as conn:
            cursor = conn.execute(sql)
            return list(cursor.fetchall()) if cursor.description else []

    @property
    def template_name(self) -> str:
        """One per test process: pytest-xdist's workers share the server and set theirs up side by side."""
        return f"{TEMPLATE}_{os.getpid()}"

    def template(self) -> str:
        """The session's template database: the app's tables at head, roles and programmes (server init)."""
        if not self.template_ready:
            from coordinator_app.services.server_setup import init_server

            self.execute(f'DROP DATABASE IF EXISTS "{self.template_name}" WITH (FORCE)')
            init_server(_with_database(self.address, self.template_name))
            self.template_ready = True
        return self.template_name

    def clean_up(self) -> None:
        """Drop this process's template and its roles (a server that outlives the run stays tidy)."""
        if not self.template_ready:
            return
        import psycopg

        from coordinator_app.services.server_setup import role_names

        roles = role_names(_with_database(self.address, self.template_name))
        try:
            self.drop(self.template_name)
            for role in roles:
                self.execute(f'DROP OWNED BY "{role}"')
                self.execute(f'DROP ROLE IF EXISTS "{role}"')
        except psycopg.Error as exc:  # a leftover on a throwaway server is no reason to fail the run
            print(f"test server not tidied: {exc}")
        self.template_ready = False

    def new_database(self, prefix: str = "t") -> str:
        """A new database (made from the template), named uniquely for this run."""
        name = f"{prefix}_{os.getpid()}_{next(_numbers)}"
        self.execute(f'CREATE DATABASE "{name}" TEMPLATE "{self.template()}" STRATEGY FILE_COPY')
        return name

    def empty_database(self, prefix: str = "e") -> str:
        name = f"{prefix}_{os.getpid()}_{next(_numbers)}"
        self.execute(f'CREATE DATABASE "{name}" TEMPLATE template0')
        return name

    def drop(self, name: str) -> None:
        self.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def server_workspace_factory(
    server: PostgresServer, programmes: dict[str, Any], default_today: date | None
) -> tuple[Callable[..., Any], Callable[[], None]]:
    """`factory(name, today, copy_of, daily_backup)` like make_workspace's, on server databases; and the
    clean-up that closes the workspaces and drops their databases."""
    from coordinator_app.services.workspace import Workspace

    opened: list[Any] = []
    made: list[str] = []
    names: dict[str, str] = {}

    def factory(
        name: str = "test.sqlite",
        today: date | None = default_today,
        copy_of: Path | None = None,
        daily_backup: bool = False,
        **_: Any,
    ) -> Any:
        assert name not in names, f"{name}: each database of a test needs a name of its own"
        database = server.new_database()
        names[name] = database
        made.append(database)
        location = server.location(database)
        if copy_of is not None:
            from coordinator_app.services.copying import copy_database

            copy_database(Location.file(copy_of), location, replace=True)
        ws = Workspace.open(location, programmes)
        ws.today = today
        opened.append(ws)
        return ws

    def clean_up() -> None:
        for ws in opened:
            ws.close()
        for database in made:
            server.drop(database)

    return factory, clean_up


# -- fixtures (tests/conftest.py loads this module as a plugin) --------------------------------------
SCRIPT = Path(__file__).resolve().parents[1] / ".ci" / "postgres"
# The server half of a test that runs on both engines is slow: the quick subset (-m "not slow") is SQLite's.
ENGINES = [SQLITE, pytest.param(POSTGRESQL, marks=pytest.mark.slow)]


def server_folder_parent() -> str | None:
    """The RAM disk where the machine has one (as tests/conftest.py puts the test folders), else /tmp.

    Every test on the server makes a database (CREATE DATABASE copies the template's ~300 files) and
    drops it: on this machine's disk a new file costs ~1.8 ms, so a database ~0.5 s of the server's
    processor time, against ~15 ms on the RAM disk (docs/testing.md). The server runs with fsync off
    in either place, so nothing the tests check changes."""
    shm = Path("/dev/shm")
    try:
        info = os.statvfs(shm)
    except (OSError, AttributeError):  # no /dev/shm (macOS, Windows)
        return None
    return str(shm) if info.f_bavail * info.f_frsize >= 1 << 30 and os.access(shm, os.W_OK | os.X_OK) else None


def _binaries_here() -> bool:
    return shutil.which("pg_ctl") is not None or any(Path("/usr/lib/postgresql").glob("*/bin/pg_ctl"))


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[PostgresServer]:
    """The test server: the one .ci/run started, else one started here for the session, else a skip."""
    given = os.environ.get(ENV, "")
    if given and given != "required":
        server = PostgresServer(given)
        yield server
        server.clean_up()
        return
    if not _binaries_here():
        if given == "required":
            pytest.fail(f"{ENV}=required but there is no PostgreSQL server here (pg_ctl)")
        pytest.skip("no PostgreSQL server here (pg_ctl not installed): the server half of the tests is skipped")
    # In a folder anyone may reach (the server's own user is postgres when the tests run as root).
    folder = Path(tempfile.mkdtemp(prefix="coordinator-pg-", dir=server_folder_parent()))
    started = subprocess.run([str(SCRIPT), "start", str(folder)], capture_output=True, text=True, timeout=120)
    if started.returncode != 0:
        shutil.rmtree(folder, ignore_errors=True)
        message = f"the test PostgreSQL server did not start: {started.stderr.strip()[-400:]}"
        if given == "required":
            pytest.fail(message)
        pytest.skip(message)
    try:
        yield PostgresServer(started.stdout.strip().splitlines()[-1])
    finally:
        subprocess.run([str(SCRIPT), "stop", str(folder)], capture_output=True, timeout=120)
        shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture(params=ENGINES)
def engine_kind(request: pytest.FixtureRequest) -> str:
    """sqlite, then postgresql: a test that asks for it (through make_workspace) runs on both.
    `@pytest.mark.sqlite_only` keeps a test about a file's own behaviour on SQLite."""
    kind: str = request.param
    if kind == POSTGRESQL and request.node.get_closest_marker("sqlite_only") is not None:
        pytest.skip("about an SQLite file's own behaviour")
    return kind


@pytest.fixture
def server_databases(postgres_server: PostgresServer, programmes: dict[str, Any]) -> Iterator[Callable[..., Any]]:
    """`server_databases(name)` -> a Workspace on a new server database (the make_workspace of the server)."""
    from datetime import date as _date

    factory, clean_up = server_workspace_factory(postgres_server, programmes, _date(2025, 11, 24))
    yield factory
    clean_up()


def both_engines(
    request: pytest.FixtureRequest, sqlite_factory: Callable[..., Any], kind: str, programmes: dict[str, Any]
) -> Iterator[Callable[..., Any]]:
    """The body of a folder's make_workspace that runs its tests on both engines."""
    if kind == SQLITE:
        yield sqlite_factory
        return
    # Asked for here, not as an argument: only the server half (marked slow) may start the server.
    server: PostgresServer = request.getfixturevalue("postgres_server")
    factory, clean_up = server_workspace_factory(server, programmes, _today_of(sqlite_factory))
    try:
        yield factory
    finally:
        clean_up()


def _today_of(factory: Callable[..., Any]) -> date | None:
    import inspect

    default = inspect.signature(factory).parameters.get("today")
    return default.default if default is not None else None
