"""Issue 18's figures: the registers' type-ahead per keystroke, Allocate on a 1,000-student cohort,
and the what-if view, each beside its floor measured in the same run.

Run:  QT_QPA_PLATFORM=offscreen .venv/bin/python benchmarks/bench_registers.py [--repeat 7]

- type-ahead (ui/register_picker.EntryModel.filter, what each keystroke runs, model reset included)
  over 20,000 people and 5,000 hosts, typing a name letter by letter and a text nothing matches
  (the whole list scanned). Floor: the bare Python scan stopping at 50 hits, as the model does.
  Target: under 16 ms a keystroke.
- Allocate: `preview_allocation` (read the cohort, its preferences and compulsory results, allocate)
  and `apply_allocation` (write every place, the waiting lists and the audit) for 1,000 students in
  one PM cohort. Floors: raw sqlite3 reading the same students and preferences; the domain's
  `allocate` alone. Target: under 1 s.
- what-if (`what_if_month`, one student of a 300-student demo, the earliest month searched over
  36 months). Floor: reading that student's snapshot (`services.snapshot.snapshots`). Target:
  under 100 ms.
Medians of --repeat runs; the machine is shared (2 cores): expect 20-40 % noise, compare within a run.
"""

from __future__ import annotations

import argparse
import random
import sqlite3
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import date
from itertools import islice
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

AS_OF = date(2025, 11, 24)
SPECS = ("medical_imaging", "technological_development", "biomarkers_medicines")


def median_ms(action: Callable[[], object], repeat: int) -> float:
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        action()
        times.append(time.perf_counter() - started)
    return statistics.median(times) * 1000


def typeahead(repeat: int) -> None:
    from PySide6.QtWidgets import QApplication

    from coordinator_app.ui.register_picker import LIMIT, Entry, EntryModel

    QApplication.instance() or QApplication([])
    rng = random.Random(1)
    first = ["Anna", "Bram", "Chen", "Daan", "Eva", "Femke", "Guus", "Hiroshi", "Ilse", "Joost", "Kwame", "Lotte"]
    last = ["Jansen", "de Vries", "Bakker", "Visser", "Smit", "Meijer", "Mulder", "Bos", "Vos", "Dekker", "Kim"]
    orgs = ["Amsterdam UMC", "Erasmus MC", "LUMC", "UMC Utrecht", "Radboudumc", "UMCG", "Hubrecht Institute"]
    ranks = ["PhD candidate", "Post-doc", "Assistant professor (UD)", "Associate professor (UHD)", "Full professor"]
    for label, count, make in (
        (
            "people",
            20_000,
            lambda i: f"{rng.choice(first)} {rng.choice(last)}{i} · {rng.choice(ranks)} · {rng.choice(orgs)}",
        ),
        ("hosts", 5_000, lambda i: f"{rng.choice(orgs)} {i} — Department {i % 40}, City {i % 90}"),
    ):
        entries = [Entry(i, text.split(" · ")[0], text) for i, text in ((i, make(i)) for i in range(count))]
        model = EntryModel()
        model.set_entries(entries)
        keys = [e.label.casefold() for e in entries]
        typed = "jansen1" if label == "people" else "erasmus mc 4"
        worst = "zzz no such name"

        def floor(text: str) -> object:  # the same early stop at LIMIT hits as the model
            return list(islice((k for k in keys if text in k), LIMIT))

        prefixes = [typed[: n + 1] for n in range(len(typed))]
        per_key = statistics.median(median_ms(lambda p=p: model.filter(p), repeat) for p in prefixes)  # type: ignore[misc]
        floor_key = statistics.median(median_ms(lambda p=p: floor(p), repeat) for p in prefixes)  # type: ignore[misc]
        miss = median_ms(lambda: model.filter(worst), repeat)
        floor_miss = median_ms(lambda: floor(worst), repeat)
        print(
            f"  type-ahead, {count:>6,} {label:<6} typing '{typed}': {per_key:6.2f} ms a key "
            f"(floor {floor_key:5.2f}, {per_key / max(floor_key, 1e-6):4.1f}x); nothing matches: {miss:6.2f} ms "
            f"(floor {floor_miss:5.2f}, {miss / max(floor_miss, 1e-6):4.1f}x)"
        )


def allocation(repeat: int, folder: Path) -> None:
    from sqlalchemy import select

    from coordinator_app.domain.allocation import Applicant, allocate
    from coordinator_app.services.allocation import apply_allocation, preview_allocation, undo_allocation
    from coordinator_app.services.students import NewStudent, add_student
    from coordinator_app.services.workspace import Workspace
    from coordinator_app.store import models as m

    path = folder / "allocate.sqlite"
    ws = Workspace.open(path, daily_backup=False)
    ws.today = AS_OF
    add_student(ws, NewStudent("PM", 2026, "3000000", "First", "Student", ""))  # the programme and cohort rows
    rng = random.Random(2)
    with ws.write() as s:  # a thousand students in one transaction (add_student would take minutes)
        cohort_id, programme_id = s.execute(select(m.Student.cohort_id, m.Student.programme_id)).one()
        for n in range(1, 1000):
            student = m.Student(
                programme_id=programme_id,
                cohort_id=cohort_id,
                student_number=f"30{n:05d}",
                first_name=f"Student{n}",
                last_name="Bench",
                email="",
            )
            s.add(student)
        s.flush()
        for sid in s.scalars(select(m.Student.id)):
            for choice, key in enumerate(rng.sample(SPECS, 3), start=1):
                s.add(m.SpecializationPreference(student_id=sid, choice=choice, specialization=key))

    def floor_read() -> object:
        con = sqlite3.connect(path)
        try:
            return (
                con.execute("SELECT id, student_number, first_name, last_name FROM student").fetchall(),
                con.execute(
                    "SELECT student_id, specialization FROM specialization_preference ORDER BY choice"
                ).fetchall(),
            )
        finally:
            con.close()

    applicants = [Applicant(i, f"s{i}", tuple(rng.sample(SPECS, 3))) for i in range(1000)]
    free = dict.fromkeys(SPECS, 20)
    names = {k: k for k in SPECS}
    preview_ms = median_ms(lambda: preview_allocation(ws, "PM", 2026, seed=5), repeat)
    domain_ms = median_ms(lambda: allocate(applicants, free, names, "compulsory_results", 5), repeat)
    read_ms = median_ms(floor_read, repeat)
    apply_times = []
    for _ in range(max(3, repeat // 2)):
        preview = preview_allocation(ws, "PM", 2026, seed=5)
        started = time.perf_counter()
        run = apply_allocation(ws, preview)
        apply_times.append((time.perf_counter() - started) * 1000)
        undo_allocation(ws, run)
    apply_ms = statistics.median(apply_times)
    print(
        f"  Allocate, 1,000 students: preview {preview_ms:6.1f} ms, apply {apply_ms:6.1f} ms; floors: raw sqlite3 "
        f"read {read_ms:5.1f} ms, domain allocate alone {domain_ms:5.1f} ms "
        f"(preview {preview_ms / max(read_ms + domain_ms, 1e-6):4.1f}x their sum)"
    )
    ws.close()


def what_if(repeat: int, folder: Path) -> None:
    from coordinator_app.services.demo import build_demo
    from coordinator_app.services.snapshot import snapshots
    from coordinator_app.services.student_list import student_rows
    from coordinator_app.services.whatif import what_if_month
    from coordinator_app.services.workspace import Workspace

    path = folder / "demo.sqlite"
    build_demo(path, students=300, seed=1, as_of=AS_OF)
    ws = Workspace.open(path, daily_backup=False)
    ws.today = AS_OF
    sid = next(r.id for r in student_rows(ws) if r.programme == "PM" and r.status == "active" and r.cohort == 2024)

    def floor() -> object:
        with ws.read() as s:
            return snapshots(s, [sid])

    view_ms = median_ms(lambda: what_if_month(ws, [sid], 2026, 6), repeat)
    floor_ms = median_ms(floor, repeat)
    print(
        f"  what-if, one student: {view_ms:6.1f} ms (floor: reading their snapshot {floor_ms:5.1f} ms, "
        f"{view_ms / max(floor_ms, 1e-6):4.1f}x)"
    )
    ws.close()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=7)
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="bench-registers-"))
    print(f"medians of {args.repeat} runs")
    typeahead(args.repeat)
    allocation(args.repeat, folder)
    what_if(args.repeat, folder)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
