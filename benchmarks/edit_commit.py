"""One edit commit as the window makes it, beside a raw connection's UPDATE + INSERT of the same rows
(psycopg on a server, sqlite3 on a file), rounds alternating: shared by bench_team.py (1,000 students)
and team_demo.py (a large demo)."""

from __future__ import annotations

import sqlite3
import statistics
import time
from pathlib import Path
from typing import Any

FLOOR_AUDIT = (
    "INSERT INTO audit_entry (at, os_user, action, student_id, entity, entity_id, field, old_value, new_value) "
    "VALUES ('2026-12-02 10:00:00', 'bench', 'change student', {p}, 'student', {p}, 'notes', NULL, {p})"
)


def median_ms(times: list[float]) -> float:
    return statistics.median(times) * 1000


def app_edits(ws: Any, sid: int, count: int, tag: str) -> list[float]:
    from coordinator_app.services.record_versions import editing
    from coordinator_app.services.record_view import load_record
    from coordinator_app.services.students import update_student

    times = []
    with editing(sid, load_record(ws, sid).version):
        for i in range(count):
            started = time.perf_counter()
            update_student(ws, sid, notes=f"{tag} {i}")
            times.append(time.perf_counter() - started)
    return times


def floor_edits(edit: Any, count: int) -> list[float]:
    times = []
    for i in range(count):
        started = time.perf_counter()
        edit(i)
        times.append(time.perf_counter() - started)
    return times


def sqlite_floor(path: Path, sid: int) -> Any:
    con = sqlite3.connect(path, isolation_level=None)
    con.execute("PRAGMA journal_mode=WAL")
    con.execute("PRAGMA synchronous=FULL")

    def edit(i: int) -> None:
        con.execute("BEGIN IMMEDIATE")
        con.execute("UPDATE student SET notes = ? WHERE id = ?", (f"floor {i}", sid))
        con.execute(FLOOR_AUDIT.format(p="?"), (sid, sid, f"floor {i}"))
        con.execute("COMMIT")

    return edit


def server_floor(url: str, sid: int) -> Any:
    import psycopg

    con = psycopg.connect(url)

    def edit(i: int) -> None:
        with con.transaction():
            con.execute("UPDATE student SET notes = %s WHERE id = %s", (f"floor {i}", sid))
            con.execute(FLOOR_AUDIT.format(p="%s"), (sid, sid, f"floor {i}"))

    return edit


def commit_figures(name: str, ws: Any, floor: Any, edits: int, rounds: int) -> dict[str, float]:
    with ws.read() as s:
        from sqlalchemy import func, select

        from coordinator_app.store import models as m

        sid = int(s.scalar(select(func.min(m.Student.id))))
    app, raw = [], []
    for r in range(rounds):
        app += app_edits(ws, sid, edits // rounds, f"app {r}")
        raw += floor_edits(floor, edits // rounds)
    figures = {"app_ms": median_ms(app), "floor_ms": median_ms(raw)}
    figures["ratio"] = figures["app_ms"] / figures["floor_ms"]
    print(
        f"{name}: edit commit median {figures['app_ms']:.2f} ms, floor {figures['floor_ms']:.2f} ms "
        f"(x{figures['ratio']:.1f})"
    )
    return figures
