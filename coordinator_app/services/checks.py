"""`check`: schema version, SQLite integrity, and rule violations found in the data.

`check_database(path)` works on any file: one that is not a usable database (empty, damaged,
another application's, too new) gets a verdict naming the newest good backup instead of a
report, and is never opened for writing.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import func, select
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

from coordinator_app.domain.internships import InternshipFacts, is_abroad, umc_rule_violated, voids_approval
from coordinator_app.domain.programme import InternshipRules
from coordinator_app.domain.progress import specialization_over_capacity
from coordinator_app.domain.ranks import RANKS, rank_at_least
from coordinator_app.location import Location
from coordinator_app.services.flags import flagged_students
from coordinator_app.services.workspace import Workspace
from coordinator_app.store import models as m
from coordinator_app.store.errors import DatabaseCorrupt, DatabaseProblem, damaged, translate
from coordinator_app.store.health import DAMAGED
from coordinator_app.store.migrate import current_revision, head_revision, look_at, refusal

if TYPE_CHECKING:
    from coordinator_app.store.sessions import AnyRow


@dataclass
class CheckReport:
    schema: str
    latest_schema: str
    integrity: str
    students: int
    violations: list[str] = field(default_factory=list)
    verdict: str | None = None  # why the file could not be checked as a database (then nothing else is set)
    damaged: bool = False  # the verdict is damage (what check is for), not "this is no database of ours"
    backup_problem: str | None = None  # why no backup could be made today, if none could

    @property
    def ok(self) -> bool:
        return (
            self.verdict is None
            and self.integrity in ("ok", SERVER_INTEGRITY)
            and not self.violations
            and self.schema == self.latest_schema
        )


def check_database(path: Path) -> CheckReport:
    """Check the file at `path` (which exists), whatever it holds; never raises for what the file holds."""
    from coordinator_app.services.recovery import with_offer

    path = Path(path)
    try:
        state = look_at(path, check="quick")
        problem = damaged(path, state.detail) if state.kind == DAMAGED else refusal(path, state)
        if problem is not None:
            return _verdict(with_offer(problem, path))
        ws = Workspace.open(path)
        try:
            report = run_checks(ws)
            report.backup_problem = ws.backup_problem
            return report
        finally:
            ws.close()
    except DatabaseProblem as exc:
        return _verdict(with_offer(exc, path))
    except (sqlite3.Error, DBAPIError) as exc:
        translated = translate(exc, path)
        return _verdict(
            with_offer(translated, path)
            if translated is not None
            else DatabaseProblem(f"{path} cannot be read as a database ({exc}).")
        )


def _short(text: str, lines: int = 10) -> str:
    """SQLite lists every damaged page; the first few say enough, and the report stays on one screen."""
    parts = text.split("; ")
    return text if len(parts) <= lines else "; ".join(parts[:lines]) + f"; ... and {len(parts) - lines} more"


def _verdict(problem: DatabaseProblem) -> CheckReport:
    return CheckReport(
        "unknown", head_revision(), "not checked", 0, verdict=str(problem), damaged=isinstance(problem, DatabaseCorrupt)
    )


# A server keeps its own files whole (checksums, WAL); what a login may check is that every row's
# references hold, which PostgreSQL enforces on every write. Its page checks (amcheck) need a superuser.
SERVER_INTEGRITY = "kept by the server (foreign keys and constraints are enforced on every write)"


def check_location(location: Location) -> CheckReport:
    """`check` on a file (check_database) or a server database."""
    if location.server is None:
        return check_database(location.file_path)
    ws = Workspace.open(location)
    try:
        return run_checks(ws)
    finally:
        ws.close()


def run_checks(ws: Workspace) -> CheckReport:
    if ws.is_server:
        report = CheckReport(current_revision(ws.engine) or "none", head_revision(), SERVER_INTEGRITY, 0)
        return _rules(ws, report)
    try:
        with ws.engine.connect() as conn:
            integrity = "; ".join(r[0] for r in conn.exec_driver_sql("PRAGMA integrity_check").fetchall())
            fk = conn.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
    except DBAPIError as exc:
        # The damage `check` exists to find: reported in the coordinator's words, never a traceback.
        problem = translate(exc, ws.path)
        if problem is None:
            raise
        raise problem from exc
    report = CheckReport(current_revision(ws.engine) or "none", head_revision(), _short(integrity), 0)
    if fk:
        report.violations.append(f"{len(fk)} rows refer to records that do not exist (foreign key check)")
    return _rules(ws, report)


def _rules(ws: Workspace, report: CheckReport) -> CheckReport:
    with ws.read() as s:
        report.students = s.scalar(select(func.count()).select_from(m.Student)) or 0
        _capacity(ws, s, report)
        _internships(ws, s, report)
        _literature(ws, s, report)
        _flags(ws, s, report)
        from coordinator_app.services.attachments import document_problems

        report.violations.extend(document_problems(ws, s))
    return report


def _who(row: AnyRow) -> str:
    return f"{row.student_number} {row.first_name} {row.last_name}"


def _capacity(ws: Workspace, s: Session, report: CheckReport) -> None:
    rows = s.execute(
        select(m.Programme.code, m.Cohort.start_year, m.Student.specialization, func.count())
        .join(m.Cohort, m.Student.cohort_id == m.Cohort.id)
        .join(m.Programme, m.Student.programme_id == m.Programme.id)
        .where(m.Student.specialization.is_not(None), m.Student.status != "stopped")
        .group_by(m.Programme.code, m.Cohort.start_year, m.Student.specialization)
    ).all()
    by_cohort: dict[tuple[str, int], dict[str, int]] = {}
    for code, year, spec, n in rows:
        if spec is not None:
            by_cohort.setdefault((code, year), {})[spec] = n
    for (code, year), counts in sorted(by_cohort.items()):
        for problem in specialization_over_capacity(ws.programmes[code], counts):
            report.violations.append(f"{code} cohort {year}-{year + 1}: {problem}")


def _internships(ws: Workspace, s: Session, report: CheckReport) -> None:
    today = ws.as_of()
    query = (
        select(m.Student.student_number, m.Student.first_name, m.Student.last_name, m.Programme.code, m.Internship)
        .join(m.Internship, m.Internship.student_id == m.Student.id)
        .join(m.Programme, m.Student.programme_id == m.Programme.id)
        .where(m.Student.status == "active")
    )
    planned: dict[str, tuple[InternshipRules, list[InternshipFacts]]] = {}
    for row in s.execute(query):
        i: m.Internship = row.Internship
        rules = ws.programmes[row.code].internships
        if rules is None:
            continue
        who = _who(row)
        planned.setdefault(who, (rules, []))[1].append(
            InternshipFacts(
                i.kind, i.country, i.travel_code, i.is_umc, i.approval_status, i.assessor_rank, i.start_date
            )
        )
        if i.approval_status == "approved" and voids_approval(i.travel_code, rules.invalid_travel_codes):
            report.violations.append(
                f"{who}: {i.kind} internship approved for {i.country}, travel advice {i.travel_code}"
            )
        if i.start_date and i.start_date <= today and i.approval_status != "approved":
            report.violations.append(
                f"{who}: {i.kind} internship started {i.start_date:%d-%m-%Y} without approval ({i.approval_status})"
            )
        if i.assessor_rank and not rank_at_least(i.assessor_rank, rules.assessor_min_rank):
            report.violations.append(
                f"{who}: {i.kind} internship assessor is {RANKS[i.assessor_rank]}, below {RANKS[rules.assessor_min_rank]}"
            )
        if rules.kinds[i.kind].netherlands_only and is_abroad(i.country):
            report.violations.append(f"{who}: minor internship abroad ({i.country})")
    for who, (rules, internships) in planned.items():
        if rules.umc_required_in_at_least_one and umc_rule_violated(internships):
            report.violations.append(f"{who}: neither internship is at a university medical center")


def _literature(ws: Workspace, s: Session, report: CheckReport) -> None:
    query = (
        select(m.Student.student_number, m.Student.first_name, m.Student.last_name, m.Programme.code, m.LiteratureStudy)
        .join(m.LiteratureStudy, m.LiteratureStudy.student_id == m.Student.id)
        .join(m.Programme, m.Student.programme_id == m.Programme.id)
        .where(m.Student.status == "active")
    )
    for row in s.execute(query):
        lit: m.LiteratureStudy = row.LiteratureStudy
        rules = ws.programmes[row.code].literature_study
        if rules and lit.assessor_rank and not rank_at_least(lit.assessor_rank, rules.assessor_min_rank):
            report.violations.append(
                f"{_who(row)}: Literature Study assessor is {RANKS[lit.assessor_rank]}, below {RANKS[rules.assessor_min_rank]}"
            )


def _flags(ws: Workspace, s: Session, report: CheckReport) -> None:
    """The rules the record flags as broken (domain/flags.py): IMIM universities and English
    requirement, approvals without the assessor's rank, a supervisor who is also the assessor."""
    for found in flagged_students(ws, s, ws.as_of(), violations_only=True):
        report.violations.append(f"{found.student_number} {found.student_name}: {found.flag.sentence.rstrip('.')}")
