"""What the issue-12 benchmarks share: the demo databases, the machine line, pairs run in turn, the table.

Each benchmark runs the app's operation and its floor one after the other (a pair), repeats the
pairs, and reports the median of each side and the median of the per-pair ratios: on a shared
2-core machine load changes from second to second, and a pair sees the same load on both sides.
"""

from __future__ import annotations

import os
import statistics
import sys
import time
from collections.abc import Callable, Sequence
from datetime import date
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "benchmarks" / "out"
AS_OF = date(2025, 11, 24)
SIZES = (1_000, 10_000, 100_000)


def sizes(text: str) -> list[int]:
    """ "1k,10k,100k" or "1000,10000" -> [1000, 10000, ...]."""
    return [
        int(float(part.lower().replace("k", "")) * (1000 if "k" in part.lower() else 1)) for part in text.split(",")
    ]


def demo(students: int) -> Path:
    """benchmarks/out/demo<N>.sqlite, built once (the same file bench_gui.py uses; ~90 s for 100k)."""
    OUT.mkdir(parents=True, exist_ok=True)
    os.environ.setdefault("COORDINATOR_APP_DATA", str(OUT / "data"))
    path = OUT / f"demo{students}.sqlite"
    if not path.exists():
        from coordinator_app.services.demo import build_demo

        print(f"building {path.name} ...", flush=True)
        started = time.perf_counter()
        print(
            f"  {build_demo(path, students=students, as_of=AS_OF)} in {time.perf_counter() - started:.0f} s", flush=True
        )
    return path


def machine() -> str:
    load = os.getloadavg()
    return (
        f"Python {sys.version.split()[0]}, {os.cpu_count()} cores, load {load[0]:.1f} / {load[1]:.1f} / {load[2]:.1f} "
        f"(1/5/15 min)"
    )


class Timed:
    """Wall and CPU seconds of one call."""

    def __init__(self, action: Callable[[], Any]) -> None:
        wall, cpu = time.perf_counter(), time.process_time()
        self.result = action()
        self.wall, self.cpu = time.perf_counter() - wall, time.process_time() - cpu


def pairs(app: Callable[[], Any], floor: Callable[[], Any], repeat: int) -> dict[str, Any]:
    """`repeat` pairs, the side that goes first alternating; medians and the median per-pair ratio."""
    runs: dict[str, list[Timed]] = {"app": [], "floor": []}
    for n in range(repeat):
        order = (("app", app), ("floor", floor)) if n % 2 == 0 else (("floor", floor), ("app", app))
        for name, action in order:
            runs[name].append(Timed(action))
    return summary(runs["app"], runs["floor"])


def summary(app: Sequence[Timed], floor: Sequence[Timed]) -> dict[str, Any]:
    return {
        "app": statistics.median(t.wall for t in app),
        "floor": statistics.median(t.wall for t in floor),
        "app_cpu": statistics.median(t.cpu for t in app),
        "floor_cpu": statistics.median(t.cpu for t in floor),
        "ratio": statistics.median(a.wall / f.wall for a, f in zip(app, floor)),
        "ratio_cpu": statistics.median(a.cpu / max(f.cpu, 1e-9) for a, f in zip(app, floor)),
        "ratios": [a.wall / f.wall for a, f in zip(app, floor)],
        "last_app": app[-1].result,
        "last_floor": floor[-1].result,
    }


def table(header: Sequence[str], rows: Sequence[Sequence[object]]) -> str:
    """A Markdown table (pastes into docs/performance.md as it is)."""
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join(" --- " for _ in header) + "|"]
    lines += ["| " + " | ".join(str(c) for c in row) + " |" for row in rows]
    return "\n".join(lines)


def ms(seconds: float) -> str:
    return f"{seconds * 1000:.1f} ms" if seconds < 1 else f"{seconds:.2f} s"
