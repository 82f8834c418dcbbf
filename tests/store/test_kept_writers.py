"""Each thread keeps one connection for its writes (store/engine.write_transaction): reused while it
is still on the file at the path, given up after a failure, closed by `engine.dispose()`."""

from __future__ import annotations

import shutil
import sqlite3
import threading
from pathlib import Path

import pytest
from sqlalchemy import Engine, text

from coordinator_app.store.engine import make_engine, write_transaction

pytestmark = pytest.mark.sqlite_only  # about SQLite's kept connections; a server's are its pool's


@pytest.fixture
def engine(tmp_path: Path) -> Engine:
    made = make_engine(tmp_path / "kept.sqlite")
    with made.begin() as conn:
        conn.execute(text("CREATE TABLE note (id INTEGER PRIMARY KEY, said TEXT)"))
    return made


def _raw(engine: Engine, said: str) -> sqlite3.Connection:
    with write_transaction(engine) as conn:
        conn.execute(text("INSERT INTO note (said) VALUES (:said)"), {"said": said})
        raw = conn.connection.driver_connection
        assert isinstance(raw, sqlite3.Connection) and raw.in_transaction  # BEGIN IMMEDIATE ran
        return raw


def _said(path: Path) -> list[str]:
    with sqlite3.connect(path) as con:
        return [said for (said,) in con.execute("SELECT said FROM note ORDER BY id")]


def test_a_thread_writes_on_the_same_connection_each_time(engine: Engine, tmp_path: Path) -> None:
    first = _raw(engine, "one")
    assert _raw(engine, "two") is first
    seen: list[sqlite3.Connection] = []
    worker = threading.Thread(target=lambda: seen.append(_raw(engine, "from a job")))
    worker.start()
    worker.join()
    assert seen and seen[0] is not first  # a job's thread keeps its own
    assert _said(tmp_path / "kept.sqlite") == ["one", "two", "from a job"]
    engine.dispose()


def test_a_failed_write_is_rolled_back_and_the_next_one_works(engine: Engine, tmp_path: Path) -> None:
    _raw(engine, "kept")
    with pytest.raises(RuntimeError), write_transaction(engine) as conn:
        conn.execute(text("INSERT INTO note (said) VALUES ('rolled back')"))
        raise RuntimeError("the coordinator's action was refused")
    _raw(engine, "after")
    assert _said(tmp_path / "kept.sqlite") == ["kept", "after"]
    engine.dispose()


def test_a_file_replaced_at_the_path_is_written_through_a_new_connection(engine: Engine, tmp_path: Path) -> None:
    """As a restore does (store/restore.replace_file): the kept connection is on the file set aside."""
    path = tmp_path / "kept.sqlite"
    first = _raw(engine, "before")
    other = tmp_path / "backup.sqlite"
    with sqlite3.connect(other) as con:
        con.execute("CREATE TABLE note (id INTEGER PRIMARY KEY, said TEXT)")
        con.execute("INSERT INTO note (said) VALUES ('in the backup')")
    con.close()
    for side in ("", "-wal", "-shm"):  # as restore.replace_file sets the file and its side files aside
        if Path(f"{path}{side}").exists():
            Path(f"{path}{side}").rename(tmp_path / f"aside.sqlite{side}")
    shutil.copy(other, path)
    assert _raw(engine, "after the restore") is not first
    assert _said(path) == ["in the backup", "after the restore"]
    engine.dispose()


def test_dispose_closes_the_kept_connections(engine: Engine) -> None:
    kept = _raw(engine, "one")
    engine.dispose()
    with pytest.raises(sqlite3.ProgrammingError):
        kept.execute("SELECT 1")
    assert _raw(engine, "two") is not kept  # the engine still works, on a new connection
    engine.dispose()


def test_a_write_commits_whether_or_not_sqlalchemy_joined_its_transaction(engine: Engine, tmp_path: Path) -> None:
    """The transaction is begun on sqlite3's connection; a statement through SQLAlchemy joins it (no second
    BEGIN) and the commit is then SQLAlchemy's; one with none is committed on sqlite3's connection."""
    with write_transaction(engine) as conn:
        raw = conn.connection.driver_connection
        assert isinstance(raw, sqlite3.Connection) and raw.in_transaction and not conn.in_transaction()
        raw.execute("INSERT INTO note (said) VALUES ('core only')")
    assert not raw.in_transaction
    with write_transaction(engine) as conn:
        conn.execute(text("INSERT INTO note (said) VALUES ('joined')"))
        assert conn.in_transaction()
    assert not conn.in_transaction() and not raw.in_transaction
    with pytest.raises(RuntimeError), write_transaction(engine) as conn:
        conn.connection.driver_connection.execute("INSERT INTO note (said) VALUES ('taken back')")
        raise RuntimeError("refused")
    assert _said(tmp_path / "kept.sqlite") == ["core only", "joined"]
    engine.dispose()
