"""Team mode's figures (issue 13), on a PostgreSQL server started here and on SQLite, floors in the same run.

    .venv/bin/python benchmarks/bench_team.py [--students 1000] [--edits 200] [--processes 10] [--seconds 60]
    .venv/bin/python benchmarks/bench_team.py --demo FILE --url postgresql://... [--repeat 3] [--as-of DATE]

With --demo and --url: the figures on a large demo (start to the filled list, attention list, export, edit
commit), on both engines beside their floors, in one run: benchmarks/team_demo.py.

1. One edit as the window makes it (`update_student` under `editing`: the write lock, the restore
   generation, the record-version check, UPDATE, the audit entry, NOTIFY, COMMIT), median per commit,
   beside the floor: a kept raw connection doing the same UPDATE + INSERT in one transaction (psycopg on
   the server, sqlite3 on the file). Rounds alternate app and floor so machine load hits both alike.
2. How soon another window hears of a commit: the change feed's answer after a colleague's commit
   (LISTEN/NOTIFY on the server, PRAGMA data_version on the file), median and worst of `--edits / 10`.
3. Ten coordinator processes editing the same 1,000 students for `--seconds` against one server, each
   "showing" a record (its version) then saving it a moment later, as the window does. Every attempt is
   logged by its process as stored, conflict (RecordChanged) or refused (busy, ...). Checked afterwards
   against the audit trail: every stored edit is there, nothing logged as a conflict or refusal was
   written, and no stored edit was overwritten by a save based on a version older than it (0 lost).

The server runs with fsync off (.ci/postgres: a throwaway test server), so commit times are the app's
and the protocol's work, not the disk's; the SQLite figures use the app's own synchronous=FULL.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import random
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from datetime import date
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks.edit_commit import commit_figures, median_ms, server_floor, sqlite_floor  # noqa: E402


def feed_figures(name: str, mine: Any, colleague: Any, count: int) -> dict[str, float]:
    from coordinator_app.services.change_feed import ChangeFeed
    from coordinator_app.services.students import update_student

    with mine.read() as s:
        from sqlalchemy import func, select

        from coordinator_app.store import models as m

        sid = int(s.scalar(select(func.max(m.Student.id))))
    heard: list[float] = []
    answers: list[Any] = []
    ready = threading.Event()

    def listen() -> None:
        feed = ChangeFeed(mine)
        ready.set()
        try:
            while len(heard) < count:
                changes = feed.wait(3.0)
                if changes is None:
                    continue
                heard.append(time.perf_counter())
                answers.append(changes)
        finally:
            feed.close()

    thread = threading.Thread(target=listen)
    thread.start()
    ready.wait()
    committed = []
    for i in range(count):
        time.sleep(0.3)  # one colleague's save at a time, each heard on its own
        update_student(colleague, sid, notes=f"colleague {i}")
        committed.append(time.perf_counter())
    thread.join(30)
    lags = [h - c for h, c in zip(heard, committed, strict=False)]
    figures = {"median_ms": median_ms(lags), "worst_ms": max(lags) * 1000, "heard": len(heard)}
    print(
        f"{name}: another window hears of a commit after {figures['median_ms']:.0f} ms median, "
        f"{figures['worst_ms']:.0f} ms worst ({len(heard)} of {count})"
    )
    return figures


# -- ten coordinators at once -----------------------------------------------------------------------
def coordinator(url: str, number: int, seconds: float, students: list[int], log_path: str) -> None:
    from coordinator_app.services.errors import DatabaseProblem, RecordChanged
    from coordinator_app.services.record_versions import editing, record_version
    from coordinator_app.services.students import update_student
    from coordinator_app.services.workspace import Workspace

    ws = Workspace.open(url, daily_backup=False)
    ws.user = f"coordinator{number}"
    rng = random.Random(number)
    log = []
    deadline = time.monotonic() + seconds
    i = 0
    while time.monotonic() < deadline:
        sid = rng.choice(students)
        with ws.read() as s:
            base = record_version(s, sid)  # the window shows the record
        time.sleep(rng.uniform(0, 0.02))  # the coordinator types
        value = f"c{number}-{i}"
        entry = {"sid": sid, "value": value, "base": base}
        try:
            with editing(sid, base) as seen:
                update_student(ws, sid, notes=value)
            entry.update(outcome="stored", version=seen.version)
        except RecordChanged:
            entry["outcome"] = "conflict"
        except DatabaseProblem as exc:
            entry.update(outcome="refused", message=str(exc)[:80])
        log.append(entry)
        i += 1
    ws.close()
    Path(log_path).write_text(json.dumps(log))


def concurrency_figures(url: str, processes: int, seconds: float, students: int) -> dict[str, Any]:
    from sqlalchemy import select

    from coordinator_app.services.workspace import Workspace
    from coordinator_app.store import models as m

    ws = Workspace.open(url, daily_backup=False)
    with ws.read() as s:
        ids = [int(i) for i in s.scalars(select(m.Student.id).order_by(m.Student.id).limit(students))]
        start_entry = int(s.scalar(select(m.AuditEntry.id).order_by(m.AuditEntry.id.desc()).limit(1)) or 0)
    with tempfile.TemporaryDirectory() as tmp:
        logs = [str(Path(tmp) / f"p{n}.json") for n in range(processes)]
        context = multiprocessing.get_context("spawn")
        workers = [context.Process(target=coordinator, args=(url, n, seconds, ids, logs[n])) for n in range(processes)]
        for w in workers:
            w.start()
        for w in workers:
            w.join()
        entries = [e for path in logs for e in json.loads(Path(path).read_text())]
    with ws.read() as s:
        trail = s.execute(
            select(m.AuditEntry.id, m.AuditEntry.student_id, m.AuditEntry.new_value)
            .where(m.AuditEntry.id > start_entry, m.AuditEntry.field == "notes")
            .order_by(m.AuditEntry.id)
        ).all()
    ws.close()
    written = {value: (entry_id, sid) for entry_id, sid, value in trail}
    stored = [e for e in entries if e["outcome"] == "stored"]
    missing = [e for e in stored if e["value"] not in written]
    not_said = [e for e in entries if e["outcome"] != "stored" and e["value"] in written]
    by_value = {e["value"]: e for e in stored}
    lost = 0
    last: dict[int, int] = {}  # student -> audit id of the last stored edit, in commit order
    for entry_id, sid, value in trail:
        edit = by_value.get(value)
        if edit is not None and sid in last and edit["base"] < last[sid]:
            lost += 1  # saved on top of an edit it had never seen
        last[sid] = entry_id
    counts = {k: sum(e["outcome"] == k for e in entries) for k in ("stored", "conflict", "refused")}
    figures = {
        "attempts": len(entries),
        **counts,
        "missing": len(missing),
        "written_unsaid": len(not_said),
        "lost": lost,
    }
    print(
        f"{processes} processes x {seconds:.0f} s on {len(ids)} students: {len(entries)} attempts, "
        f"{counts['stored']} stored, {counts['conflict']} conflicts reported, {counts['refused']} refused; "
        f"{len(missing)} stored but not in the trail, {len(not_said)} written though reported not, {lost} lost"
    )
    return figures


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--students", type=int, default=1000)
    parser.add_argument("--edits", type=int, default=200)
    parser.add_argument("--rounds", type=int, default=4)
    parser.add_argument("--processes", type=int, default=10)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--demo", type=Path, help="a demo database file (with --url: the large-demo figures)")
    parser.add_argument("--url", help="the same demo copied onto a server (coordinator-app copy)")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--figures", default="start,attention,export,commit", help="with --demo: which")
    parser.add_argument("--as-of", type=date.fromisoformat, default=date(2026, 12, 2), help="the demo's 'today'")
    args = parser.parse_args()
    if args.demo is not None and args.url:
        from benchmarks.team_demo import demo_figures

        print(
            json.dumps(
                demo_figures(args.demo, args.url, args.repeat, args.edits, args.as_of, tuple(args.figures.split(","))),
                indent=1,
                default=str,
            )
        )
        return

    from coordinator_app.location import Location
    from coordinator_app.services.copying import copy_database
    from coordinator_app.services.demo import build_demo
    from coordinator_app.services.server_setup import init_server
    from coordinator_app.services.workspace import Workspace

    folder = Path(tempfile.mkdtemp(prefix="coordinator-bench-"))
    server_dir = Path(tempfile.mkdtemp(prefix="coordinator-pg-"))
    started = subprocess.run(
        [str(ROOT / ".ci" / "postgres"), "start", str(server_dir)], capture_output=True, text=True, check=True
    )
    superuser = started.stdout.strip().splitlines()[-1]
    try:
        url = superuser.replace("/postgres?", "/bench?")
        location = Location.parse(url)
        assert location.server is not None
        init_server(location.server)
        db = folder / "bench.sqlite"
        build_demo(db, students=args.students, seed=1, as_of=date(2025, 11, 24))
        copy_database(Location.file(db), location)
        floor_file = folder / "floor.sqlite"
        shutil.copy(db, floor_file)
        print(f"{args.students} students; machine load {os.getloadavg()[0]:.2f} (1 min) on {os.cpu_count()} cores")
        results: dict[str, Any] = {}
        for name, target in (("sqlite", db), ("postgresql", url)):
            mine = Workspace.open(target, daily_backup=False)
            colleague = Workspace.open(target, daily_backup=False)
            colleague.user = "colleague"
            with mine.read() as s:
                from sqlalchemy import func, select

                from coordinator_app.store import models as m

                sid = int(s.scalar(select(func.min(m.Student.id))))
            floor = sqlite_floor(floor_file, sid) if name == "sqlite" else server_floor(url, sid)
            results[name] = {
                "commit": commit_figures(name, mine, floor, args.edits, args.rounds),
                "feed": feed_figures(name, mine, colleague, max(args.edits // 10, 5)),
            }
            mine.close()
            colleague.close()
        if args.processes:
            results["concurrent"] = concurrency_figures(url, args.processes, args.seconds, 1000)
        print(json.dumps(results, indent=1))
    finally:
        subprocess.run([str(ROOT / ".ci" / "postgres"), "stop", str(server_dir)], capture_output=True)
        shutil.rmtree(server_dir, ignore_errors=True)
        shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
