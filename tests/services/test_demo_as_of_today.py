"""The demo as a new coordinator first sees it: built for a 'today' a few days after an exam day,
nothing in it may contradict what the window then says about the same students."""

from __future__ import annotations

import sqlite3
from contextlib import closing
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import select

from coordinator_app.services.demo import build_demo
from coordinator_app.services.snapshot import evaluate_student
from coordinator_app.services.workspace import Workspace
from coordinator_app.store import models as m

# Three days after the November exams (30-11): their grades are not all entered yet.
TODAY = date(2026, 12, 3)


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("demo-today") / "demo.sqlite"
    build_demo(path, students=200, seed=1, as_of=TODAY)
    return path


@pytest.mark.slow
def test_no_grade_is_entered_after_today(demo: Path) -> None:
    # The Courses tab showed "Entered on 10-12-2026" on 03-12-2026 for the exam of 30-11-2026.
    with closing(sqlite3.connect(demo)) as con:
        later = con.execute(
            "SELECT count(*) FROM course_result WHERE registered_on > ?", (TODAY.isoformat(),)
        ).fetchone()[0]
        entered = con.execute("SELECT count(*) FROM course_result WHERE registered_on IS NOT NULL").fetchone()[0]
    assert entered > 0
    assert later == 0


@pytest.mark.slow
def test_every_graduated_student_met_the_graduation_requirements(demo: Path) -> None:
    # A graduated student whose Graduation tab says "Not ready: 2 blockers" (a mark registered after
    # the deadline, tuition not paid) is a contradiction a coordinator trying the demo trips over.
    ws = Workspace.open(demo)
    try:
        with ws.read() as s:
            graduated = list(s.scalars(select(m.Student).where(m.Student.status == "graduated")))
            blocked = {
                student.student_number: evaluate_student(s, student, ws.programme_of(student), TODAY).readiness.blockers
                for student in graduated
            }
    finally:
        ws.close()
    assert len(graduated) >= 10  # still a fair share graduated, of both programmes
    assert {number for number, blockers in blocked.items() if blockers} == set(), blocked


@pytest.mark.slow
def test_a_student_who_stopped_did_not_finish_first(demo: Path) -> None:
    # 4 of the 10 who stopped had all 120 EC, and their attendance certificate, for stopping
    # "without finishing the programme", listed every component.
    with closing(sqlite3.connect(demo)) as con:
        stopped = con.execute("SELECT student_number, ec_earned FROM student WHERE status = 'stopped'").fetchall()
    assert len(stopped) >= 3
    assert [(number, ec) for number, ec in stopped if ec >= 120] == []
