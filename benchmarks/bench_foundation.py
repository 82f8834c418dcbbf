"""Foundation figures: the demo build for 10,000 students and the attention query on it.

Run:  .venv/bin/python benchmarks/bench_foundation.py [--students 10000] [--repeat 3]

Each figure is printed beside a floor measured in the same run:
- demo build (target < 30 s): the same rows written with raw sqlite3 `executemany` in one
  transaction into an identical empty schema; the rest of the build is generating the rows
  (the programme rules for every student), timed separately.
- attention (`attention_items`, what `coordinator-app attention` prints): a raw SQL query of
  the open portfolio items due by the window's end, joined to the active students for
  number and name, over the partial index; and the bare portfolio query from the brief.
Medians of `--repeat` runs; the machine is shared (2 cores), so expect noise of ~20 %.
"""

from __future__ import annotations

import argparse
import os
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from coordinator_app.services.attention import attention_items  # noqa: E402
from coordinator_app.services.demo import _DemoBuilder, build_demo  # noqa: E402
from coordinator_app.services.workspace import Workspace  # noqa: E402

AS_OF = date(2025, 11, 24)
WITHIN = 14
ORDER = (
    "cohort",
    "student",
    "course_result",
    "optional_course_approval",
    "internship",
    "interruption",
    "literature_study",
    "portfolio_item",
    "mentor",
    "mentor_meeting",
    "graduation_plan",
)


def timed(action: Callable[[], object]) -> tuple[float, object]:
    started = time.perf_counter()
    result = action()
    return time.perf_counter() - started, result


def median(values: list[float]) -> float:
    return statistics.median(values)


def raw_insert_floor(rows: dict[str, list[dict[str, object]]], empty_schema: Path, target: Path) -> float:
    """The same rows through raw sqlite3 executemany, one transaction, same schema and pragmas."""
    target.write_bytes(empty_schema.read_bytes())
    con = sqlite3.connect(target, isolation_level=None)
    con.execute("PRAGMA journal_mode=WAL")
    con.execute("PRAGMA synchronous=NORMAL")
    con.execute("PRAGMA foreign_keys=ON")
    prepared = []
    for name in ORDER:
        table_rows = rows.get(name)
        if not table_rows:
            continue
        columns = list(table_rows[0])
        sql = f"INSERT INTO {name} ({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))})"
        prepared.append((sql, [tuple(_sqlite_value(r[c]) for c in columns) for r in table_rows]))
    started = time.perf_counter()
    con.execute("BEGIN IMMEDIATE")
    for sql, values in prepared:
        con.executemany(sql, values)
    con.execute("COMMIT")
    took = time.perf_counter() - started
    con.close()
    return took


def _sqlite_value(value: object) -> object:
    if isinstance(value, date):
        return value.isoformat()
    return value


def bench_demo(students: int, repeat: int, folder: Path) -> tuple[Path, dict[str, list[float]]]:
    out: dict[str, list[float]] = {"build_demo": [], "generate": [], "write": [], "raw_executemany": []}
    empty = folder / "empty.sqlite"
    Workspace.open(empty).close()  # schema + programmes, as every demo starts
    con = sqlite3.connect(empty)
    con.execute("PRAGMA journal_mode=DELETE")
    con.close()
    last = folder / "demo-0.sqlite"
    for n in range(repeat):
        path = folder / f"demo-{n}.sqlite"
        took, _ = timed(lambda: build_demo(path, students=students, seed=1, as_of=AS_OF))
        out["build_demo"].append(took)
        last = path
        # The same build in two halves: generating the rows, writing them with Core bulk inserts.
        split = folder / f"split-{n}.sqlite"
        split.write_bytes(empty.read_bytes())
        ws = Workspace.open(split)
        try:
            builder = _DemoBuilder(ws, 1, AS_OF)
            gen, _ = timed(lambda: builder.build(students))
            write, _ = timed(builder.write)
        finally:
            ws.close()
        out["generate"].append(gen)
        out["write"].append(write)
        out["raw_executemany"].append(raw_insert_floor(builder.t.rows, empty, folder / f"raw-{n}.sqlite"))
        for p in (split, folder / f"raw-{n}.sqlite"):
            p.unlink(missing_ok=True)
        print(
            f"  run {n + 1}: build_demo {took:.2f} s (generate {gen:.2f} s + write {write:.2f} s); "
            f"raw executemany of the same rows {out['raw_executemany'][-1]:.2f} s",
            flush=True,
        )
    return last, out


def bench_attention(path: Path, repeat: int) -> dict[str, object]:
    ws = Workspace.open(path)
    ws.today = AS_OF
    limit = (AS_OF + timedelta(days=WITHIN)).isoformat()
    try:
        attention_items(ws, AS_OF, WITHIN)  # warm the OS cache and SQLAlchemy's statement cache
        service = []
        count = 0
        for _ in range(repeat):
            took, items = timed(lambda: attention_items(ws, AS_OF, WITHIN))
            service.append(took)
            count = len(items)  # type: ignore[arg-type]
    finally:
        ws.close()
    con = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    joined_sql = (
        "SELECT i.due_date, s.student_number, s.first_name, s.last_name, i.component, i.name "
        "FROM portfolio_item i JOIN student s ON s.id = i.student_id "
        "WHERE i.received_date IS NULL AND i.due_date <= ? AND s.status = 'active' "
        "ORDER BY i.due_date, s.student_number"
    )
    bare_sql = "SELECT student_id, due_date, name FROM portfolio_item WHERE received_date IS NULL AND due_date <= ?"
    joined, bare = [], []
    joined_rows = bare_rows = 0
    for _ in range(max(repeat, 5)):
        took, rows = timed(lambda: con.execute(joined_sql, (limit,)).fetchall())
        joined.append(took)
        joined_rows = len(rows)  # type: ignore[arg-type]
        took, rows = timed(lambda: con.execute(bare_sql, (limit,)).fetchall())
        bare.append(took)
        bare_rows = len(rows)  # type: ignore[arg-type]
    con.close()
    # The command as a coordinator runs it: process start, imports, open, query, print.
    exe = Path(sys.executable).with_name("coordinator-app")
    command = []
    for _ in range(3):
        took, _ = timed(
            lambda: subprocess.run(
                [str(exe), "attention", "--db", str(path), "--as-of", AS_OF.isoformat()],
                check=True,
                capture_output=True,
            )
        )
        command.append(took)
    return {
        "service": service,
        "items": count,
        "joined": joined,
        "joined_rows": joined_rows,
        "bare": bare,
        "bare_rows": bare_rows,
        "command": command,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--students", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--keep", type=Path, help="keep the last demo database at this path")
    args = parser.parse_args()
    os.environ.setdefault("COORDINATOR_APP_DATA", tempfile.mkdtemp(prefix="bench-data-"))
    print(
        f"Python {sys.version.split()[0]}, SQLite {sqlite3.sqlite_version}, {os.cpu_count()} cores, "
        f"{args.students} students, as of {AS_OF}, median of {args.repeat}"
    )
    with tempfile.TemporaryDirectory(prefix="bench-foundation-") as tmp:
        folder = Path(tmp)
        path, demo = bench_demo(args.students, args.repeat, folder)
        d = {k: median(v) for k, v in demo.items()}
        print(
            f"demo build ({args.students} students): {d['build_demo']:.2f} s median "
            f"(runs {', '.join(f'{v:.2f}' for v in demo['build_demo'])}); target < 30 s"
        )
        print(f"  generate rows (rules per student): {d['generate']:.2f} s")
        print(f"  write (Core bulk insert):           {d['write']:.2f} s")
        print(
            f"  floor: raw executemany same rows:   {d['raw_executemany']:.2f} s "
            f"-> write / floor = {d['write'] / d['raw_executemany']:.2f}x, "
            f"whole build / floor = {d['build_demo'] / d['raw_executemany']:.1f}x"
        )
        with sqlite3.connect(path) as con:
            sizes = {t: con.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in ORDER}
        print("  rows: " + ", ".join(f"{t} {n}" for t, n in sizes.items()))
        att = bench_attention(path, max(args.repeat, 5))
        service = median(att["service"])  # type: ignore[arg-type]
        joined = median(att["joined"])  # type: ignore[arg-type]
        bare = median(att["bare"])  # type: ignore[arg-type]
        print(
            f"attention_items (within {WITHIN} days): {service * 1000:.0f} ms median, {att['items']} items "
            f"(runs {', '.join(f'{v * 1000:.0f}' for v in att['service'])} ms)"
        )  # type: ignore[union-attr]
        print(
            f"  floor: raw SQL open items joined to active students: {joined * 1000:.1f} ms, {att['joined_rows']} rows "
            f"-> {service / joined:.1f}x"
        )
        print(
            f"  floor: bare portfolio_item query from the brief:      {bare * 1000:.1f} ms, {att['bare_rows']} rows "
            f"-> {service / bare:.1f}x"
        )
        print(
            f"`coordinator-app attention` as a process (start, open, query, print): "
            f"{median(att['command']) * 1000:.0f} ms median"
        )  # type: ignore[arg-type]
        if args.keep:
            args.keep.write_bytes(path.read_bytes())
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
