"""Bulk actions: a preview per student, one transaction, refusals with their reason, one undo."""

from __future__ import annotations

from datetime import date

import pytest

from coordinator_app.domain.errors import DomainError
from coordinator_app.domain.student import evaluate
from coordinator_app.services import bulk
from coordinator_app.services.academic_core import set_mentor
from coordinator_app.services.bulk_actions import AssignMentor, MarkReceived, PlanGraduation, SetApproval
from coordinator_app.services.graduation import plan_graduation
from coordinator_app.services.internships import update_internship
from coordinator_app.services.students import update_student
from coordinator_app.services.workspace import Workspace
from tests.services.service_helpers import add_imim, add_pm, audit_rows, items, snapshot_db

AS_OF = date(2025, 11, 24)


@pytest.fixture
def four(workspace: Workspace) -> list[int]:
    ws = workspace
    ids = [add_pm(ws, f"27000{n}", first=name) for n, name in enumerate(("Anna", "Bram", "Cees"), 1)]
    for sid in ids[:2]:
        update_internship(ws, sid, "minor", start_date="2025-10-01", approval_status="requested")
    return [*ids, add_imim(ws)]


def _loa(ws: Workspace) -> MarkReceived:
    return MarkReceived(
        "minor_internship",
        "list_of_agreements",
        "List of Agreements (A)",
        "Minor internship",
        date(2025, 11, 20),
        ws.as_of(),
    )


def test_mark_received_previews_changes_and_refusals_then_applies_in_one_and_undoes_in_one(
    workspace: Workspace, four: list[int]
) -> None:
    ws = workspace
    anna, bram, _cees, _lars = four
    before_everything = snapshot_db(ws)
    seen = bulk.preview(ws, _loa(ws), four)
    assert seen.action == "mark List of Agreements (A) (minor internship) received on 20-11-2025"
    assert [(line.student, line.before, line.after, line.refused, line.unchanged) for line in seen.lines] == [
        ("270001 Anna de Vries", "not received", "received 20-11-2025", "", False),
        ("270002 Bram de Vries", "not received", "received 20-11-2025", "", False),
        ("270003 Cees de Vries", "", "", "no List of Agreements (A) (minor internship not planned)", False),
        ("s3100001 Lars Eriksson", "", "", "no List of Agreements (A) (minor internship not planned)", False),
    ]
    assert snapshot_db(ws) == before_everything  # a preview writes nothing
    done = bulk.apply(ws, _loa(ws), seen)
    assert done.students == (anna, bram)
    assert items(ws, anna, "minor_internship")["list_of_agreements"].received_date == date(2025, 11, 20)
    assert items(ws, bram, "minor_internship")["list_of_agreements"].received_date == date(2025, 11, 20)
    assert [(a.student_id, a.old_value, a.new_value) for a in audit_rows(ws, "mark received")] == [
        (anna, None, "2025-11-20"),
        (bram, None, "2025-11-20"),
    ]
    again = bulk.preview(ws, _loa(ws), four)
    assert [line.unchanged for line in again.lines] == [True, True, False, False]  # already received: kept
    with pytest.raises(DomainError, match="Nothing to change"):
        bulk.apply(ws, _loa(ws), again)
    bulk.undo(ws, done)
    assert items(ws, anna, "minor_internship")["list_of_agreements"].received_date is None
    assert len(audit_rows(ws, "clear received")) == 2
    redone = bulk.apply_again(ws, done)
    assert redone.students == (anna, bram)
    assert items(ws, bram, "minor_internship")["list_of_agreements"].received_date == date(2025, 11, 20)


def test_a_student_refused_since_the_preview_means_nothing_is_applied(workspace: Workspace, four: list[int]) -> None:
    ws = workspace
    anna, bram, _cees, _lars = four
    seen = bulk.preview(ws, SetApproval("minor", "approved", date(2025, 9, 20)), [anna, bram])
    assert [line.after for line in seen.lines] == ["approved 20-09-2025", "approved 20-09-2025"]
    update_internship(ws, bram, "minor", travel_code="red")  # meanwhile, in another window
    unchanged = snapshot_db(ws)
    with pytest.raises(
        bulk.BulkChanged,
        match=r"Nothing was changed: .*270002 Bram de Vries: travel advice red "
        r"voids an approval",
    ):
        bulk.apply(ws, SetApproval("minor", "approved", date(2025, 9, 20)), seen)
    assert snapshot_db(ws) == unchanged  # Anna was not approved either: no partial half
    fresh = bulk.preview(ws, SetApproval("minor", "approved", date(2025, 9, 20)), [anna, bram])
    assert [line.refused for line in fresh.lines] == ["", "travel advice red voids an approval"]
    done = bulk.apply(ws, SetApproval("minor", "approved", date(2025, 9, 20)), fresh)
    assert done.students == (anna,)
    bulk.undo(ws, done)
    assert bulk.preview(ws, SetApproval("minor", "approved", date(2025, 9, 20)), [anna]).lines[0].before == "requested"


def test_approval_needs_a_decision_date_and_a_planned_internship(workspace: Workspace, four: list[int]) -> None:
    with pytest.raises(DomainError, match="date of the Examination Board's decision"):
        SetApproval("major", "approved", None)
    seen = bulk.preview(workspace, SetApproval("literature", "requested", None), four)
    assert [line.refused for line in seen.lines] == ["the Literature Study is not planned"] * 3 + [
        "IMIM has no Literature Study"
    ]


def test_plan_graduation_refuses_the_graduated_and_stopped_and_undoes_to_no_plan(
    workspace: Workspace, four: list[int]
) -> None:
    ws = workspace
    anna, bram, cees, lars = four
    plan_graduation(ws, anna, 2026, 6)
    update_student(ws, cees, status="stopped")
    action = PlanGraduation(2026, 8)
    seen = bulk.preview(ws, action, four)
    assert [(line.before, line.after, line.refused) for line in seen.lines] == [
        ("June 2026", "August 2026", ""),
        ("not planned", "August 2026", ""),
        ("not planned", "", "stopped, not active"),
        ("not planned", "August 2026", ""),
    ]
    done = bulk.apply(ws, action, seen)
    assert done.students == (anna, bram, lars)
    bulk.undo(ws, done)
    after_undo = bulk.preview(ws, action, four)
    assert [line.before for line in after_undo.lines] == ["June 2026", "not planned", "not planned", "not planned"]


def test_assign_mentor_refuses_imim_and_undo_puts_the_old_mentor_back(workspace: Workspace, four: list[int]) -> None:
    ws = workspace
    anna, bram, _cees, _lars = four
    set_mentor(ws, anna, "Dr. Old", "UMC", "old@umc.nl")
    with pytest.raises(DomainError, match="not an e-mail address"):
        AssignMentor("Dr. New", "VU", "not-an-address")
    seen = bulk.preview(ws, AssignMentor("Dr. New", "VU", "new@vu.nl"), four)
    assert [(line.before, line.refused) for line in seen.lines] == [
        ("Dr. Old", ""),
        ("no mentor", ""),
        ("no mentor", ""),
        ("no mentor", "IMIM has no Academic Core mentor"),
    ]
    done = bulk.apply(ws, AssignMentor("Dr. New", "VU", "new@vu.nl"), seen)
    assert bulk.preview(ws, AssignMentor("Dr. New", "VU", "new@vu.nl"), [anna]).lines[0].unchanged
    bulk.undo(ws, done)
    assert [line.before for line in bulk.preview(ws, AssignMentor("X"), [anna, bram]).lines] == ["Dr. Old", "no mentor"]


def test_a_received_date_in_the_future_is_refused_before_anything(workspace: Workspace) -> None:
    with pytest.raises(DomainError, match="is in the future"):
        MarkReceived(
            "minor_internship",
            "list_of_agreements",
            "List of Agreements (A)",
            "Minor internship",
            date(2025, 11, 25),
            AS_OF,
        )


def test_an_academic_core_item_is_refused_for_imim_in_the_programme_s_words(
    workspace: Workspace, four: list[int]
) -> None:
    cv = MarkReceived(
        "academic_core", "cv_assignment", "CV assignment", "Academic Core", date(2025, 11, 20), workspace.as_of()
    )
    lars = four[-1]
    (line,) = bulk.preview(workspace, cv, [lars]).lines
    assert line.refused == "IMIM has no Academic Core"  # not "academic core not planned"


def test_a_bulk_mentor_without_an_address_keeps_the_person_s_address(workspace: Workspace, four: list[int]) -> None:
    from coordinator_app.services.recipients import recipient

    ws = workspace
    anna, bram, _cees, _lars = four
    set_mentor(ws, anna, "Dr. New", "VU", "new@vu.nl")  # the register knows her address
    bulk.apply(ws, AssignMentor("Dr. New", "VU"), bulk.preview(ws, AssignMentor("Dr. New", "VU"), [bram]))
    assert recipient(ws, bram, "mentor") == recipient(ws, anna, "mentor")
    assert recipient(ws, anna, "mentor").email == "new@vu.nl"  # type: ignore[union-attr]  # not cleared everywhere


def test_a_bulk_apply_and_its_undo_read_and_judge_each_student_once(
    workspace: Workspace, four: list[int], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The EC totals and verdicts of the students are worked out once, at the commit: a second pass
    (the EC refresh before it) read and evaluated the same 500 students again, half the apply's time."""
    from coordinator_app.services import cohort_data, verdicts
    from coordinator_app.services.verdicts import V
    from tests.services.test_verdicts import _fresh

    ws = workspace
    anna, bram, _cees, _lars = four
    read: list[int] = []
    original = cohort_data.load_chunk

    def counting(session: object, ids: list[int], **options: bool) -> object:
        read.extend(ids)
        return original(session, ids, **options)  # type: ignore[arg-type]

    monkeypatch.setattr(cohort_data, "load_chunk", counting)
    monkeypatch.setattr(verdicts, "load_chunk", counting)
    seen = bulk.preview(ws, _loa(ws), four)
    done = bulk.apply(ws, _loa(ws), seen)
    assert sorted(read) == [anna, bram]
    read.clear()
    bulk.undo(ws, done)
    assert sorted(read) == [anna, bram]
    monkeypatch.undo()
    # ... and what is stored is what a fresh evaluation says (EC total and verdict).
    with ws.read() as s:
        stored = {r.student_id: r.blockers for r in s.connection().execute(V.select())}
        chunk = cohort_data.load_chunk(s, [anna, bram])
        fresh_ec = {
            st.id: evaluate(ws.programmes[st.programme], cohort_data.snapshot_of(st, chunk), ws.as_of()).ec_total
            for st in chunk.students
        }
        assert {st.id: st.ec_earned for st in chunk.students} == fresh_ec
    fresh = _fresh(ws, [anna, bram], ws.as_of())
    assert {sid: tuple(stored[sid].split("\n")) if stored[sid] else () for sid in (anna, bram)} == fresh
