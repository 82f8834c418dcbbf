"""Team mode's figures on a large demo (issue 13): the same database as an SQLite file and on a server.

    .venv/bin/python benchmarks/bench_team.py --demo FILE --url postgresql://... [--repeat 3]

FILE is a `demo` database (e.g. 100,000 students) and URL the same data copied onto a server with
`coordinator-app copy --from FILE --to URL`. Each figure is taken on both engines and beside its floor,
rounds alternating (app on the file, floor on the file, app on the server, floor on the server) so the
machine's load hits all alike; wall and CPU time of this process are reported.

1. Start to the filled student list: the real entry point (`coordinator-app --db ...`, timed by the app
   itself through COORDINATOR_APP_REPORT_START, as benchmarks/bench_gui.py does); floor: the list's four
   queries (students with programme and cohort, internship starts, graduation plans, open items past
   due) on a plain sqlite3 / psycopg connection, rows fetched.
2. The attention list (services/attention.attention_items); floor: benchmarks/attention_floor.py, the same
   items (tests/services/test_attention_floor.py compares them on both engines).
3. The export of one cohort's workbook (spreadsheets/export.export_workbook); floor: the rows it is made
   from read raw (the cohort's students, their course results, portfolio items and internships).
4. One edit commit as the window makes it, median; floor: the same UPDATE + audit INSERT on a kept
   plain connection (edit_commit.commit_figures).
"""

from __future__ import annotations

import os
import sqlite3
import statistics
import tempfile
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

LIST_QUERIES = (
    "SELECT s.id, s.student_number, s.first_name, s.last_name, s.email, p.code, c.start_year, s.status, "
    "s.specialization, s.ec_earned FROM student s JOIN programme p ON p.id = s.programme_id "
    "JOIN cohort c ON c.id = s.cohort_id WHERE s.removed_at IS NULL",
    "SELECT i.student_id, i.kind, i.start_date FROM internship i JOIN student s ON s.id = i.student_id "
    "WHERE s.removed_at IS NULL",
    "SELECT g.student_id, g.planned_year, g.planned_month FROM graduation_plan g "
    "JOIN student s ON s.id = g.student_id WHERE s.removed_at IS NULL",
    "SELECT i.student_id FROM portfolio_item i JOIN student s ON s.id = i.student_id "
    "WHERE s.removed_at IS NULL AND i.received_date IS NULL AND i.due_date < {p}",
)
EXPORT_QUERIES = (
    "SELECT s.* FROM student s WHERE s.removed_at IS NULL AND s.programme_id = {p} AND s.cohort_id = {p}",
    "SELECT r.* FROM course_result r JOIN student s ON s.id = r.student_id "
    "WHERE s.removed_at IS NULL AND s.programme_id = {p} AND s.cohort_id = {p}",
    "SELECT i.* FROM portfolio_item i JOIN student s ON s.id = i.student_id "
    "WHERE s.removed_at IS NULL AND s.programme_id = {p} AND s.cohort_id = {p}",
    "SELECT t.* FROM internship t JOIN student s ON s.id = t.student_id "
    "WHERE s.removed_at IS NULL AND s.programme_id = {p} AND s.cohort_id = {p}",
)


def timed(work: Callable[[], Any]) -> tuple[float, float, Any]:
    """(wall s, CPU s of this process, result)."""
    wall, cpu = time.perf_counter(), time.process_time()
    result = work()
    return time.perf_counter() - wall, time.process_time() - cpu, result


def raw_connection(target: str) -> Any:
    if target.startswith("postgresql"):
        import psycopg

        return psycopg.connect(target)
    return sqlite3.connect(f"file:{target}?mode=ro", uri=True)


def run_all(con: Any, queries: tuple[str, ...], params: tuple[Any, ...]) -> int:
    """Every query's rows fetched (a kept connection: what the app's pool gives it)."""
    mark = "%s" if not isinstance(con, sqlite3.Connection) else "?"
    rows = 0
    for query in queries:
        sql = query.replace("{p}", mark)
        rows += len(con.execute(sql, params[: sql.count(mark)]).fetchall())
    if not isinstance(con, sqlite3.Connection):
        con.rollback()
    return rows


def start_figures(targets: dict[str, str], repeat: int, as_of: date) -> dict[str, Any]:
    from benchmarks.bench_gui import start_app, start_env

    env = start_env()
    result: dict[str, Any] = {}
    cons = {name: raw_connection(t) for name, t in targets.items()}
    for name, target in targets.items():
        start_app(Path(target) if name == "sqlite" else target, env)  # untimed: compiled-module cache, page cache
    samples: dict[str, dict[str, list[float]]] = {n: {"filled": [], "shell": [], "floor": []} for n in targets}
    for _ in range(repeat):
        for name, target in targets.items():
            app = start_app(Path(target) if name == "sqlite" else target, env)  # type: ignore[arg-type]
            samples[name]["filled"].append(app["filled"])
            samples[name]["shell"].append(app["first_paint"])
            wall, _cpu, rows = timed(lambda n=name: run_all(cons[n], LIST_QUERIES, (as_of.isoformat(),)))
            samples[name]["floor"].append(wall)
            result.setdefault(name, {})["list_rows"] = rows
    for name in targets:
        s = samples[name]
        filled, floor = statistics.median(s["filled"]), statistics.median(s["floor"])
        result[name].update(filled_s=filled, first_paint_s=statistics.median(s["shell"]), floor_s=floor)
        print(
            f"{name}: start to the filled list {filled:.2f} s (first paint {result[name]['first_paint_s']:.2f} s); "
            f"the list's rows read raw {floor * 1000:.0f} ms ({result[name]['list_rows']:,} rows)"
        )
        cons[name].close()
    return result


def attention_figures(workspaces: dict[str, Any], repeat: int, as_of: date) -> dict[str, Any]:
    from benchmarks.attention_floor import attention_floor
    from coordinator_app.services.attention import attention_items

    cons = {name: raw_connection(raw_target(ws)) for name, ws in workspaces.items()}
    for ws in workspaces.values():
        attention_items(ws, as_of)  # untimed: the verdicts are stored once (services/verdicts.py)
    samples: dict[str, dict[str, list[float]]] = {
        n: {"app": [], "app_cpu": [], "floor": [], "floor_cpu": []} for n in workspaces
    }
    counts: dict[str, int] = {}
    for _ in range(repeat):
        for name, ws in workspaces.items():
            wall, cpu, items = timed(lambda w=ws: attention_items(w, as_of))
            samples[name]["app"].append(wall)
            samples[name]["app_cpu"].append(cpu)
            wall, cpu, floor = timed(lambda n=name, w=ws: attention_floor(cons[n], w.programmes, as_of))
            samples[name]["floor"].append(wall)
            samples[name]["floor_cpu"].append(cpu)
            same = [(i.due, i.student_number, i.component, i.what, i.urgency.value, i.student_id) for i in items]
            assert same == floor, f"{name}: the floor's items differ from the app's"
            counts[name] = len(items)
    result: dict[str, Any] = {}
    for name in workspaces:
        med = {k: statistics.median(v) for k, v in samples[name].items()}
        ratios = [a / f for a, f in zip(samples[name]["app"], samples[name]["floor"], strict=True)]
        result[name] = {**med, "ratio": statistics.median(ratios), "items": counts[name]}
        print(
            f"{name}: attention list {med['app'] * 1000:.0f} ms (CPU {med['app_cpu'] * 1000:.0f}), floor "
            f"{med['floor'] * 1000:.0f} ms (CPU {med['floor_cpu'] * 1000:.0f}), x{result[name]['ratio']:.2f}, "
            f"{counts[name]:,} items (same as the floor's)"
        )
        cons[name].close()
    return result


def export_figures(workspaces: dict[str, Any], repeat: int, as_of: date) -> dict[str, Any]:
    from sqlalchemy import func, select

    from coordinator_app.spreadsheets.export import export_workbook
    from coordinator_app.store import models as m

    result: dict[str, Any] = {}
    samples: dict[str, dict[str, list[float]]] = {n: {"app": [], "app_cpu": [], "floor": []} for n in workspaces}
    cons = {name: raw_connection(raw_target(ws)) for name, ws in workspaces.items()}
    with tempfile.TemporaryDirectory() as folder:
        chosen: dict[str, tuple[int, int, int]] = {}
        for name, ws in workspaces.items():
            with ws.read() as s:  # the largest PM cohort
                pid, cid, year, size = s.execute(
                    select(m.Student.programme_id, m.Student.cohort_id, m.Cohort.start_year, func.count())
                    .join(m.Cohort, m.Cohort.id == m.Student.cohort_id)
                    .join(m.Programme, m.Programme.id == m.Student.programme_id)
                    .where(m.Programme.code == "PM")
                    .group_by(m.Student.programme_id, m.Student.cohort_id, m.Cohort.start_year)
                    .order_by(func.count().desc())
                    .limit(1)
                ).one()
            chosen[name] = (int(pid), int(cid), int(year))
            result[name] = {"cohort": int(year), "students": int(size)}
        for _ in range(repeat):
            for name, ws in workspaces.items():
                pid, cid, year = chosen[name]
                target = Path(folder) / f"{name}.xlsx"
                wall, cpu, _ = timed(
                    lambda w=ws, t=target, y=year: list(export_workbook(w, t, programme="PM", cohort=y, as_of=as_of))
                )
                samples[name]["app"].append(wall)
                samples[name]["app_cpu"].append(cpu)
                wall, _cpu, rows = timed(lambda n=name, p=pid, c=cid: run_all(cons[n], EXPORT_QUERIES, (p, c) * 4))
                samples[name]["floor"].append(wall)
                result[name]["floor_rows"] = rows
    for name in workspaces:
        med = {k: statistics.median(v) for k, v in samples[name].items()}
        result[name].update(med)
        print(
            f"{name}: export of PM {result[name]['cohort']} ({result[name]['students']:,} students) "
            f"{med['app']:.2f} s (CPU {med['app_cpu']:.2f}); its rows read raw {med['floor'] * 1000:.0f} ms "
            f"({result[name]['floor_rows']:,} rows)"
        )
        cons[name].close()
    return result


def raw_target(ws: Any) -> str:
    if ws.location.server is not None:
        return str(ws.location.server.url(with_password=False))
    return str(ws.path)


FIGURES = ("start", "attention", "export", "commit")


def demo_figures(
    demo: Path, url: str, repeat: int, edits: int, as_of: date, figures: tuple[str, ...] = FIGURES
) -> dict[str, Any]:
    from benchmarks.edit_commit import commit_figures, server_floor, sqlite_floor
    from coordinator_app.services.workspace import Workspace

    print(f"load {os.getloadavg()[0]:.2f} (1 min) on {os.cpu_count()} cores")
    results: dict[str, Any] = {}
    if "start" in figures:
        results["start"] = start_figures({"sqlite": str(demo), "postgresql": url}, repeat, as_of)
        print(f"load {os.getloadavg()[0]:.2f}")
    workspaces = {"sqlite": Workspace.open(demo, daily_backup=False), "postgresql": Workspace.open(url)}
    try:
        for ws in workspaces.values():
            ws.today = as_of
        if "attention" in figures:
            results["attention"] = attention_figures(workspaces, repeat, as_of)
            print(f"load {os.getloadavg()[0]:.2f}")
        if "export" in figures:
            results["export"] = export_figures(workspaces, repeat, as_of)
            print(f"load {os.getloadavg()[0]:.2f}")
        for name, ws in workspaces.items() if "commit" in figures else ():
            from sqlalchemy import func, select

            from coordinator_app.store import models as m

            with ws.read() as s:
                sid = int(s.scalar(select(func.min(m.Student.id))))  # the student commit_figures edits
            floor = sqlite_floor(demo, sid) if name == "sqlite" else server_floor(url, sid)
            results.setdefault("commit", {})[name] = commit_figures(name, ws, floor, edits, 4)
        print(f"load {os.getloadavg()[0]:.2f}")
    finally:
        for ws in workspaces.values():
            ws.close()
    return results
