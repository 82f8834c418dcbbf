"""The cohort dashboard's figures (issue 15, item 3): each chart's numbers equal a direct count from
the database (raw SQL on the file, not the service's queries), and a bar's students are the ones it counts."""

from __future__ import annotations

import sqlite3
from collections import Counter
from datetime import date
from pathlib import Path

import pytest

from coordinator_app.domain.cohort import ec_band_of, ec_bands
from coordinator_app.services.dashboard import (
    EC,
    GRADUATIONS,
    OVERDUE,
    PLACES_TAKEN,
    WHERE,
    Scope,
    cohort_figures,
    students_of,
)
from coordinator_app.services.demo import build_demo
from coordinator_app.services.workspace import Workspace

AS_OF = date(2025, 11, 24)


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("dashboard") / "demo.sqlite"
    build_demo(path, students=600, seed=5, as_of=AS_OF)
    return path


@pytest.fixture
def ws(demo: Path) -> Workspace:
    workspace = Workspace.open(demo)
    workspace.today = AS_OF
    yield workspace
    workspace.close()


def rows(path: Path, sql: str, *args: object) -> list[tuple]:
    with sqlite3.connect(path) as db:
        return db.execute(sql, args).fetchall()


STUDENTS = """
    SELECT s.id, s.status, s.ec_earned, s.specialization, c.start_year, p.code,
           (SELECT g.planned_year FROM graduation_plan g WHERE g.student_id = s.id),
           (SELECT g.planned_month FROM graduation_plan g WHERE g.student_id = s.id),
           (SELECT i.start_date FROM internship i WHERE i.student_id = s.id AND i.kind = 'minor'),
           (SELECT i.start_date FROM internship i WHERE i.student_id = s.id AND i.kind = 'major'),
           (SELECT l.start_date FROM literature_study l WHERE l.student_id = s.id)
    FROM student s JOIN cohort c ON c.id = s.cohort_id JOIN programme p ON p.id = s.programme_id
    WHERE s.removed_at IS NULL AND (? IS NULL OR p.code = ?) AND (? IS NULL OR c.start_year = ?)
"""


def where_directly(status: str, planned: bool, minor: str | None, major: str | None, lit: str | None) -> str:
    if status in ("stopped", "graduated"):
        return status
    if planned:
        return "graduating"
    begun = [
        (d, order, name)
        for order, (d, name) in enumerate(
            [(minor, "minor internship"), (major, "major internship"), (lit, "Literature Study")]
        )
        if d is not None and date.fromisoformat(d) <= AS_OF
    ]
    return max(begun)[2] if begun else "courses"


@pytest.mark.parametrize("programme, cohort", [(None, None), ("PM", 2024), ("IMIM", 2025), ("PM", None)])
def test_each_chart_equals_a_direct_count(ws: Workspace, demo: Path, programme: str | None, cohort: int | None) -> None:
    figures = cohort_figures(ws, Scope(programme, cohort), AS_OF)
    students = rows(demo, STUDENTS, programme, programme, cohort, cohort)
    assert figures.students == len(students)
    active = [s for s in students if s[1] == "active"]

    bands = ec_bands(120)
    ec = Counter(ec_band_of(s[2] or 0, bands) for s in active)
    assert [b.count for b in figures.figure(EC).bars] == [ec.get(i, 0) for i in range(len(bands))]

    where = Counter(where_directly(s[1], s[6] is not None, s[8], s[9], s[10]) for s in students)
    shown = {b.label: b.count for b in figures.figure(WHERE).bars}
    assert {k: v for k, v in shown.items() if v} == dict(where)

    taken = Counter((s[4], s[3]) for s in students if s[3] and s[1] != "stopped")
    for bar in figures.figure(PLACES_TAKEN).bars:
        assert bar.count == taken.get((bar.selection.cohort, bar.selection.specialization), 0), bar.label
        assert bar.limit == 20
    assert sum(b.count for b in figures.figure(PLACES_TAKEN).bars) == sum(taken.values())

    ids = {s[0] for s in active}
    overdue = Counter(
        kind
        for sid, kind in rows(
            demo,
            "SELECT student_id, kind FROM portfolio_item WHERE received_date IS NULL AND due_date < ?",
            AS_OF.isoformat(),
        )
        if sid in ids
    )
    assert {b.selection.item: b.count for b in figures.figure(OVERDUE).bars} == dict(overdue)

    months = Counter((s[6], s[7]) for s in active if s[6] is not None)
    graduations = figures.figure(GRADUATIONS).bars
    assert [b.count for b in graduations] == [months.get(b.selection.month, 0) for b in graduations]
    assert graduations[0].label == "Nov 2025" and len(graduations) == 12


def test_a_bar_stands_for_the_students_it_counts(ws: Workspace, demo: Path) -> None:
    figures = cohort_figures(ws, Scope("PM", 2024), AS_OF)
    students = rows(demo, STUDENTS, "PM", "PM", 2024, 2024)
    for figure in (figures.figure(WHERE), figures.figure(EC), figures.figure(PLACES_TAKEN)):
        for bar in figure.bars:
            found = students_of(ws, figures, bar)
            assert len(found) == bar.count, (figure.key, bar.label)
            assert set(found) <= {s[0] for s in students}
    for bar in figures.figure(OVERDUE).bars:  # items: a student may owe two of a kind? no: one per kind per part
        assert 0 < len(students_of(ws, figures, bar)) <= bar.count
    by_place = {bar.label: set(students_of(ws, figures, bar)) for bar in figures.figure(WHERE).bars}
    for s in students:
        place = where_directly(s[1], s[6] is not None, s[8], s[9], s[10])
        assert s[0] in by_place[place]


def test_imim_alone_has_no_internship_places_and_no_specializations(ws: Workspace) -> None:
    figures = cohort_figures(ws, Scope("IMIM", None), AS_OF)
    labels = [b.label for b in figures.figure(WHERE).bars]
    assert "minor internship" not in labels and "Literature Study" not in labels and "courses" in labels
    places = figures.figure(PLACES_TAKEN)
    assert places.bars == () and places.note == "IMIM has no specializations."


def test_an_empty_cohort_says_so(ws: Workspace) -> None:
    figures = cohort_figures(ws, Scope("PM", 1999), AS_OF)
    assert figures.students == 0
    assert figures.figure(WHERE).note == "No students." and figures.figure(EC).note == "No active students."


def test_a_selection_larger_than_sqlites_parameter_limit(ws: Workspace) -> None:
    """40,000 ids chosen (more than SQLite's 32,766 parameters): counted, not refused."""
    figures = cohort_figures(ws, Scope(student_ids=tuple(range(1, 40_001))), AS_OF)
    assert figures.students == cohort_figures(ws, Scope(), AS_OF).students  # every demo id is below 40,001
