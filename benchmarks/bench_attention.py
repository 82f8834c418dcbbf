"""The attention list against its floor at 1,000, 10,000 and 100,000 students (issue 12: <= 2x).

    .venv/bin/python benchmarks/bench_attention.py [--sizes 1k,10k,100k] [--repeat 7]

App: `services.attention.attention_items(ws, as_of, 14)`, what the window's attention view, the
`attention` command and the workbook's Attention sheet show. Floor: benchmarks/attention_floor.py,
the same items (graduation blockers included) read with plain sqlite3 queries and built as tuples.
Both run on the demo database of each size (benchmarks/out/demo<N>.sqlite, built once), in pairs
taken in turn; the table gives the medians and the median of the per-pair ratios. The first call
after opening is shown apart: on a new demo it works out and stores the verdicts nobody stored yet
(the floor reads stored verdicts, so the pairs start after it).
"""

from __future__ import annotations

import argparse
import sqlite3
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.attention_floor import attention_floor
from benchmarks.common import AS_OF, Timed, demo, machine, ms, pairs, sizes, table

WITHIN = 14


def measure(students: int, repeat: int) -> list[object]:
    from coordinator_app.services.attention import attention_items
    from coordinator_app.services.workspace import Workspace

    path = demo(students)
    ws = Workspace.open(path, daily_backup=False)
    try:
        first = Timed(lambda: attention_items(ws, AS_OF, WITHIN))
        con = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            result = pairs(
                lambda: attention_items(ws, AS_OF, WITHIN),
                lambda: attention_floor(con, ws.programmes, AS_OF, WITHIN),
                repeat,
            )
        finally:
            con.close()
    finally:
        ws.close()
    items = result["last_app"]
    same = [(i.due, i.student_number, i.component, i.what, i.urgency.value, i.student_id) for i in items] == result[
        "last_floor"
    ]
    return [
        f"{students:,}",
        f"{len(items):,}" + ("" if same else " (floor differs!)"),
        f"{ms(result['app'])} (CPU {ms(result['app_cpu'])})",
        f"{ms(result['floor'])} (CPU {ms(result['floor_cpu'])})",
        f"**{result['ratio']:.2f}x** (CPU {result['ratio_cpu']:.2f}x)",
        ms(first.wall),
        "<= 2x",
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1k,10k,100k")
    parser.add_argument("--repeat", type=int, default=7)
    args = parser.parse_args()
    print(machine())
    rows = [measure(n, args.repeat) for n in sizes(args.sizes)]
    print(f"attention list as of {AS_OF}, within {WITHIN} days; {args.repeat} pairs per size, medians")
    print(
        table(
            (
                "students",
                "items (same in both)",
                "app",
                "floor (sqlite3)",
                "ratio",
                "first call after opening",
                "target",
            ),
            rows,
        )
    )
    print(machine())


if __name__ == "__main__":
    main()
