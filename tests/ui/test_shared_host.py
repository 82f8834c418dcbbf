"""The UMC and country of an internship's host belong to the host in the register, so one click on
"at a university medical center" in one student's record changed every internship placed there
(28 internships at Amsterdam UMC, Epidemiology and Data Science, in the demo; `check` then found 17
students with neither internship at a UMC). The record now asks first when others share the host."""

from __future__ import annotations

from typing import Any

import pytest
from PySide6.QtWidgets import QCheckBox
from sqlalchemy import select

from coordinator_app.services.internships import update_internship
from coordinator_app.store import models as m
from coordinator_app.ui.record.internships import SharedHostChange
from coordinator_app.ui.record.view import RecordView
from tests.ui.conftest import OFFSCREEN_NOISE, Cohort

pytestmark = OFFSCREEN_NOISE


def umc_of_minors(cohort: Cohort) -> dict[int, bool]:
    with cohort.ws.read() as s:
        rows = s.execute(select(m.Internship.student_id, m.Internship.is_umc).where(m.Internship.kind == "minor"))
        return {sid: bool(umc) for sid, umc in rows}


def anouk_umc_box(record_view: RecordView, cohort: Cohort) -> QCheckBox:
    assert record_view.show_student(cohort.anouk, "internships")
    page = record_view.pages["internships"]
    page.inner.setCurrentIndex(0)  # type: ignore[attr-defined]
    panel = page.panels["minor"]  # type: ignore[attr-defined]
    box = next(f.editors["is_umc"] for f in panel.forms if "is_umc" in f.editors)
    assert isinstance(box, QCheckBox) and box.isChecked()
    return box


def place_sanne_with_anouk(cohort: Cohort) -> None:
    with cohort.ws.read() as s:
        host_id = s.scalar(
            select(m.Internship.host_id).where(m.Internship.student_id == cohort.anouk, m.Internship.kind == "minor")
        )
    assert host_id is not None
    update_internship(cohort.ws, cohort.sanne, "minor", host_id=host_id)
    assert umc_of_minors(cohort) == {cohort.anouk: True, cohort.sanne: True}


def test_unticking_umc_of_a_host_others_share_asks_and_no_changes_nobody(
    record_view: RecordView, cohort: Cohort, monkeypatch: pytest.MonkeyPatch
) -> None:
    place_sanne_with_anouk(cohort)
    asked: list[tuple[str, int]] = []
    monkeypatch.setattr(
        SharedHostChange,
        "ask",
        classmethod(lambda cls, parent, host, others, change: asked.append((host, others)) or False),
    )
    box = anouk_umc_box(record_view, cohort)

    def no_read() -> None:
        raise AssertionError("the click waited on the database: how many share the host is read with the record")

    monkeypatch.setattr(cohort.ws, "read", no_read)
    box.click()
    monkeypatch.setattr(cohort.ws, "read", type(cohort.ws).read.__get__(cohort.ws))
    assert asked == [("Amsterdam UMC", 1)]
    assert umc_of_minors(cohort) == {cohort.anouk: True, cohort.sanne: True}
    assert box.isChecked()  # the record shows what is saved again
    assert not record_view.session.undo_stack.canUndo()


def test_unticking_umc_of_a_shared_host_changes_everyone_placed_there_once_confirmed(
    record_view: RecordView, cohort: Cohort, qtbot: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    place_sanne_with_anouk(cohort)
    monkeypatch.setattr(SharedHostChange, "ask", classmethod(lambda cls, parent, host, others, change: True))
    anouk_umc_box(record_view, cohort).click()
    qtbot.waitUntil(lambda: umc_of_minors(cohort) == {cohort.anouk: False, cohort.sanne: False}, timeout=10000)


def test_a_host_only_this_internship_has_changes_without_a_question(
    record_view: RecordView, cohort: Cohort, qtbot: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    asked: list[str] = []
    monkeypatch.setattr(
        SharedHostChange, "ask", classmethod(lambda cls, parent, host, others, change: asked.append(host) or True)
    )
    anouk_umc_box(record_view, cohort).click()
    qtbot.waitUntil(lambda: umc_of_minors(cohort) == {cohort.anouk: False}, timeout=10000)
    assert asked == []


def test_a_department_change_of_a_shared_host_asks_too(
    record_view: RecordView, cohort: Cohort, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The department belongs to the host as its UMC answer and country do (services/register_links.HOST_OWN)."""
    place_sanne_with_anouk(cohort)
    asked: list[str] = []
    monkeypatch.setattr(
        SharedHostChange, "ask", classmethod(lambda cls, parent, host, others, change: asked.append(change) or False)
    )
    anouk_umc_box(record_view, cohort)
    panel = record_view.pages["internships"].panels["minor"]  # type: ignore[attr-defined]
    form = next(f for f in panel.forms if "department" in f.editors)
    form.editors["department"].setText("Cardiology")
    form.committed.emit("department", "Cardiology")
    assert asked == ["setting the department to Cardiology"]
    with cohort.ws.read() as s:
        departments = set(s.scalars(select(m.Internship.department).where(m.Internship.kind == "minor")))
    assert "Cardiology" not in departments
