"""The outbox's figures (issue 14), each beside its bare-library floor in the same run:

- drafts: every overdue item of the demo (the attention list with all lines selected, Remind…),
  grouped per recipient (`services.reminders.draft`). Floor: raw sqlite3 reading the students'
  names and addresses, one formatted line per item, grouped per student in a dict.
- .eml files: every draft with an address written (`services.outbox.write_eml`, into a hidden
  folder renamed when complete). Floors: the same bytes written to as many files with open/write
  (the disk), and the standard library's email package building the same messages (EmailMessage,
  set_content, as_bytes) plus those writes (the library).
- bulk "mark received" (the Academic Core's CV assignment) on 500 students: the preview, the apply (one transaction, one audit entry
  per student) and the undo (`services.bulk`). Floor: raw sqlite3 updating the 500 items and
  inserting 500 audit rows in one transaction, with the app's synchronous=FULL.

Run:  .venv/bin/python benchmarks/bench_outbox.py [--students 10000] [--bulk 500] [--repeat 5]

Medians of --repeat runs; the machine is shared (2 cores, other work running): expect 20 % noise
or more, compare the ratios within a run rather than absolute times across runs.
"""

from __future__ import annotations

import argparse
import os
import shutil
import sqlite3
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, date, datetime
from email.message import EmailMessage
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from coordinator_app.domain.attention import Urgency  # noqa: E402
from coordinator_app.services import bulk  # noqa: E402
from coordinator_app.services.attention import attention_items  # noqa: E402
from coordinator_app.services.bulk_actions import MarkReceived  # noqa: E402
from coordinator_app.services.demo import build_demo  # noqa: E402
from coordinator_app.services.outbox import eml_message, write_eml  # noqa: E402
from coordinator_app.services.reminders import draft  # noqa: E402
from coordinator_app.services.workspace import Workspace  # noqa: E402

AS_OF = date(2025, 11, 24)
SENDER = ("Maria Jansen", "m.jansen@vu.nl")
SIGNATURE = "Maria Jansen\nProgramme coordinator"


def timed(action: Callable[[], object]) -> tuple[float, object]:
    started = time.perf_counter()
    result = action()
    return time.perf_counter() - started, result


def median_of(action: Callable[[], object], repeat: int) -> float:
    return statistics.median(timed(action)[0] for _ in range(repeat))


def line(name: str, seconds: float, floor: float | None = None, target: float | None = None) -> None:
    text = f"  {name:<44} {seconds * 1000:9.1f} ms"
    if floor:
        text += f"   {seconds / floor:6.1f}x the floor"
    if target is not None:
        text += f"   (target {target:.0f} s: {'met' if seconds < target else 'MISSED'})"
    print(text)


def drafts_floor(path: Path, items: list) -> object:  # type: ignore[type-arg]
    """What grouping the items per student costs with nothing but sqlite3 and str.format."""
    con = sqlite3.connect(path)
    try:
        ids = sorted({i.student_id for i in items})
        people: dict[int, tuple[str, str]] = {}
        for start in range(0, len(ids), 900):
            chunk = ids[start : start + 900]
            marks = ",".join("?" * len(chunk))
            for sid, first, last, email in con.execute(
                f"SELECT id, first_name, last_name, email FROM student WHERE id IN ({marks})", chunk
            ):
                people[sid] = (f"{first} {last}", email)
        grouped: dict[int, list[str]] = {}
        for i in items:
            grouped.setdefault(i.student_id, []).append(f"- {i.what} ({i.component}), due {i.due:%d-%m-%Y}")
        return {sid: f"Dear {people[sid][0]},\n\n" + "\n".join(lines) for sid, lines in grouped.items()}
    finally:
        con.close()


def fresh(base: Path) -> Path:
    folder = Path(tempfile.mkdtemp(dir=base))
    return folder


def bulk_floor(path: Path, item_ids: list[int], student_ids: list[int]) -> None:
    """500 items received and 500 audit rows in one transaction, then put back (not timed)."""
    con = sqlite3.connect(path, isolation_level=None)
    try:
        con.execute("PRAGMA synchronous=FULL")
        now = datetime.now(UTC).replace(tzinfo=None).isoformat(" ")
        started = time.perf_counter()
        con.execute("BEGIN IMMEDIATE")
        con.executemany(
            "UPDATE portfolio_item SET received_date = ? WHERE id = ?", [("2025-11-20", i) for i in item_ids]
        )
        con.executemany(
            "INSERT INTO audit_entry (at, os_user, action, student_id, entity, entity_id, field, old_value, new_value)"
            " VALUES (?, 'bench', 'bench floor', ?, 'portfolio item', ?, 'received_date', NULL, '2025-11-20')",
            [(now, s, i) for s, i in zip(student_ids, item_ids)],
        )
        con.execute("COMMIT")
        bulk_floor.seconds = time.perf_counter() - started  # type: ignore[attr-defined]
        con.execute("BEGIN IMMEDIATE")
        con.executemany("UPDATE portfolio_item SET received_date = NULL WHERE id = ?", [(i,) for i in item_ids])
        con.execute("DELETE FROM audit_entry WHERE action = 'bench floor'")
        con.execute("COMMIT")
    finally:
        con.close()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--students", type=int, default=10_000)
    parser.add_argument("--bulk", type=int, default=500)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    base = Path(tempfile.mkdtemp(prefix="bench-outbox-"))
    try:
        return run(base, args.students, args.bulk, args.repeat)
    finally:
        shutil.rmtree(base, ignore_errors=True)


def run(base: Path, students: int, size: int, repeat: int) -> int:
    path = base / "demo.sqlite"
    seconds, _ = timed(lambda: build_demo(path, students=students, seed=1, as_of=AS_OF))
    print(f"{students:,}-student demo built in {seconds:.0f} s; load {os.getloadavg()[0]:.1f}; medians of {repeat}")
    ws = Workspace.open(path, daily_backup=False)
    ws.today = AS_OF
    seconds, found = timed(lambda: attention_items(ws, AS_OF, 0))
    overdue = [i for i in found if i.urgency is Urgency.OVERDUE]  # type: ignore[attr-defined]
    print(f"  attention list (for reference)               {seconds * 1000:9.1f} ms: {len(overdue):,} overdue items")

    # -- drafts --------------------------------------------------------------------------------------------
    made = draft(ws, overdue, SIGNATURE)
    print(
        f"  {len(made.drafts):,} drafts ({len(made.with_address):,} with an address), "
        f"{len(made.unsent):,} items nobody is reminded about"
    )
    floor = median_of(lambda: drafts_floor(path, overdue), repeat)
    line("floor: sqlite3 + str.format, grouped", floor)
    line("drafts for every overdue item", median_of(lambda: draft(ws, overdue, SIGNATURE), repeat), floor, 2)

    # -- .eml files ----------------------------------------------------------------------------------------
    sendable = made.with_address
    when = datetime(2025, 11, 24, 9, 0)
    payloads = [eml_message(d, SENDER, when).as_bytes() for d in sendable]

    def disk_floor() -> None:
        folder = fresh(base)
        for n, data in enumerate(payloads):
            with open(folder / f"{n:05d}.eml", "xb") as handle:
                handle.write(data)

    def library_floor() -> None:
        folder = fresh(base)
        for n, d in enumerate(sendable):
            message = EmailMessage()
            message["From"] = f"{SENDER[0]} <{SENDER[1]}>"
            message["To"] = f"{d.to.name} <{d.to.email}>"
            message["Subject"] = d.subject
            message.set_content(d.body)
            with open(folder / f"{n:05d}.eml", "xb") as handle:
                handle.write(message.as_bytes())

    disk = median_of(disk_floor, repeat)
    library = median_of(library_floor, repeat)
    line(f"floor: {len(sendable):,} files written (open/write)", disk)
    line("floor: email package + the same writes", library)
    written = median_of(lambda: write_eml(sendable, fresh(base), SENDER), repeat)
    line(f"{len(sendable):,} .eml files written", written, library, 5)
    print(f"    ({written / disk:.1f}x the bare writes)")

    # -- bulk mark received --------------------------------------------------------------------------------
    con = sqlite3.connect(path)
    rows = con.execute(
        "SELECT p.id, p.student_id FROM portfolio_item p JOIN student s ON s.id = p.student_id "
        "WHERE p.component = 'academic_core' AND p.kind = 'cv_assignment' AND p.received_date IS NULL "
        "AND s.removed_at IS NULL ORDER BY p.student_id LIMIT ?",
        (size,),
    ).fetchall()
    con.close()
    if len(rows) < size:
        print(f"  only {len(rows)} students have an open CV assignment: bulk measured on those")
    item_ids, student_ids = [r[0] for r in rows], [r[1] for r in rows]
    # The CV assignment of the Academic Core: the item most students of the demo have open.
    action = MarkReceived("academic_core", "cv_assignment", "CV assignment", "Academic Core", date(2025, 11, 20), AS_OF)
    floors, previews, applies, undos = [], [], [], []
    for _ in range(repeat):  # alternated: floor, preview, apply, undo share the load of the moment
        bulk_floor(path, item_ids, student_ids)
        floors.append(bulk_floor.seconds)  # type: ignore[attr-defined]
        seconds, seen = timed(lambda: bulk.preview(ws, action, student_ids))
        previews.append(seconds)
        assert len(seen.to_change) == len(student_ids), "the preview should change every student"  # type: ignore[attr-defined]
        seconds, done = timed(lambda: bulk.apply(ws, action, seen))
        applies.append(seconds)
        undos.append(timed(lambda: bulk.undo(ws, done))[0])
    floor = statistics.median(floors)
    line(f"floor: sqlite3, {len(item_ids)} updates + audit, one commit", floor)
    line(f"bulk preview ({len(student_ids)} students)", statistics.median(previews), floor)
    line(f"bulk apply, one transaction ({len(student_ids)} students)", statistics.median(applies), floor, 1)
    line("bulk undo, one step", statistics.median(undos), floor)
    ws.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
