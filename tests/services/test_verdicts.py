"""The stored graduation verdicts (services/verdicts.py) stay in step with the data on every write path.

Random edits through the services, undo of them (the services called again, as the window's undo
stack does), the results import, deadline changes, removals, a restore from a backup and attention lists asked on other days; after each step every stored verdict
that says it holds on a day must equal a fresh evaluation of the student on that day, the
students an edit touched must have one, and the attention list must be the one worked out from
fresh evaluations of everybody.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from coordinator_app.domain.errors import DomainError
from coordinator_app.domain.graduation import Readiness
from coordinator_app.domain.programme import Programme
from coordinator_app.domain.student import StudentSnapshot, evaluate
from coordinator_app.services import (
    academic_core,
    bulk,
    courses,
    deadlines,
    graduation,
    internships,
    portfolio,
    students,
    verdicts,
)
from coordinator_app.services.attention import attention_items
from coordinator_app.services.backups import back_up_now, restore_backup
from coordinator_app.services.bulk_actions import MarkReceived
from coordinator_app.services.cohort_data import load_chunk, snapshot_of
from coordinator_app.services.demo import build_demo
from coordinator_app.services.verdicts import Stored, V, rules_mark
from coordinator_app.services.workspace import Workspace
from coordinator_app.spreadsheets.importer import apply_import, preview_import
from coordinator_app.store import models as m
from tests.conftest import TODAY

STUDENTS = 40
DAYS = (TODAY, TODAY - timedelta(days=200), TODAY + timedelta(days=60))


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("verdicts") / "demo.sqlite"
    build_demo(path, students=STUDENTS, seed=3, as_of=TODAY)
    return path


@pytest.fixture
def fresh_copy(tmp_path_factory: pytest.TempPathFactory, template: Path) -> Callable[[], Workspace]:
    opened: list[Workspace] = []

    def make() -> Workspace:
        folder = tmp_path_factory.mktemp("copy")
        shutil.copy(template, folder / "demo.sqlite")
        ws = Workspace.open(folder / "demo.sqlite", daily_backup=False)
        ws.today = TODAY
        opened.append(ws)
        return ws

    yield make  # type: ignore[misc]
    for ws in opened:
        ws.close()


def _stored(ws: Workspace) -> dict[int, Stored]:
    with ws.read() as s:
        return {
            r.student_id: Stored(r.blockers, r.holds_from, r.holds_until, r.rules)
            for r in s.connection().execute(select(V))
        }


def _ec_totals(ws: Workspace) -> tuple[dict[int, int], dict[int, int]]:
    """Every student's stored EC total, and the one a fresh evaluation gives."""
    with ws.read() as s:
        chunk = load_chunk(s, _all_ids(ws))
        stored = {st_.id: st_.ec_earned for st_ in chunk.students}
        fresh = {
            st_.id: evaluate(ws.programmes[st_.programme], snapshot_of(st_, chunk), TODAY).ec_total
            for st_ in chunk.students
        }
    return stored, fresh


def _store_all(ws: Workspace) -> None:
    """Every student's verdict worked out and stored, as a large attention list would."""
    with ws.keep_derived() as s:
        verdicts.refresh(s, ws.programmes, _all_ids(ws), TODAY)


def _fresh(ws: Workspace, ids: list[int], day: date) -> dict[int, tuple[str, ...]]:
    with ws.read() as s:
        chunk = load_chunk(s, ids)
        return {
            st_.id: evaluate(ws.programmes[st_.programme], snapshot_of(st_, chunk), day).readiness.blockers
            for st_ in chunk.students
        }


def _all_ids(ws: Workspace) -> list[int]:
    with ws.read() as s:
        return list(s.scalars(select(m.Student.id).execution_options(include_removed=True).order_by(m.Student.id)))


def _records(ws: Workspace) -> dict[int, StudentSnapshot]:
    """What the verdict of every student is worked out from."""
    with ws.read() as s:
        chunk = load_chunk(s, _all_ids(ws))
        return {row.id: snapshot_of(row, chunk) for row in chunk.students}


def check_in_step(ws: Workspace, edited: set[int]) -> None:
    stored = _stored(ws)
    ids = _all_ids(ws)
    programme_of = _programmes_of(ws)
    for day in DAYS:
        fresh = _fresh(ws, ids, day)
        for sid, verdict in stored.items():
            if verdict.fits(programme_of[sid], day):
                assert verdict.readiness.blockers == fresh[sid], (sid, day)
    for sid in edited:  # judged by the edit, or forgotten and worked out when asked: never an old one
        assert sid not in stored or stored[sid].fits(programme_of[sid], TODAY), f"student {sid}: an old verdict"
    ec_stored, ec_fresh = _ec_totals(ws)
    assert ec_stored == ec_fresh
    everybody = {sid: Readiness(blockers) for sid, blockers in _fresh(ws, ids, TODAY).items()}
    assert attention_items(ws, TODAY) == attention_items(ws, TODAY, readiness=everybody)


def _programmes_of(ws: Workspace) -> dict[int, Programme]:
    with ws.read() as s:
        rows = s.execute(
            select(m.Student.id, m.Programme.code)
            .join(m.Programme, m.Student.programme_id == m.Programme.id)
            .execution_options(include_removed=True)
        )
        return {sid: ws.programmes[code] for sid, code in rows}


# -- the edits ---------------------------------------------------------------------------------------
def _pm(ws: Workspace, n: int) -> int | None:
    with ws.read() as s:
        ids = list(
            s.scalars(
                select(m.Student.id)
                .join(m.Programme, m.Student.programme_id == m.Programme.id)
                .where(m.Programme.code == "PM")
                .order_by(m.Student.id)
            )
        )
    return ids[n % len(ids)] if ids else None


def _any(ws: Workspace, n: int) -> int:
    ids = [i for i in _all_ids(ws) if i in _active_ids(ws)]
    return ids[n % len(ids)]


def _active_ids(ws: Workspace) -> set[int]:
    with ws.read() as s:
        return set(s.scalars(select(m.Student.id)))


def grade(ws: Workspace, n: int, k: int) -> set[int]:
    sid = _any(ws, n)
    with ws.read() as s:
        code = s.scalar(
            select(m.Programme.code)
            .join(m.Student, m.Student.programme_id == m.Programme.id)
            .where(m.Student.id == sid)
        )
    plain = [c for c in ws.programmes[code].courses if c.component != "optional" and not c.specialization]
    course = plain[(n + k) % len(plain)]
    recorded = courses.record_grade(ws, sid, course.code, ("4.0", "5.5", "7.5", "NS", "9.0")[k % 5])
    UNDO.append(lambda: courses.undo_grade(ws, recorded))
    return {sid}


def student_field(ws: Workspace, n: int, k: int) -> set[int]:
    sid = _any(ws, n)
    field, value = (("tuition_paid", k % 2 == 0), ("enrolled", k % 3 != 0), ("status", ("active", "stopped")[k % 2]))[
        k % 3
    ]
    old = students.update_student(ws, sid, **{field: value})
    UNDO.append(lambda: students.update_student(ws, sid, **old))
    return {sid}


def internship(ws: Workspace, n: int, k: int) -> set[int]:
    sid = _pm(ws, n)
    if sid is None or sid not in _active_ids(ws):
        return set()
    status = ("approved", "requested", "not requested")[k % 3]
    changes = {"start_date": TODAY - timedelta(days=30 * (k % 9)), "approval_status": status}
    if status == "approved":
        changes.update(approval_date=TODAY - timedelta(days=40 * (k % 9) + 1), assessor_rank="UD")
    kind = ("minor", "major")[k % 2]
    old = internships.update_internship(ws, sid, kind, **changes)
    UNDO.append(lambda: internships.update_internship(ws, sid, kind, **old))
    return {sid}


def received(ws: Workspace, n: int, k: int) -> set[int]:
    with ws.read() as s:
        items = list(s.execute(select(m.PortfolioItem.id, m.PortfolioItem.student_id).order_by(m.PortfolioItem.id)))
    if not items:
        return set()
    item, sid = items[(n * 7 + k) % len(items)]
    portfolio.mark_received(ws, item, None if k % 4 == 0 else TODAY - timedelta(days=k % 40))
    return {sid}


def meeting(ws: Workspace, n: int, k: int) -> set[int]:
    sid = _pm(ws, n)
    if sid is None or sid not in _active_ids(ws):
        return set()
    with ws.read() as s:
        held = list(s.scalars(select(m.MentorMeeting.id).where(m.MentorMeeting.student_id == sid)))
    if held and k % 3 == 0:
        deleted = academic_core.delete_meeting(ws, held[0])
        UNDO.append(lambda: academic_core.restore_meeting(ws, deleted))
    else:  # some meetings lie ahead: they count from their day (the verdict says until when it holds)
        added = academic_core.add_meeting(ws, sid, TODAY + timedelta(days=(k % 9 - 4) * 15))
        UNDO.append(lambda: academic_core.delete_meeting(ws, added))
    return {sid}


def plan(ws: Workspace, n: int, k: int) -> set[int]:
    sid = _any(ws, n)
    if k % 5 == 0:
        graduation.clear_graduation_plan(ws, sid)
    else:
        graduation.plan_graduation(ws, sid, 2025 + k % 2, (11, 12, 1, 2, 6)[k % 5])
    return {sid}


def removal(ws: Workspace, n: int, k: int) -> set[int]:
    removed = [r.id for r in students.removed_students(ws)]
    if removed and k % 2:
        students.restore_student(ws, removed[0])
    else:
        students.remove_student(ws, _any(ws, n))
    return set()


def deadline(ws: Workspace, n: int, k: int) -> set[int]:
    month = (12, 1, 2, 6)[k % 4]
    year = 2026 if month < 9 else 2025
    deadlines.set_deadline(ws, "PM", year, month, date(year, month, 1) - timedelta(days=10 + k % 20))
    return set()


def results_import(ws: Workspace, n: int, k: int, folder: Path) -> set[int]:
    with ws.read() as s:
        rows = list(
            s.execute(
                select(m.Student.student_number, m.Programme.code)
                .join(m.Programme, m.Student.programme_id == m.Programme.id)
                .where(m.Student.status == "active")
                .order_by(m.Student.id)
            )
        )
    lines = ["student number;course;grade;exam date;attempt"]
    for number, code in rows[n % 5 :: 7]:
        plain = [c for c in ws.programmes[code].courses if c.component != "optional" and not c.specialization]
        course = plain[k % len(plain)]
        lines.append(f"{number};{course.code};{('8', '4,5', '6')[k % 3]};;")
    path = folder / f"results-{n}-{k}.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    preview = preview_import(ws, path)
    if preview.rejected:
        return set()
    apply_import(ws, preview, skip_rejected=True)
    return set()  # the import forgets their verdicts: worked out again when asked


def attention_elsewhere(ws: Workspace, n: int, k: int) -> set[int]:
    attention_items(ws, DAYS[k % len(DAYS)])  # works out and keeps the verdicts it needs on that day
    return set()


def undo(ws: Workspace, n: int, k: int) -> set[int]:
    """Undo, as the window's undo stack does it: the service called again with what the edit returned."""
    if UNDO:
        UNDO.pop()()
    return set()


def bulk_received(ws: Workspace, n: int, k: int) -> set[int]:
    """One kind of portfolio item marked received for many students at once (the lists' bulk action)."""
    with ws.read() as s:
        open_items = list(
            s.execute(
                select(m.PortfolioItem.student_id, m.PortfolioItem.component, m.PortfolioItem.kind)
                .join(m.Student, m.Student.id == m.PortfolioItem.student_id)
                .where(m.PortfolioItem.received_date.is_(None))
                .order_by(m.PortfolioItem.id)
            )
        )
    if not open_items:
        return set()
    _sid, component, kind = open_items[(n * 3 + k) % len(open_items)]
    ids = [sid for sid, c, k_ in open_items if (c, k_) == (component, kind)][: 2 + n % 9]
    action = MarkReceived(component, kind, kind, component, TODAY - timedelta(days=k % 30), TODAY)
    done = bulk.apply(ws, action, bulk.preview(ws, action, ids))
    UNDO.append(lambda: bulk.undo(ws, done))
    return set(done.students)


UNDO: list[Callable[[], object]] = []  # what the window's undo stack would hold, last edit last
EDITS = (
    grade,
    student_field,
    internship,
    received,
    meeting,
    plan,
    removal,
    deadline,
    attention_elsewhere,
    undo,
    bulk_received,
)


@pytest.mark.slow  # a dozen databases edited at random: ~20 s
@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(steps=st.lists(st.tuples(st.integers(0, len(EDITS) + 1), st.integers(0, 50), st.integers(0, 50)), max_size=8))
def test_every_stored_verdict_is_a_fresh_evaluation_after_random_edits(
    fresh_copy: Callable[[], Workspace], steps: list[tuple[int, int, int]], tmp_path_factory: pytest.TempPathFactory
) -> None:
    ws = fresh_copy()
    UNDO.clear()
    folder = tmp_path_factory.mktemp("files")
    attention_items(ws, TODAY)  # the demo stores none: the first list works them out and keeps them
    backup = None
    for which, n, k in steps:
        before = _records(ws)
        if which == len(EDITS):
            results_import(ws, n, k, folder)  # forgets the verdicts of its students: worked out when asked
            edited: set[int] = set()
        elif which == len(EDITS) + 1:  # a backup now, a restore of the one before
            if backup is None:
                backup = back_up_now(ws).path
            else:
                restore_backup(ws, backup)
            edited = set()
        else:
            try:
                EDITS[which](ws, n, k)
            except DomainError:
                pass  # refused (a plan to take back where there is none, a full specialization): nothing written
            after = _records(ws)
            edited = {sid for sid in after if after[sid] != before.get(sid)} & _active_ids(ws)
        check_in_step(ws, edited)


def test_the_attention_list_keeps_what_it_worked_out_once_worth_a_write(
    fresh_copy: Callable[[], Workspace], monkeypatch: pytest.MonkeyPatch
) -> None:
    """A few verdicts worked out by a read are worked out again next time (no write after every
    edit); from KEEP_FROM on they are stored."""
    ws = fresh_copy()
    monkeypatch.setattr(verdicts, "KEEP_FROM", 10_000)
    attention_items(ws, TODAY)
    assert _stored(ws) == {}
    monkeypatch.setattr(verdicts, "KEEP_FROM", 1)
    attention_items(ws, TODAY)
    assert _stored(ws), "the attention list keeps the verdicts it worked out"


def test_new_rules_make_stored_verdicts_not_fit(
    fresh_copy: Callable[[], Workspace], monkeypatch: pytest.MonkeyPatch
) -> None:
    """A verdict worked out with other programme rules (a new pass mark, a new version) is not used."""
    from dataclasses import replace

    ws = fresh_copy()
    monkeypatch.setattr(verdicts, "KEEP_FROM", 1)
    attention_items(ws, TODAY)
    stored = _stored(ws)
    assert stored, "the attention list keeps the verdicts it worked out"
    pm = ws.programmes["PM"]
    stricter = replace(pm, pass_mark=pm.pass_mark + 1)
    assert rules_mark(stricter) != rules_mark(pm)
    assert not any(v.fits(stricter, TODAY) for v in stored.values())
    ws.programmes = {**ws.programmes, "PM": stricter}
    everybody = {sid: Readiness(blockers) for sid, blockers in _fresh(ws, _all_ids(ws), TODAY).items()}
    assert attention_items(ws, TODAY) == attention_items(ws, TODAY, readiness=everybody)


def test_a_field_the_rules_read_forgets_the_verdict_in_its_own_transaction(fresh_copy: Callable[[], Workspace]) -> None:
    """A field the EC total does not read makes the verdict stale: it is dropped with the edit, and
    the attention list works it out from the data as it is now."""
    ws = fresh_copy()
    assert _stored(ws) == {}  # the demo writes none
    _store_all(ws)
    sid = _any(ws, 3)
    assert sid in _stored(ws)
    students.update_student(ws, sid, tuition_paid=False)
    stored = _stored(ws)
    assert sid not in stored and len(stored) == len(_all_ids(ws)) - 1
    everybody = {i: Readiness(blockers) for i, blockers in _fresh(ws, _all_ids(ws), TODAY).items()}
    assert attention_items(ws, TODAY) == attention_items(ws, TODAY, readiness=everybody)


def test_a_change_the_verdict_does_not_read_stores_nothing(fresh_copy: Callable[[], Workspace]) -> None:
    """Notes and names are not read by the rules: no student is judged again for them."""
    ws = fresh_copy()
    sid = _any(ws, 5)
    students.update_student(ws, sid, notes="called on Monday")
    assert _stored(ws) == {}


def test_a_note_or_a_field_or_a_grade_judges_nobody(
    fresh_copy: Callable[[], Workspace], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The edits made most often read no whole record: a note leaves the verdict alone, a field the
    rules read and a grade forget it; the grade's EC total is right all the same."""
    ws = fresh_copy()
    _store_all(ws)
    sid = _pm(ws, 2)
    assert sid is not None
    judged: list[list[int]] = []
    original = verdicts.load_chunk

    def counting(session: object, ids: list[int], **options: bool) -> object:
        judged.append(list(ids))
        return original(session, ids, **options)  # type: ignore[arg-type]

    monkeypatch.setattr(verdicts, "load_chunk", counting)
    before = _stored(ws)
    students.update_student(ws, sid, notes="Asked about paying in two parts.")
    assert _stored(ws) == before
    students.update_student(ws, sid, tuition_paid=False)
    assert sid not in _stored(ws) and judged == []
    _store_all(ws)
    judged.clear()
    ec_before = _ec_totals(ws)[0][sid]
    code = next(c.code for c in ws.programmes["PM"].courses if c.component == "compulsory")
    recorded = courses.record_grade(ws, sid, code, "7.5")
    assert judged == [] and sid not in _stored(ws)
    ec_stored, ec_fresh = _ec_totals(ws)
    assert recorded.ec_total == ec_stored[sid] == ec_fresh[sid]
    assert ec_stored == ec_fresh
    assert ec_before <= recorded.ec_total


def test_a_rank_changed_through_one_internship_judges_every_student_of_that_assessor_again(
    fresh_copy: Callable[[], Workspace],
) -> None:
    """The people register gives the new rank to every internship that chose the assessor: those
    students' verdicts are judged again too (found by the random edits above, steps=[(2, 37, 0)])."""
    from sqlalchemy import func

    ws = fresh_copy()
    attention_items(ws, TODAY)
    with ws.read() as s:
        person = s.scalar(
            select(m.Internship.assessor_id)
            .where(m.Internship.assessor_id.is_not(None))
            .group_by(m.Internship.assessor_id)
            .having(func.count() > 1)
        )
        chosen = list(
            s.execute(select(m.Internship.student_id, m.Internship.kind).where(m.Internship.assessor_id == person))
        )
        rank = s.scalar(select(m.Person.rank).where(m.Person.id == person))
    (sid, kind), others = chosen[0], {other for other, _kind in chosen[1:]}
    before = _records(ws)
    internships.update_internship(ws, sid, kind, assessor_rank="postdoc" if rank != "postdoc" else "UD")
    after = _records(ws)
    edited = {s_ for s_ in after if after[s_] != before.get(s_)} & _active_ids(ws)
    assert others & edited, "the rank reached the assessor's other students"
    check_in_step(ws, edited)
