"""Deadlines as an iCalendar file: parsed back with icalendar, one all-day event per due item, stable UIDs."""

from __future__ import annotations

import subprocess
import sys
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from icalendar import Calendar

from coordinator_app.domain.errors import DomainError, NotFound
from coordinator_app.services.calendar import deadlines, students_by_number, write_calendar
from coordinator_app.services.graduation import plan_graduation
from coordinator_app.services.internships import update_internship
from coordinator_app.services.portfolio import find_item, mark_received
from coordinator_app.services.workspace import Workspace
from tests.services.service_helpers import add_imim, add_pm


def _events(path: Path) -> dict[str, dict[str, object]]:
    cal = Calendar.from_ical(path.read_bytes())
    assert str(cal["version"]) == "2.0" and "Coordinator App" in str(cal["prodid"])
    out = {}
    for event in cal.walk("VEVENT"):
        out[str(event["uid"])] = {
            "summary": str(event["summary"]),
            "start": event["dtstart"].dt,
            "end": event["dtend"].dt,
            "all_day": event["dtstart"].params.get("VALUE") == "DATE",
            "sequence": int(event["sequence"]),
        }
    return out


def test_one_all_day_event_per_due_item_with_student_and_item_in_the_title(
    workspace: Workspace, tmp_path: Path
) -> None:
    ws = workspace
    anouk = add_pm(ws, "2712345")
    daan = add_pm(ws, "2798765", first="Daan", last="Bakker")
    add_imim(ws)
    update_internship(ws, anouk, "minor", start_date="2025-11-01")
    plan_graduation(ws, daan, 2026, 6)
    mark_received(ws, find_item(ws, anouk, "minor_internship", "list_of_agreements"), date(2025, 11, 10))
    target = tmp_path / "deadlines.ics"
    count = write_calendar(deadlines(ws, [anouk]), target, now=datetime(2025, 11, 24, 9, tzinfo=UTC))
    events = _events(target)
    assert count == len(events) == 7 + 3  # 8 portfolio items, one received; the Academic Core's three
    loa = "pm-2712345-minor_internship-list_of_agreements@coordinator-app"
    assert loa not in events  # received: not a deadline any more
    proposal = events["pm-2712345-minor_internship-research_proposal@coordinator-app"]
    assert proposal["summary"] == "Anouk de Vries (2712345): Research Proposal (B) – Minor internship"
    assert (proposal["start"], proposal["end"], proposal["all_day"]) == (date(2025, 12, 13), date(2025, 12, 14), True)
    # Daan's graduation deadline, as the programme's schedule (or the default) has it.
    daan_events = {e["summary"]: e for e in _events_for(ws, [daan], tmp_path).values()}
    assert any("deadline for final products (graduation June 2026)" in title for title in daan_events)


def _events_for(ws: Workspace, ids: list[int], tmp_path: Path) -> dict[str, dict[str, object]]:
    target = tmp_path / "some.ics"
    write_calendar(deadlines(ws, ids), target)
    return _events(target)


def test_a_re_export_keeps_the_uid_moves_the_date_and_raises_the_sequence(workspace: Workspace, tmp_path: Path) -> None:
    ws = workspace
    anouk = add_pm(ws, "2712345")
    update_internship(ws, anouk, "minor", start_date="2025-11-01")
    first, second = tmp_path / "a.ics", tmp_path / "b.ics"
    write_calendar(deadlines(ws), first, now=datetime(2025, 11, 24, 9, tzinfo=UTC))
    update_internship(ws, anouk, "minor", start_date="2025-11-08")  # a week later: every due date moves
    write_calendar(deadlines(ws), second, now=datetime(2025, 11, 24, 9, 5, tzinfo=UTC))
    old, new = _events(first), _events(second)
    assert set(old) == set(new)
    uid = "pm-2712345-minor_internship-list_of_agreements@coordinator-app"
    assert new[uid]["start"] - old[uid]["start"] == timedelta(days=7)
    assert new[uid]["sequence"] > old[uid]["sequence"]


def test_nothing_due_is_said_and_no_file_is_written(workspace: Workspace, tmp_path: Path) -> None:
    add_imim(workspace)
    with pytest.raises(DomainError, match="No deadlines to export"):
        write_calendar(deadlines(workspace), tmp_path / "x.ics")
    assert not list(tmp_path.glob("*.ics")) and not list(tmp_path.glob(".deadlines-*"))
    with pytest.raises(NotFound, match="No student has the number 999999"):
        students_by_number(workspace, ["s3100001", "999999"])


@pytest.mark.slow
def test_the_command_line_writes_the_calendar(workspace: Workspace, tmp_path: Path) -> None:
    anouk = add_pm(workspace, "2712345")
    update_internship(workspace, anouk, "minor", start_date="2025-11-01")
    add_pm(workspace, "2700009", first="Bo")
    target = tmp_path / "F.ics"
    run = subprocess.run(
        [
            sys.executable,
            "-m",
            "coordinator_app.cli",
            "calendar",
            "--db",
            str(workspace.location),
            "-o",
            str(target),
            "--student",
            "2712345",
        ],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert run.returncode == 0, run.stderr
    assert run.stdout.strip() == f"Saved 11 deadlines to {target}"
    assert len(_events(target)) == 11
    bad = subprocess.run(
        [
            sys.executable,
            "-m",
            "coordinator_app.cli",
            "calendar",
            "--db",
            str(workspace.location),
            "-o",
            str(tmp_path / "F.txt"),
        ],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert bad.returncode != 0 and bad.stderr.strip().endswith("must end in .ics") and "Traceback" not in bad.stderr


def test_a_place_that_cannot_be_written_is_said_and_leaves_nothing(workspace: Workspace, tmp_path: Path) -> None:
    anouk = add_pm(workspace)
    update_internship(workspace, anouk, "minor", start_date="2025-11-01", approval_status="requested")
    found = deadlines(workspace, [anouk])
    with pytest.raises(DomainError, match=r"could not be written to .*missing \(No such file or directory\)"):
        write_calendar(found, tmp_path / "missing" / "x.ics")
    (tmp_path / "taken.ics").mkdir()  # a folder where the file should go
    with pytest.raises(DomainError, match=r"The calendar could not be written to .*taken\.ics"):
        write_calendar(found, tmp_path / "taken.ics")
    assert not list(tmp_path.glob(".deadlines-*")) and not list((tmp_path / "taken.ics").iterdir())  # nothing left
