"""One confirmed edit with `synchronous=FULL`: the app's commit against a raw sqlite3 floor.

    .venv/bin/python benchmarks/bench_commit.py [--edits 300] [--rounds 5]

The app's edit is `update_student(ws, id, notes=...)`: a new connection (NullPool + pragmas),
BEGIN IMMEDIATE, the restore-generation check, the read, the UPDATE, the audit entry, COMMIT
with the WAL synced. The floor is what any durable edit costs: a kept sqlite3 connection on a
copy of the same file doing `BEGIN IMMEDIATE; UPDATE; INSERT audit; COMMIT`, with FULL (what
survives a power cut) and with NORMAL (what the app used before issue 11). Rounds alternate
app / floor FULL / floor NORMAL so machine load hits all alike; medians per commit.
"""

from __future__ import annotations

import argparse
import os
import shutil
import sqlite3
import statistics
import tempfile
import time
from datetime import date
from pathlib import Path


def per_commit(action, edits: int) -> float:  # type: ignore[no-untyped-def]
    times = []
    for i in range(edits):
        started = time.perf_counter()
        action(i)
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def raw_floor(path: Path, synchronous: str):  # type: ignore[no-untyped-def]
    con = sqlite3.connect(path, isolation_level=None)
    con.execute("PRAGMA journal_mode=WAL")
    con.execute(f"PRAGMA synchronous={synchronous}")
    sid = con.execute("SELECT min(id) FROM student").fetchone()[0]

    def edit(i: int) -> None:
        con.execute("BEGIN IMMEDIATE")
        con.execute("UPDATE student SET notes = ? WHERE id = ?", (f"floor {i}", sid))
        con.execute(
            "INSERT INTO audit_entry (at, os_user, action, student_id, entity, entity_id, field, old_value, "
            "new_value) VALUES ('2026-12-02 10:00:00.000000', 'bench', 'update student', ?, 'student', ?, "
            "'notes', NULL, ?)",
            (sid, sid, f"floor {i}"),
        )
        con.execute("COMMIT")

    return con, edit


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--edits", type=int, default=300)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--students", type=int, default=1000)
    args = parser.parse_args()

    from coordinator_app.services.demo import build_demo
    from coordinator_app.services.students import update_student
    from coordinator_app.services.workspace import Workspace

    with tempfile.TemporaryDirectory(dir=os.environ.get("BENCH_DIR")) as tmp:
        folder = Path(tmp)
        db = folder / "app.sqlite"
        build_demo(db, students=args.students, seed=1, as_of=date(2025, 11, 24))
        floors = {mode: folder / f"floor-{mode}.sqlite" for mode in ("FULL", "NORMAL")}
        for copy in floors.values():
            shutil.copy(db, copy)
        ws = Workspace.open(db, daily_backup=False)
        with ws.read() as s:
            from sqlalchemy import func, select

            from coordinator_app.store import models as m

            sid = s.scalar(select(func.min(m.Student.id)))
        connections = {}
        edits = {}
        for mode, path in floors.items():
            connections[mode], edits[mode] = raw_floor(path, mode)

        def app_edit(i: int) -> None:
            update_student(ws, sid, notes=f"app {i}")

        results: dict[str, list[float]] = {"app": [], "FULL": [], "NORMAL": []}
        for _ in range(args.rounds):
            results["app"].append(per_commit(app_edit, args.edits))
            for mode in ("FULL", "NORMAL"):
                results[mode].append(per_commit(edits[mode], args.edits))
        ws.close()
        for con in connections.values():
            con.close()
        app, full, normal = (statistics.median(results[k]) for k in ("app", "FULL", "NORMAL"))
        print(
            f"machine: {os.cpu_count()} cores, load {os.getloadavg()[0]:.1f}; file system of {folder}; "
            f"medians of {args.rounds} rounds x {args.edits} commits"
        )
        print(f"floor  raw sqlite3 edit, synchronous=NORMAL   {normal * 1000:6.2f} ms per commit")
        print(f"floor  raw sqlite3 edit, synchronous=FULL     {full * 1000:6.2f} ms per commit")
        print(
            f"app    update_student (FULL, generation check) {app * 1000:6.2f} ms per commit  "
            f"ratio {app / full:.2f}x the FULL floor"
        )
        print(
            "rounds (ms): "
            + "; ".join(f"{k} " + ", ".join(f"{v * 1000:.2f}" for v in vals) for k, vals in results.items())
        )


if __name__ == "__main__":
    main()
