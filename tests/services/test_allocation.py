"""Allocate: preview, apply in one step, undo, waiting lists moving up, the 20 places."""

from __future__ import annotations

import pytest

from coordinator_app.domain.errors import DomainError
from coordinator_app.services import allocation as alloc
from coordinator_app.services.courses import record_grade
from coordinator_app.services.students import remove_student, update_student
from coordinator_app.services.workspace import Workspace
from coordinator_app.store import models as m
from tests.services.service_helpers import add_pm, audit_rows, snapshot_db

KEYS = ("medical_imaging", "technological_development", "biomarkers_medicines")


def _cohort(ws: Workspace, n: int, first: tuple[str, ...] = KEYS) -> list[int]:
    ids = []
    for i in range(n):
        sid = add_pm(ws, f"27{i:05d}", first=f"Student{i}")
        alloc.set_preferences(ws, sid, first)
        ids.append(sid)
    return ids


def _specs(ws: Workspace) -> dict[int, str | None]:
    with ws.read() as s:
        return {st.id: st.specialization for st in s.query(m.Student)}


@pytest.mark.slow  # over half a second of processor time on a quiet machine (docs/testing.md)
def test_preview_writes_nothing_and_apply_does_what_it_showed(workspace: Workspace) -> None:
    ids = _cohort(workspace, 25)
    for i, sid in enumerate(ids):  # the results of the compulsory course decide who gets in
        record_grade(workspace, sid, "PM-PERS", f"{5 + (i % 50) / 10:.1f}")
    before = snapshot_db(workspace)
    preview = alloc.preview_allocation(workspace, "PM", 2024, seed=42)
    assert snapshot_db(workspace) == before
    assert preview.placed_in("medical_imaging") == 20
    assert preview.placed_in("technological_development") == 5
    placed = {line.student_id for line in preview.lines if line.placed == "medical_imaging"}
    assert placed == set(ids[5:])  # the 20 best results (5.5 .. 7.4)
    run = alloc.apply_allocation(workspace, preview)
    assert {sid for sid, key in _specs(workspace).items() if key == "medical_imaging"} == placed
    lists = alloc.waiting_lists(workspace, "PM", 2024)
    assert [w.student_id for w in lists["medical_imaging"]] == ids[4::-1]  # best result first
    assert "number 25 in the tie-break order" in (alloc.explanation(workspace, ids[0]) or "")
    assert "lottery seed 42" in (alloc.explanation(workspace, ids[0]) or "")
    # One undo step takes it all back.
    alloc.undo_allocation(workspace, run)
    assert set(_specs(workspace).values()) == {None}
    assert alloc.waiting_lists(workspace, "PM", 2024)["medical_imaging"] == []
    with pytest.raises(DomainError, match="already taken back"):
        alloc.undo_allocation(workspace, run)


def test_a_freed_place_goes_to_the_first_waiting_with_an_audit_entry(workspace: Workspace) -> None:
    ids = _cohort(workspace, 22)
    alloc.apply_allocation(workspace, alloc.preview_allocation(workspace, "PM", 2024, seed=3))
    lists = alloc.waiting_lists(workspace, "PM", 2024)
    first, second = lists["medical_imaging"][0].student_id, lists["medical_imaging"][1].student_id
    leaver = next(sid for sid, key in _specs(workspace).items() if key == "medical_imaging")
    update_student(workspace, leaver, specialization=None)
    specs = _specs(workspace)
    assert specs[first] == "medical_imaging"
    assert [w.student_id for w in alloc.waiting_lists(workspace, "PM", 2024)["medical_imaging"]] == [second]
    moved = audit_rows(workspace, "moved up from the waiting list")
    assert [(a.student_id, a.old_value, a.new_value) for a in moved] == [
        (first, "technological_development", "medical_imaging")
    ]
    # A removal frees a place too; a stop as well.
    other = next(sid for sid, key in _specs(workspace).items() if key == "medical_imaging" and sid != first)
    remove_student(workspace, other)
    assert _specs(workspace)[second] == "medical_imaging"
    assert len(ids) == 22


def test_a_preview_made_before_a_change_is_refused(workspace: Workspace, unchanged) -> None:  # type: ignore[no-untyped-def]
    ids = _cohort(workspace, 3)
    preview = alloc.preview_allocation(workspace, "PM", 2024, seed=1)
    update_student(workspace, ids[0], specialization="biomarkers_medicines")
    with unchanged(), pytest.raises(DomainError, match="changed since this preview"):
        alloc.apply_allocation(workspace, preview)


def test_bad_preferences_are_refused(workspace: Workspace, unchanged) -> None:  # type: ignore[no-untyped-def]
    sid = add_pm(workspace)
    with unchanged():
        with pytest.raises(DomainError, match="Rank each specialization once"):
            alloc.set_preferences(workspace, sid, ["medical_imaging", "medical_imaging"])
        with pytest.raises(DomainError, match="'surgery' is not a specialization"):
            alloc.set_preferences(workspace, sid, ["surgery"])
    assert alloc.set_preferences(workspace, sid, KEYS) == ()
    assert alloc.preferences_of(workspace, sid) == KEYS
