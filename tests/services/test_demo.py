"""The demo database: deterministic for a seed and date, realistic, and within the rules."""

from __future__ import annotations

import sqlite3
from collections import Counter
from contextlib import closing
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from coordinator_app.domain.graduation import graduation_date
from coordinator_app.services.checks import run_checks
from coordinator_app.services.demo import build_demo
from coordinator_app.services.snapshot import evaluate_student
from coordinator_app.services.workspace import Workspace
from coordinator_app.store import models as m
from coordinator_app.store.migrate import head_revision

AS_OF = date(2025, 11, 24)


def dump(path: Path) -> dict[str, list[tuple[Any, ...]]]:
    """Every table's rows in id order; the audit entry's time stamp is left out."""
    con = sqlite3.connect(path)
    try:
        tables = [r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")]
        out = {}
        for table in tables:
            columns = [
                r[1] for r in con.execute(f"PRAGMA table_info({table})") if (table, r[1]) != ("audit_entry", "at")
            ]
            out[table] = con.execute(f"SELECT {', '.join(columns)} FROM {table} ORDER BY rowid").fetchall()
        return out
    finally:
        con.close()


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("demo") / "demo.sqlite"
    summary = build_demo(path, students=800, seed=7, as_of=AS_OF)
    assert summary.startswith("800 students in ")
    return path


@pytest.mark.slow
def test_same_seed_and_date_give_identical_databases(demo: Path, tmp_path: Path) -> None:
    again = tmp_path / "again.sqlite"
    build_demo(again, students=800, seed=7, as_of=AS_OF)
    first, second = dump(demo), dump(again)
    assert first == second
    assert len(first["student"]) == 800 and len(first["portfolio_item"]) > 5000


@pytest.mark.slow
def test_another_seed_gives_other_data(demo: Path, tmp_path: Path) -> None:
    other = tmp_path / "other.sqlite"
    build_demo(other, students=800, seed=8, as_of=AS_OF)
    a, b = dump(demo), dump(other)
    assert a["student"] != b["student"]
    assert a["course_result"] != b["course_result"]


@pytest.mark.slow
def test_both_programmes_and_several_cohorts(demo: Path) -> None:
    con = sqlite3.connect(demo)
    try:
        cohorts = con.execute(
            "SELECT p.code, c.start_year, count(s.id) FROM cohort c JOIN programme p ON p.id = c.programme_id"
            " JOIN student s ON s.cohort_id = c.id GROUP BY 1, 2"
        ).fetchall()
        names = con.execute("SELECT last_name FROM student").fetchall()
    finally:
        con.close()
    years = {code: sorted(y for c, y, _ in cohorts if c == code) for code in ("PM", "IMIM")}
    assert years["PM"] == [2022, 2023, 2024, 2025]
    assert years["IMIM"] == [2023, 2024, 2025]
    assert all(n > 0 for _, _, n in cohorts)
    last_names = {n for (n,) in names}
    assert len(last_names) > 20
    # Dutch and international names.
    assert any(n.startswith(("de ", "van ", "De ", "Van ")) for n in last_names)
    assert any(not n.isascii() for n in last_names)  # García, Yılmaz, Müller, ...


@pytest.mark.slow
def test_items_at_varied_stages_some_overdue_some_graduated(demo: Path) -> None:
    con = sqlite3.connect(demo)
    try:
        overdue = con.execute(
            "SELECT count(*) FROM portfolio_item WHERE received_date IS NULL AND due_date < ?", (AS_OF.isoformat(),)
        ).fetchone()[0]
        received = con.execute("SELECT count(*) FROM portfolio_item WHERE received_date IS NOT NULL").fetchone()[0]
        future = con.execute("SELECT count(*) FROM portfolio_item WHERE due_date > ?", (AS_OF.isoformat(),)).fetchone()[
            0
        ]
        late_received = con.execute(
            "SELECT count(*) FROM portfolio_item WHERE received_date > ?", (AS_OF.isoformat(),)
        ).fetchone()[0]
        statuses = dict(con.execute("SELECT status, count(*) FROM student GROUP BY status").fetchall())
        resits = con.execute("SELECT count(*) FROM course_result WHERE attempt > 1").fetchone()[0]
        meetings = con.execute(
            "SELECT count(*) FROM mentor_meeting WHERE meeting_date > ?", (AS_OF.isoformat(),)
        ).fetchone()[0]
    finally:
        con.close()
    assert overdue > 0 and received > overdue and future > 0
    assert late_received == 0 and meetings == 0  # nothing happens after "today"
    assert statuses["graduated"] > 0 and statuses["stopped"] > 0 and statuses["active"] > statuses["graduated"]
    assert resits > 0


@pytest.mark.slow
def test_each_graduate_has_the_graduation_date_of_the_planned_month_and_no_one_else(demo: Path) -> None:
    with closing(sqlite3.connect(demo)) as con:
        rows = con.execute(
            "SELECT s.status, g.planned_year, g.planned_month, g.graduated_on "
            "FROM student s JOIN graduation_plan g ON g.student_id = s.id"
        ).fetchall()
    graduates = [(y, mo, on) for status, y, mo, on in rows if status == "graduated"]
    assert graduates and all(on == graduation_date(y, mo).isoformat() for y, mo, on in graduates)
    assert all(on is None for status, _, _, on in rows if status != "graduated")


@pytest.mark.slow
def test_specialization_capacity_is_respected(demo: Path) -> None:
    con = sqlite3.connect(demo)
    try:
        per_cohort = con.execute(
            "SELECT cohort_id, specialization, count(*) FROM student WHERE specialization IS NOT NULL GROUP BY 1, 2"
        ).fetchall()
    finally:
        con.close()
    assert max(n for _, _, n in per_cohort) == 20  # full, never over
    ws = Workspace.open(demo)
    try:
        ws.today = AS_OF
        report = run_checks(ws)
    finally:
        ws.close()
    assert report.integrity == "ok" and report.schema == head_revision()
    assert not [v for v in report.violations if "at most 20 can be placed" in v]


@pytest.mark.slow
def test_cached_ec_matches_the_rules(demo: Path) -> None:
    ws = Workspace.open(demo)
    try:
        with ws.read() as s:
            students = list(s.scalars(select(m.Student).order_by(m.Student.id).limit(120)))
            for student in students:
                programme = ws.programme_of(student)
                assert evaluate_student(s, student, programme, AS_OF).ec_total == student.ec_earned, (
                    student.student_number
                )
            spread = Counter(min(st.ec_earned // 30, 4) for st in students)
    finally:
        ws.close()
    assert len(spread) >= 3  # students at varied stages, from 0 to 120 EC


def test_demo_placements_in_the_netherlands_tick_umc_as_their_host_is(tmp_path: Path) -> None:
    from coordinator_app.services.demo_names import HOSTS

    db = tmp_path / "demo.sqlite"
    build_demo(db, students=150, as_of=date(2025, 11, 24))
    is_umc = {host: flag for host, _dept, flag in HOSTS}
    ws = Workspace.open(db, daily_backup=False)
    try:
        with ws.read() as s:
            rows = s.execute(select(m.Internship.host, m.Internship.is_umc, m.Internship.country)).all()
            emails = s.scalars(select(m.Student.email)).all()
    finally:
        ws.close()
    dutch = [(host, umc) for host, umc, country in rows if country == "Netherlands" and host]
    assert dutch and all(umc == is_umc[host] for host, umc in dutch)
    assert all(e.split("@")[0].count(".") >= 1 and e.isascii() for e in emails if e)


def test_demo_e_mail_addresses_spell_out_letters_without_an_ascii_base() -> None:
    from coordinator_app.services.demo_names import email_part as _ascii

    assert _ascii("Łukasz") == "lukasz" and _ascii("Søren") == "soren" and _ascii("Ó Briain") == "obriain"
