"""Setting the Status box to graduated for a student the rules find not ready (the Graduation tab's
blockers) asks first: one slip of the box recorded a graduation date for a student 7 blockers short
(the new-user trial of graduated_on). Cancel leaves everything as it was; confirming saves."""

from __future__ import annotations

from typing import Any

import pytest
from PySide6.QtWidgets import QComboBox

from coordinator_app.services.graduation import plan_graduation
from coordinator_app.ui.record.overview import GraduatingNotReady
from coordinator_app.ui.record.view import RecordView
from tests.ui.conftest import OFFSCREEN_NOISE, Cohort

pytestmark = OFFSCREEN_NOISE


def status_box(record_view: RecordView, cohort: Cohort) -> QComboBox:
    assert record_view.show_student(cohort.anouk, "overview")
    box = record_view.pages["overview"].form.editors["status"]  # type: ignore[attr-defined]
    assert isinstance(box, QComboBox) and box.currentData() == "active"
    return box


def choose_graduated(box: QComboBox) -> None:
    index = box.findData("graduated")
    box.setCurrentIndex(index)
    box.activated.emit(index)


def test_graduating_a_student_not_ready_asks_and_cancel_changes_nothing(
    record_view: RecordView, cohort: Cohort, monkeypatch: pytest.MonkeyPatch
) -> None:
    plan_graduation(cohort.ws, cohort.anouk, 2026, 5)
    asked: list[tuple[str, tuple[str, ...]]] = []
    monkeypatch.setattr(
        GraduatingNotReady,
        "ask",
        classmethod(lambda cls, parent, name, blockers: asked.append((name, blockers)) or False),
    )
    box = status_box(record_view, cohort)
    choose_graduated(box)
    assert len(asked) == 1
    name, blockers = asked[0]
    assert name == "Anouk de Vries" and blockers  # the blockers the Graduation tab lists
    assert any("EC" in b for b in blockers)
    assert cohort.student(cohort.anouk).status == "active"
    assert box.currentData() == "active"  # the record shows what is saved again
    assert not record_view.session.undo_stack.canUndo()


def test_graduating_a_student_not_ready_once_confirmed_is_saved(
    record_view: RecordView, cohort: Cohort, qtbot: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    plan_graduation(cohort.ws, cohort.anouk, 2026, 5)
    monkeypatch.setattr(GraduatingNotReady, "ask", classmethod(lambda cls, parent, name, blockers: True))
    choose_graduated(status_box(record_view, cohort))
    qtbot.waitUntil(lambda: cohort.student(cohort.anouk).status == "graduated", timeout=10000)


def test_without_a_planned_month_nothing_is_asked_and_the_save_says_what_to_do(
    record_view: RecordView, cohort: Cohort, qtbot: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    def never(*_args: object) -> bool:
        raise AssertionError("asked although the save is refused anyway")

    monkeypatch.setattr(GraduatingNotReady, "ask", classmethod(never))
    choose_graduated(status_box(record_view, cohort))
    form = record_view.pages["overview"].form  # type: ignore[attr-defined]
    qtbot.waitUntil(lambda: "Plan the graduation month first" in form.errors["status"].text(), timeout=10000)
    assert cohort.student(cohort.anouk).status == "active"
