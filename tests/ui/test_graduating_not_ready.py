"""Setting the Status box to graduated for a student the rules find not ready (the Graduation tab's
blockers) asks first: one slip of the box recorded a graduation date for a student 7 blockers short
(the new-user trial of graduated_on). Cancel leaves everything as it was; confirming saves. A save
refused anyway (no planned month, or one still to come) is not asked about: its message says what to do."""

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
    plan_graduation(cohort.ws, cohort.anouk, 2025, 11)  # this month (today 24 November 2025)
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
    plan_graduation(cohort.ws, cohort.anouk, 2025, 11)  # this month (today 24 November 2025)
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
    assert form.editors["status"].currentData() == "active"  # the box shows what is saved again


def test_a_planned_month_still_to_come_is_not_asked_and_the_save_says_what_to_do(
    record_view: RecordView, cohort: Cohort, qtbot: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    def never(*_args: object) -> bool:
        raise AssertionError("asked although the save is refused anyway")

    plan_graduation(cohort.ws, cohort.anouk, 2026, 6)  # today is 24 November 2025
    monkeypatch.setattr(GraduatingNotReady, "ask", classmethod(never))
    before = cohort.everything()
    box = status_box(record_view, cohort)
    choose_graduated(box)
    form = record_view.pages["overview"].form  # type: ignore[attr-defined]
    error = form.errors["status"]
    qtbot.waitUntil(lambda: error.isVisible() and bool(error.text()), timeout=10000)
    assert error.text() == (
        "The planned graduation month is June 2026, after this month (November 2025): a student graduates in "
        "the month the programme was completed. Plan that month on the Graduation tab first."
    )
    assert box.currentData() == "active"  # the box shows what is saved again
    assert cohort.everything() == before  # nothing written, the audit trail included
    assert not record_view.session.undo_stack.canUndo()
    assert record_view.message_text() == ""  # said under the Status box, not in the banner
