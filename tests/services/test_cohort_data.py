"""One student read alone (the verdict judged again after an edit: services/cohort_data.py's SQLite
path for one id, the queries' text sent straight to sqlite3) gives exactly the rows of the bulk read."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from coordinator_app.services import cohort_data
from coordinator_app.services.cohort_data import Chunk, load_chunk, snapshot_of
from coordinator_app.services.demo import build_demo
from coordinator_app.services.workspace import Workspace
from coordinator_app.store import models as m
from tests.conftest import TODAY

pytestmark = pytest.mark.sqlite_only


def _typed(row: Any) -> list[tuple[type, Any]]:
    """A row's values with their types: a date read back as text, or a yes/no as 0/1, differs."""
    return [(type(value), value) for value in row]


def _of(chunk: Chunk, sid: int) -> dict[str, Any]:
    internships = chunk.internships.get(sid, [])
    return {
        "student": [_typed(r) for r in chunk.students if r.id == sid],
        "results": [_typed(r) for r in chunk.results.get(sid, [])],
        "optional": [_typed(r) for r in chunk.optional.get(sid, [])],
        "internships": [_typed(r) for r in internships],
        "interruptions": [_typed(x) for r in internships for x in chunk.interruptions.get(r.id, [])],
        "literature": _typed(chunk.literature[sid]) if sid in chunk.literature else None,
        "items": [_typed(r) for r in chunk.items.get(sid, [])],
        "mentor": _typed(chunk.mentor[sid]) if sid in chunk.mentor else None,
        "meetings": [_typed(r) for r in chunk.meetings.get(sid, [])],
        "plan": _typed(chunk.plans[sid]) if sid in chunk.plans else None,
        "fields": [type(r)._fields for r in chunk.students if r.id == sid],
    }


def test_one_student_read_alone_is_the_bulk_read(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    build_demo(tmp_path / "demo.sqlite", students=60, seed=5, as_of=TODAY)
    ws = Workspace.open(tmp_path / "demo.sqlite", daily_backup=False)
    alone: list[int] = []
    original = cohort_data._one_student
    monkeypatch.setattr(cohort_data, "_one_student", lambda db, sid: alone.append(sid) or original(db, sid))
    try:
        with ws.read() as s:
            ids = list(s.scalars(select(m.Student.id).order_by(m.Student.id)))
            bulk = load_chunk(s, ids)
            emails = 0
            seen = {"internships": 0, "interruptions": 0, "literature": 0, "plan": 0, "optional": 0, "mentor": 0}
            for sid in ids:
                one = load_chunk(s, [sid])
                expected = _of(bulk, sid)
                assert _of(one, sid) == expected, sid
                chosen = {
                    person
                    for row in bulk.internships.get(sid, [])
                    for person in (row.daily_supervisor_id, row.second_supervisor_id, row.assessor_id)
                } | {
                    person
                    for row in ([bulk.literature[sid]] if sid in bulk.literature else [])
                    for person in (row.supervisor_id, row.assessor_id)
                }
                assert one.emails == {p: e for p, e in bulk.emails.items() if p in chosen}, sid
                emails += bool(one.emails)
                assert snapshot_of(one.students[0], one) == snapshot_of(
                    next(r for r in bulk.students if r.id == sid), bulk
                )
                for part in seen:
                    seen[part] += bool(expected[part])
    finally:
        ws.close()
    assert alone == ids  # every one of them read by the one-student path
    assert all(seen.values()) and emails, (seen, emails)  # the demo gave every kind of row to compare
