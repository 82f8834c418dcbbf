"""The attention list's floor: the same items read with plain sqlite3 (or psycopg) and the rules' own functions.

What the app's attention list (services/attention.attention_items) cannot do with less: one
query per kind of item on a plain `sqlite3` connection, or a plain `psycopg` one on a server database
(no SQLAlchemy, no ORM, no snapshot; the same SQL, its placeholders written the driver's way), the
graduation verdicts read from the stored `readiness` table, and each item built as a tuple with
the same words (the flags' words come from domain/flags.py, the rule's one home). It returns the
same items as the app, graduation blockers included; tests/services/test_attention_floor.py
compares them on a demo database.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from datetime import date, timedelta
from typing import Any, Protocol

from coordinator_app.domain.attention import urgency
from coordinator_app.domain.deadlines import MAX_DAYS_BEFORE
from coordinator_app.domain.flags import (
    Flag,
    OpenRegistration,
    assessor_rank_flag,
    graduation_month_passed_flag,
    imim_flags,
    missing_result_flags,
    past_nominal_end_flag,
    same_person_flag,
)
from coordinator_app.domain.graduation import Readiness, graduation_date, submission_deadline
from coordinator_app.domain.programme import Programme

# (due, student number, component as shown, what, urgency, student id): sorted as the app sorts its items
Item = tuple[date, str, str, str, str, int]

HEAD = (
    "SELECT s.id, s.student_number, s.first_name, s.last_name, p.code, c.start_year{} FROM student s "
    "JOIN programme p ON p.id = s.programme_id JOIN cohort c ON c.id = s.cohort_id {} "
    "WHERE s.status = 'active' AND s.removed_at IS NULL AND {}"
)
FITS = "(r.holds_from IS NULL OR r.holds_from <= :as_of) AND (r.holds_until IS NULL OR :as_of < r.holds_until)"


class Connection(Protocol):
    """An sqlite3 or psycopg connection: `execute(sql, params)` gives the rows."""

    def execute(self, sql: Any, params: Any = ..., /) -> Any: ...


class _Server:
    """A psycopg connection taking the floor's SQLite-style SQL: `:name` -> `%(name)s`, `?` -> `%s`."""

    def __init__(self, con: Any) -> None:
        self._con = con

    def execute(self, sql: str, params: Any = None) -> Any:
        sql = re.sub(r"(?<!:):(\w+)", r"%(\1)s", sql).replace("?", "%s")
        return self._con.execute(sql, params)


def _driver(con: Any) -> Connection:
    return con if type(con).__module__.startswith("sqlite3") else _Server(con)


def _day(value: str | date | None) -> date | None:
    """A stored date: text on SQLite, a date on a server."""
    return value if value is None or isinstance(value, date) else date.fromisoformat(value)


def _due(value: str | date) -> date:
    return value if isinstance(value, date) else date.fromisoformat(value)


class _Out:
    def __init__(self, programmes: Mapping[str, Programme], as_of: date, within: int) -> None:
        self.programmes, self.as_of, self.within = programmes, as_of, within
        self.limit = as_of + timedelta(days=within)
        self.items: list[Item] = []
        self.names = {(code, c.key): c.name for code, programme in programmes.items() for c in programme.components}

    def add(self, due: date, sid: int, number: str, component: str, what: str) -> None:
        self.items.append((due, number, component, what, urgency(due, None, self.as_of, self.within).value, sid))

    def named(self, code: str, key: str) -> str:
        if key == "graduation":
            return "Graduation"
        return self.names.get((code, key)) or key.replace("_", " ").capitalize()

    def flag(self, sid: int, number: str, flag: Flag | None) -> None:
        if flag is not None and flag.attention and flag.due is not None and flag.due <= self.limit:
            self.add(flag.due, sid, number, flag.component, flag.what)

    def flags(self, sid: int, number: str, flags: Iterable[Flag]) -> None:
        for flag in flags:
            self.flag(sid, number, flag)


def attention_floor(con: Any, programmes: Mapping[str, Programme], as_of: date, within: int = 14) -> list[Item]:
    """`con`: an sqlite3 connection on the file, or a psycopg one on the server database."""
    con = _driver(con)
    out = _Out(programmes, as_of, within)
    p: dict[str, object] = {"as_of": as_of.isoformat(), "limit": out.limit.isoformat()}
    _items(con, out, p)
    _approvals(con, out, p)
    _graduation(con, out, p)
    _flags(con, out, p)
    out.items.sort()
    return out.items


def _items(con: Connection, out: _Out, p: dict[str, object]) -> None:
    for sid, n, _f, _l, code, _y, due, component, name in con.execute(
        HEAD.format(
            ", i.due_date, i.component, i.name",
            "JOIN portfolio_item i ON i.student_id = s.id",
            "i.received_date IS NULL AND i.due_date <= :limit",
        ),
        p,
    ):
        out.add(_due(due), sid, n, out.named(code, component), name)
    held = "(SELECT count(*) FROM mentor_meeting m WHERE m.student_id = s.id AND m.meeting_date <= :as_of)"
    for sid, n, _f, _l, code, _y, due, count in con.execute(
        HEAD.format(
            f", i.due_date, {held}",
            "JOIN portfolio_item i ON i.student_id = s.id AND i.component = 'academic_core' "
            "AND i.kind = 'final_portfolio'",
            "i.received_date IS NULL AND i.due_date <= :limit",
        ),
        p,
    ):
        rules = out.programmes[code].academic_core
        if rules and count < rules.min_mentor_meetings:
            what = f"mentor meetings: {count} of {rules.min_mentor_meetings} held"
            out.add(_due(due), sid, n, out.named(code, "academic_core"), what)


def _approvals(con: Connection, out: _Out, p: dict[str, object]) -> None:
    recent = (out.as_of - timedelta(days=365)).isoformat()
    voiding = sorted(
        {code for pr in out.programmes.values() if pr.internships for code in pr.internships.invalid_travel_codes}
    )
    codes = ", ".join("?" * len(voiding)) or "NULL"
    query = HEAD.format(
        ", t.kind, t.start_date, t.approval_status, t.travel_code",
        "JOIN internship t ON t.student_id = s.id",
        f"t.start_date IS NOT NULL AND t.start_date <= ? AND t.start_date >= ? "
        f"AND (t.approval_status != 'approved' OR t.travel_code IN ({codes}))",
    )
    for sid, n, _f, _l, code, _y, kind, start, status, travel in con.execute(query, (p["limit"], recent, *voiding)):
        rules = out.programmes[code].internships
        if status == "approved":
            if rules is None or travel not in rules.invalid_travel_codes:
                continue
            what = f"approval void: travel advice {travel}"
        else:
            what = f"Examination Board approval before the start ({status})"
        out.add(_due(start), sid, n, out.named(code, f"{kind}_internship"), what)
    query = HEAD.format(
        ", t.start_date, t.approval_status",
        "JOIN literature_study t ON t.student_id = s.id",
        "t.start_date IS NOT NULL AND t.start_date <= ? AND t.start_date >= ? AND t.approval_status != 'approved'",
    )
    for sid, n, _f, _l, code, _y, start, status in con.execute(query, (p["limit"], recent)):
        what = f"Examination Board approval before the start ({status})"
        out.add(_due(start), sid, n, out.named(code, "literature_study"), what)


def _graduation(con: Connection, out: _Out, p: dict[str, object]) -> None:
    as_of = out.as_of
    schedule = {
        (pid, y, mo): _due(d)
        for pid, y, mo, d in con.execute("SELECT programme_id, year, month, deadline FROM graduation_deadline")
    }
    earliest, latest = as_of - timedelta(days=31), out.limit + timedelta(days=MAX_DAYS_BEFORE)
    months = {"first": earliest.year * 100 + earliest.month, "last": latest.year * 100 + latest.month}
    query = HEAD.format(
        ", g.planned_year, g.planned_month, s.programme_id, r.blockers",
        "JOIN graduation_plan g ON g.student_id = s.id JOIN readiness r ON r.student_id = s.id",
        f"g.planned_year * 100 + g.planned_month BETWEEN :first AND :last AND {FITS}",
    )
    for sid, n, _f, _l, code, _y, year, month, pid, blockers in con.execute(query, {**p, **months}):
        deadline = submission_deadline(year, month, out.programmes[code].graduation, schedule.get((pid, year, month)))
        if not (earliest <= deadline <= out.limit and graduation_date(year, month) >= as_of) or not blockers:
            continue
        found = blockers.split("\n")
        shown = "; ".join(found[:3]) + (f" (+{len(found) - 3} more)" if len(found) > 3 else "")
        out.add(deadline, sid, n, "Graduation", f"graduation {year}-{month:02d} not ready: {shown}")


def _flags(con: Connection, out: _Out, p: dict[str, object]) -> None:
    as_of = out.as_of
    for code, programme in out.programmes.items():
        if programme.imim is not None:
            query = HEAD.format(
                ", s.year1_university, s.year2_university, s.english_test, s.english_overall, "
                "s.english_lowest_section, s.participation_fee_paid",
                "",
                "p.code = ?",
            )
            for sid, n, _f, _l, _c, year, y1, y2, test, overall, lowest, fee in con.execute(query, (code,)):
                out.flags(sid, n, imim_flags(programme.imim, year, y1, y2, test, overall, lowest, bool(fee)))
        plans = "LEFT JOIN graduation_plan g ON g.student_id = s.id"
        query = HEAD.format("", plans, "p.code = ? AND c.start_year <= ? AND g.id IS NULL")
        for sid, n, _f, _l, _c, year in con.execute(query, (code, as_of.year - programme.duration_years)):
            out.flag(sid, n, past_nominal_end_flag(year, programme, "active", None, as_of))
    unknown = "(t.assessor_rank IS NULL OR t.assessor_rank = '')"
    query = HEAD.format(
        ", t.kind, t.approval_status, t.assessor_rank, t.start_date",
        "JOIN internship t ON t.student_id = s.id",
        f"t.approval_status = 'approved' AND {unknown}",
    )
    for sid, n, _f, _l, code, _y, kind, status, rank, start in con.execute(query):
        rules = out.programmes[code].internships
        if rules is not None and kind in rules.kinds:
            flag = assessor_rank_flag(
                rules.kinds[kind].name, "internships", status, rank, rules.assessor_min_rank, _day(start)
            )
            out.flag(sid, n, flag)
    query = HEAD.format(
        ", t.approval_status, t.assessor_rank, t.start_date",
        "JOIN literature_study t ON t.student_id = s.id",
        f"t.approval_status = 'approved' AND {unknown}",
    )
    for sid, n, _f, _l, code, _y, status, rank, start in con.execute(query):
        lit = out.programmes[code].literature_study
        if lit is not None:
            name = out.named(code, lit.component)
            out.flag(sid, n, assessor_rank_flag(name, "literature", status, rank, lit.assessor_min_rank, _day(start)))
    query = HEAD.format(
        ", t.supervisor, t.assessor, t.start_date",
        "JOIN literature_study t ON t.student_id = s.id",
        "t.supervisor != '' AND t.assessor != ''",
    )
    for sid, n, _f, _l, code, _y, supervisor, assessor, start in con.execute(query):
        lit = out.programmes[code].literature_study
        if lit is not None:
            out.flag(
                sid,
                n,
                same_person_flag(out.named(code, lit.component), "literature", supervisor, assessor, _day(start)),
            )
    query = HEAD.format(
        ", co.name, r.attempt, r.exam_date",
        "JOIN course_result r ON r.student_id = s.id JOIN course co ON co.id = r.course_id",
        "r.grade IS NULL AND NOT r.no_show AND r.exam_date < :as_of",
    )
    for sid, n, _f, _l, _c, _y, course, attempt, exam in con.execute(query, p):
        out.flags(sid, n, missing_result_flags([OpenRegistration(course, attempt, _day(exam))], as_of))
    query = HEAD.format(
        ", g.planned_year, g.planned_month, r.blockers",
        "JOIN graduation_plan g ON g.student_id = s.id JOIN readiness r ON r.student_id = s.id",
        f"g.planned_year * 100 + g.planned_month <= :month AND {FITS}",
    )
    for sid, n, _f, _l, _c, _y, year, month, blockers in con.execute(
        query, {**p, "month": as_of.year * 100 + as_of.month}
    ):
        if graduation_date(year, month) < as_of:
            ready = Readiness(tuple(blockers.split("\n")) if blockers else ())
            out.flag(sid, n, graduation_month_passed_flag((year, month), ready, "active", as_of))
