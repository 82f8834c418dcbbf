"""Edit > Hosts and people (issue 18, items 1 and 2): find, change everywhere, add, delete (refused
where used), merge duplicates keeping both histories, the students placed at a host by year; every
change one undo step. The real window's menu action, the dialog's widgets typed into and clicked."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication
from sqlalchemy import select

from coordinator_app.services.hosts import add_host
from coordinator_app.services.internships import update_internship
from coordinator_app.services.people import add_person
from coordinator_app.store import models as m
from coordinator_app.ui.register_tables import HOSTS, EntriesModel
from coordinator_app.ui.registers_dialog import RegistersDialog
from tests.ui.conftest import OFFSCREEN_NOISE, Cohort

pytestmark = OFFSCREEN_NOISE


def open_registers(qtbot: Any, window: Any) -> RegistersDialog:
    edit = next(a for a in window.menuBar().actions() if a.text() == "&Edit")
    action = next(a for a in edit.menu().actions() if a.text() == "&Hosts and people…")
    action.trigger()
    dialog = next(w for w in QApplication.topLevelWidgets() if isinstance(w, RegistersDialog) and w.isVisible())
    qtbot.addWidget(dialog)
    qtbot.waitUntil(lambda: dialog.people.loaded and dialog.hosts.loaded, timeout=15000)
    return dialog


def type_in(qtbot: Any, editor: Any, text: str) -> None:
    editor.setFocus()
    editor.selectAll()
    qtbot.keyClicks(editor, text)


def select_entry(qtbot: Any, tab: Any, search: str) -> None:
    type_in(qtbot, tab.search, search)
    assert tab.model.rowCount() >= 1
    tab.view.selectRow(0)


def test_a_person_changed_in_the_register_changes_in_every_record(
    qtbot: Any, cohort: Cohort, window: Any, tmp_path: Any
) -> None:
    update_internship(cohort.ws, cohort.anouk, "minor", assessor="Ingrid Smit", assessor_rank="postdoc")
    add_person(
        cohort.ws, name="Karel Visser", rank="HL", organisation="Amsterdam UMC", email="k.visser@amsterdamumc.nl"
    )
    dialog = open_registers(qtbot, window)
    tab = dialog.people
    select_entry(qtbot, tab, "smit")
    assert tab.form.editors["rank"].currentData() == "postdoc"  # type: ignore[attr-defined]
    rank = tab.form.editors["rank"]
    rank.setCurrentIndex(rank.findData("UD"))  # type: ignore[attr-defined]
    type_in(qtbot, tab.form.editors["email"], "i.smit@amsterdamumc.nl")
    qtbot.mouseClick(tab.save_button, Qt.MouseButton.LeftButton)
    with cohort.ws.read() as s:
        row = s.scalar(select(m.Internship).where(m.Internship.student_id == cohort.anouk))
        assert row is not None and row.assessor_rank == "UD"
    assert tab.message.text().startswith("Saved: Ingrid Smit is changed wherever chosen.")
    assert tab.message.text().endswith(  # the rank re-checked where they assess
        "Re-checked as assessor: 2712345 Anouk de Vries, minor internship: Assistant professor (UD): may assess."
    )
    qtbot.waitUntil(lambda: tab.model.index(0, 3).data() == "i.smit@amsterdamumc.nl", timeout=10000)
    dialog.grab().save(str(tmp_path / "people.png"))

    # In use: not deleted, and the message says where.
    stored = cohort.everything()
    qtbot.mouseClick(tab.delete_button, Qt.MouseButton.LeftButton)
    assert "Anouk de Vries" in tab.message.text()
    assert cohort.everything() == stored

    # Undo (the dialog's Ctrl+Z) puts the old rank back on the internship.
    dialog.undo_action.trigger()
    with cohort.ws.read() as s:
        row = s.scalar(select(m.Internship).where(m.Internship.student_id == cohort.anouk))
        assert row is not None and row.assessor_rank == "postdoc"


def test_a_duplicate_host_is_merged_and_the_placements_listed_by_year(
    qtbot: Any, cohort: Cohort, window: Any, tmp_path: Any
) -> None:
    keep = add_host(cohort.ws, name="Erasmus MC", department="Cardiology", city="Rotterdam", umc="other")
    duplicate = add_host(cohort.ws, name="Erasmus Medical Centre", department="Cardiology", city="Rotterdam")
    update_internship(cohort.ws, cohort.anouk, "major", host_id=duplicate, start_date="2026-03-02")
    dialog = open_registers(qtbot, window)
    dialog.tabs.setCurrentWidget(dialog.hosts)
    tab = dialog.hosts
    qtbot.waitUntil(lambda: tab.model.total >= 3, timeout=10000)
    select_entry(qtbot, tab, "erasmus medical")
    assert tab.current_id() == duplicate
    qtbot.waitUntil(lambda: tab.placements is not None and tab.placements.rowCount() == 1, timeout=10000)
    assert tab.placements.item(0, 0).text() == "2026"  # type: ignore[union-attr]
    assert tab.placements.item(0, 1).text() == "2712345 Anouk de Vries"  # type: ignore[union-attr]
    assert tab.merge_to.currentData() is None  # nothing chosen for the coordinator
    qtbot.mouseClick(tab.merge_button, Qt.MouseButton.LeftButton)
    assert tab.message.text() == "Choose the entry to keep in the list beside Merge into."
    tab.merge_to.setCurrentIndex(tab.merge_to.findData(keep))
    qtbot.mouseClick(tab.merge_button, Qt.MouseButton.LeftButton)
    with cohort.ws.read() as s:
        row = s.scalar(
            select(m.Internship).where(m.Internship.student_id == cohort.anouk, m.Internship.kind == "major")
        )
        assert row is not None and row.host_id == keep
        assert s.get(m.HostOrganisation, duplicate) is None
    assert tab.message.text().startswith("Merged:")
    qtbot.waitUntil(lambda: tab.current_id() == keep, timeout=10000)
    # The history of the duplicate is the kept host's now.
    qtbot.waitUntil(lambda: tab.placements is not None and tab.placements.rowCount() == 1, timeout=10000)
    dialog.grab().save(str(tmp_path / "hosts.png"))
    dialog.undo_action.trigger()
    with cohort.ws.read() as s:
        hosts = {h.name for h in s.scalars(select(m.HostOrganisation))}
        assert "Erasmus Medical Centre" in hosts


def test_a_person_added_twice_is_refused_under_the_name(qtbot: Any, cohort: Cohort, window: Any) -> None:
    add_person(cohort.ws, name="Karel Visser", rank="HL", organisation="Amsterdam UMC")
    dialog = open_registers(qtbot, window)
    tab = dialog.people
    select_entry(qtbot, tab, "visser")
    stored = cohort.everything()
    qtbot.mouseClick(tab.add_button, Qt.MouseButton.LeftButton)  # the same name and organisation again
    said = tab.form.error_text("name") or tab.message.text()
    assert "Karel Visser" in said and "already" in said
    assert cohort.everything() == stored


def test_the_register_model_passes_the_model_tester(qtmodeltester: Any, cohort: Cohort) -> None:
    for i in range(30):
        add_host(cohort.ws, name=f"Hospital {i}", department=f"Dept {i % 4}", city="Utrecht")
    model = EntriesModel(HOSTS)
    model.set_entries(HOSTS.read(cohort.ws), "dept 1")
    assert model.rowCount() == 8 and model.columnCount() == len(HOSTS.columns)
    qtmodeltester.check(model)


def test_names_get_the_width_and_the_count_column_only_what_its_number_needs(
    qtbot: Any, cohort: Cohort, window: Any
) -> None:
    dialog = open_registers(qtbot, window)
    dialog.resize(1300, 700)
    dialog.show()
    for tab in (dialog.people, dialog.hosts):
        header = tab.view.horizontalHeader()
        last = tab.model.columnCount() - 1
        assert all(header.sectionSize(last) < header.sectionSize(c) for c in range(last))
        assert header.sectionSize(last) <= 120  # a count, not a third of the table
