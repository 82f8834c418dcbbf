"""Allocate and the what-if graduation planner, reached from the window's Plan menu (issue 18,
items 3 and 5): the real window, its menu actions triggered, the dialogs' widgets read and clicked."""

from __future__ import annotations

from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QWidget
from sqlalchemy import func, select

from coordinator_app.services.allocation import set_preferences
from coordinator_app.services.students import NewStudent, add_student
from coordinator_app.store import models as m
from coordinator_app.ui.allocate_dialog import AllocateDialog
from coordinator_app.ui.register_picker import Entry, EntryModel
from coordinator_app.ui.whatif_dialog import WhatIfDialog
from tests.ui.conftest import OFFSCREEN_NOISE, Cohort

pytestmark = OFFSCREEN_NOISE

MI, TD, BM = "medical_imaging", "technological_development", "biomarkers_medicines"


def menu_action(window: Any, menu: str, text: str) -> Any:
    """The action as the coordinator finds it: in the menu bar, by its text."""
    for top in window.menuBar().actions():
        if top.text().replace("&", "") == menu:
            for action in top.menu().actions():
                if action.text().replace("&", "").startswith(text):
                    return action
    raise AssertionError(f"{menu} > {text} not in the menu bar")


def open_dialog(qtbot: Any, window: Any, menu: str, text: str, kind: type[QWidget]) -> Any:
    action = menu_action(window, menu, text)
    assert action.isEnabled()
    action.trigger()
    found = [w for w in QApplication.topLevelWidgets() if isinstance(w, kind) and w.isVisible()]
    assert len(found) == 1
    qtbot.addWidget(found[0])
    return found[0]


def specializations(cohort: Cohort, ids: list[int]) -> dict[int, str | None]:
    with cohort.ws.read() as s:
        return dict(s.execute(select(m.Student.id, m.Student.specialization).where(m.Student.id.in_(ids))).all())


@pytest.fixture
def applicants(cohort: Cohort) -> list[int]:
    """23 more students of the PM 2025 cohort: 22 want Medical Imaging first, one Biomarkers."""
    ids = []
    for i in range(23):
        sid = add_student(cohort.ws, NewStudent("PM", 2025, f"28000{i:02d}", f"Student{i}", "Test", ""))
        set_preferences(cohort.ws, sid, [BM, MI, TD] if i == 22 else [MI, TD, BM])
        ids.append(sid)
    return ids


@pytest.mark.slow  # 25 students added and allocated through the window: ~1.5 s of processor time
def test_allocate_previews_then_fills_at_most_20_places_in_one_undo_step(
    qtbot: Any, cohort: Cohort, applicants: list[int], window: Any, tmp_path: Any
) -> None:
    dialog = open_dialog(qtbot, window, "Plan", "Allocate specializations", AllocateDialog)
    assert dialog.cohort.currentData() == 2025  # the cohort with students still to place
    qtbot.waitUntil(lambda: dialog.preview is not None and dialog.allocate_button.isEnabled(), timeout=15000)
    unplaced = [*applicants, cohort.daan, cohort.sanne]
    assert dialog.table.rowCount() == len(unplaced)
    assert "mean result of the compulsory courses" in dialog.rule.text()
    assert "Medical Imaging: 20 of 20 free places, 2 waiting" in dialog.places.text()
    shown = {dialog.table.item(r, 0).text(): dialog.table.item(r, 2).text() for r in range(dialog.table.rowCount())}
    assert shown["2800022 Student22 Test"] == "Biomarkers & Medicines"
    assert list(shown.values()).count("Medical Imaging") == 20
    assert specializations(cohort, unplaced) == dict.fromkeys(unplaced)  # a preview writes nothing
    dialog.grab().save(str(tmp_path / "allocate.png"))

    qtbot.mouseClick(dialog.allocate_button, Qt.MouseButton.LeftButton)
    got = specializations(cohort, unplaced)
    assert sum(1 for v in got.values() if v == MI) == 20
    assert got[applicants[22]] == BM
    assert dialog.outcome.isVisible()
    assert dialog.outcome.text().startswith(f"Allocated: {len(unplaced) - 2} students placed, lottery seed")
    qtbot.waitUntil(lambda: dialog.waiting.rowCount() > 0, timeout=10000)
    waiting = [dialog.waiting.item(r, 0).text() for r in range(dialog.waiting.rowCount())]
    assert waiting.count("Medical Imaging") == 2
    with cohort.ws.read() as s:
        assert s.scalar(select(func.count()).select_from(m.AllocationRun)) == 1
    dialog.grab().save(str(tmp_path / "allocated.png"))

    # One undo step, from the dialog's own Ctrl+Z: nobody it placed keeps a place.
    dialog.activateWindow()
    dialog.undo_action.trigger()
    assert specializations(cohort, unplaced) == dict.fromkeys(unplaced)
    qtbot.waitUntil(lambda: dialog.preview is not None and dialog.allocate_button.isEnabled(), timeout=15000)


def test_allocate_refuses_a_preview_the_cohort_has_moved_on_from(
    qtbot: Any, cohort: Cohort, applicants: list[int], window: Any
) -> None:
    dialog = open_dialog(qtbot, window, "Plan", "Allocate specializations", AllocateDialog)
    qtbot.waitUntil(lambda: dialog.preview is not None and dialog.allocate_button.isEnabled(), timeout=15000)
    set_preferences(cohort.ws, applicants[0], [TD, MI, BM])  # someone changed their mind meanwhile
    stored = cohort.everything()
    qtbot.mouseClick(dialog.allocate_button, Qt.MouseButton.LeftButton)
    assert "changed since this preview" in dialog.error.text()
    assert dialog.error.isVisible()
    assert cohort.everything() == stored


def test_what_if_shows_the_month_and_its_gaps_then_plans_it(
    qtbot: Any, window: Any, cohort: Cohort, tmp_path: Any
) -> None:
    window.open_student(cohort.anouk, "graduation")
    qtbot.waitUntil(lambda: window.record_pane.student_id == cohort.anouk, timeout=10000)
    dialog = open_dialog(qtbot, window, "Plan", "What if", WhatIfDialog)
    assert dialog.students == {cohort.anouk: "2712345 Anouk de Vries"}
    assert not dialog.student_table.isVisible()  # one student: no list of students
    dialog.show_month((2026, 6))
    qtbot.waitUntil(lambda: bool(dialog.views) and dialog.views[cohort.anouk].month == (2026, 6), timeout=15000)
    assert "Graduation date <b>30-06-2026</b>" in dialog.summary.text()
    assert "ceremony <b>September 2026</b>" in dialog.summary.text()
    lines = [dialog.lines.item(r, 0).text() for r in range(dialog.lines.rowCount())]
    assert lines[:2] == ["Major internship not planned (no start date)", "Literature Study not planned (no start date)"]
    assert dialog.lines.item(dialog.lines.rowCount() - 1, 2).text() in ("in time", "done")  # what blocks first
    assert "Major internship not planned (no start date)" in dialog.gaps.text()
    assert "Earliest month that works: none yet" in dialog.gaps.text()
    with cohort.ws.read() as s:
        assert s.scalar(select(m.GraduationPlan.id)) is None  # looking saves nothing
    dialog.grab().save(str(tmp_path / "whatif.png"))

    qtbot.mouseClick(dialog.plan_button, Qt.MouseButton.LeftButton)
    with cohort.ws.read() as s:
        plan = s.scalar(select(m.GraduationPlan).where(m.GraduationPlan.student_id == cohort.anouk))
        assert plan is not None and (plan.planned_year, plan.planned_month) == (2026, 6)
    assert "Planned" in dialog.outcome.text()
    qtbot.waitUntil(lambda: window.record_pane.view.record.graduation.planned == (2026, 6), timeout=10000)
    dialog.undo_action.trigger()
    with cohort.ws.read() as s:
        assert s.scalar(select(m.GraduationPlan.id)) is None


def test_what_if_for_the_students_shown_lists_each_with_their_earliest_month(
    qtbot: Any, window: Any, cohort: Cohort
) -> None:
    dialog = open_dialog(qtbot, window, "Plan", "What if… for the students shown", WhatIfDialog)
    assert set(dialog.students) == {cohort.anouk, cohort.daan, cohort.sanne, cohort.lars}
    qtbot.waitUntil(lambda: len(dialog.views) == 4, timeout=15000)
    assert dialog.student_table.isVisible() and dialog.student_table.rowCount() == 4
    assert "works for 0 of 4 students" in dialog.status.text()
    dialog.student_table.selectRow(3)
    shown = dialog.student_table.item(3, 0).data(Qt.ItemDataRole.UserRole)
    assert dialog._current() == shown
    assert dialog.views[shown].graduation_date.strftime("%d-%m-%Y") in dialog.summary.text()


def test_the_type_ahead_model_passes_the_model_tester(qtmodeltester: Any) -> None:
    model = EntryModel()
    model.set_entries([Entry(i, f"Person {i}", f"Person {i} · Post-doc · Org {i % 7}") for i in range(200)])
    model.filter("org 3")
    assert model.rowCount() == 29  # 3, 10, ..., 199
    qtmodeltester.check(model)


def test_allocate_shows_every_reason_whole(qtbot: Any, cohort: Cohort, window: Any) -> None:
    """The Why column is the answer to "why not my first choice?": a long reason wraps, never cut."""
    from PySide6.QtCore import QRect

    for i in range(3):
        sid = add_student(cohort.ws, NewStudent("PM", 2025, f"28100{i:02d}", f"Student{i}", "Test", ""))
        set_preferences(cohort.ws, sid, [MI, TD, BM])
    dialog = open_dialog(qtbot, window, "Plan", "Allocate specializations", AllocateDialog)
    dialog.resize(1240, 600)  # what a 1366-pixel screen gives it (the offscreen screen is smaller)
    qtbot.waitUntil(lambda: dialog.preview is not None and dialog.table.rowCount() > 0, timeout=15000)
    qtbot.wait(50)
    table = dialog.table
    metrics = table.fontMetrics()
    width = table.columnWidth(3) - 8
    for r in range(table.rowCount()):
        text = table.item(r, 3).text()
        assert len(text) > 60  # long enough that one line at this width would not hold it
        needed = metrics.boundingRect(QRect(0, 0, width, 10_000), int(Qt.TextFlag.TextWordWrap), text).height()
        assert needed <= table.rowHeight(r), (text, needed, table.rowHeight(r))
