"""The registers and the documents in the record (issue 18, items 1, 2 and 4; issue 14, item 1).

Driven through a real RecordView: type into a people or host field, pick from the type-ahead with
the keyboard, drop a file on a portfolio item's row; then read what the widgets show and what the
database holds."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QMimeData, QPoint, QPointF, Qt, QUrl
from PySide6.QtGui import QDragEnterEvent, QDragMoveEvent, QDropEvent
from PySide6.QtWidgets import QApplication, QLineEdit
from sqlalchemy import select

from coordinator_app.services.hosts import add_host
from coordinator_app.services.people import add_person
from coordinator_app.store import models as m
from coordinator_app.ui.record.view import RecordView
from coordinator_app.ui.register_picker import RegisterPicker, cache_of
from tests.ui.conftest import Cohort

# The type-ahead's popup asks the window system to raise it and grab the keyboard; offscreen cannot.
pytestmark = pytest.mark.qt_log_ignore(
    "This plugin does not support propagateSizeHints",
    "This plugin does not support raise",
    "This plugin does not support grabbing",
    "This plugin does not support QPlatformServices::openDocument",  # offscreen has no viewer
)


def minor_panel(record_view: RecordView, qtbot: Any, student_id: int) -> Any:
    assert record_view.show_student(student_id, "internships")
    record_view.show_tab("internships")
    page = record_view.pages["internships"]
    page.inner.setCurrentIndex(0)  # type: ignore[attr-defined]
    panel = page.panels["minor"]  # type: ignore[attr-defined]
    cache = cache_of(record_view.session)
    with qtbot.waitSignal(cache.loaded, timeout=10000):  # read off the GUI thread
        cache.reload()  # the test added entries through the services, behind the window's back
    return panel


def picker_on(panel: Any, field: str) -> RegisterPicker:
    return next(p for p in panel.pickers if p.edit.objectName() == field)


def pick(qtbot: Any, picker: RegisterPicker, typed: str, wanted: str) -> None:
    """Type into the field, then choose `wanted` in the offered list with the arrow keys and Enter."""
    edit = picker.edit
    edit.setFocus()
    edit.selectAll()
    qtbot.keyClicks(edit, typed)
    popup = picker.completer.popup()
    qtbot.waitUntil(popup.isVisible, timeout=5000)
    offered = [picker.model.index(r).data() for r in range(picker.model.rowCount())]
    assert any(wanted in label for label in offered), offered
    for _ in range(next(i for i, label in enumerate(offered) if wanted in label) + 1):
        qtbot.keyClick(popup, Qt.Key.Key_Down)
    qtbot.keyClick(popup, Qt.Key.Key_Return)


def internship(cohort: Cohort, student_id: int, kind: str = "minor") -> m.Internship:
    with cohort.ws.read() as s:
        row = s.scalar(select(m.Internship).where(m.Internship.student_id == student_id, m.Internship.kind == kind))
        assert row is not None
        s.expunge(row)
        return row


# -- the people and host registers in the record --------------------------------------------------------


def test_a_supervisor_picked_from_the_register_brings_rank_and_email(
    record_view: RecordView, qtbot: Any, cohort: Cohort, tmp_path: Path
) -> None:
    jansen = add_person(
        cohort.ws, name="Marieke Jansen", rank="postdoc", organisation="Amsterdam UMC", email="m.jansen@amsterdamumc.nl"
    )
    add_person(cohort.ws, name="Marieke Janssen-Bos", rank="UHD", organisation="Erasmus MC")
    panel = minor_panel(record_view, qtbot, cohort.anouk)
    picker = picker_on(panel, "daily_supervisor")
    edits_before = record_view.session.undo_stack.count()

    pick(qtbot, picker, "jans", "Marieke Jansen · Post-doc")
    panel.grab().save(str(tmp_path / "picked.png"))

    stored = internship(cohort, cohort.anouk)
    assert stored.daily_supervisor_id == jansen
    assert stored.daily_supervisor == "Marieke Jansen"
    qtbot.waitUntil(
        lambda: (
            record_view.record is not None
            and record_view.record.internships["minor"].fields["daily_supervisor_id"] == jansen
        ),
        timeout=10000,
    )
    form = next(f for f in panel.forms if "daily_supervisor" in f.editors)
    assert form.editors["daily_supervisor"].text() == "Marieke Jansen"
    assert form.editors["daily_supervisor_rank"].currentData() == "postdoc"
    assert form.editors["daily_supervisor_email"].text() == "m.jansen@amsterdamumc.nl"
    # One edit, one undo step: Enter in the list does not commit the name a second time.
    assert record_view.session.undo_stack.count() == edits_before + 1
    assert "daily supervisor" in record_view.session.undo_stack.undoText().lower()

    # The e-mail address typed in the record is the person's, everywhere they are chosen.
    email = form.editors["daily_supervisor_email"]
    assert isinstance(email, QLineEdit)
    email.setFocus()
    email.selectAll()
    qtbot.keyClicks(email, "marieke.jansen@amsterdamumc.nl")
    qtbot.keyClick(email, Qt.Key.Key_Return)
    with cohort.ws.read() as s:
        assert s.get(m.Person, jansen).email == "marieke.jansen@amsterdamumc.nl"  # type: ignore[union-attr]

    # Validated like the student's: refused with the message under the field, nothing written.
    stored_before = cohort.everything()
    email.selectAll()
    qtbot.keyClicks(email, "marieke at amsterdamumc")
    qtbot.keyClick(email, Qt.Key.Key_Return)
    assert "e-mail" in form.error_text("daily_supervisor_email").lower()
    assert cohort.everything() == stored_before

    record_view.session.undo_stack.undo()  # the address back
    record_view.session.undo_stack.undo()  # and the supervisor
    assert internship(cohort, cohort.anouk).daily_supervisor_id is None
    with cohort.ws.read() as s:
        assert s.get(m.Person, jansen).email == "m.jansen@amsterdamumc.nl"  # type: ignore[union-attr]


def test_enter_on_an_entry_in_the_list_is_one_edit_even_when_the_field_has_no_keyboard_focus(
    record_view: RecordView, qtbot: Any, cohort: Cohort
) -> None:
    """On a busy machine the window may not be active yet when the coordinator types: the field has
    no keyboard focus, the list does not write the highlighted name into it, and Enter used to reach
    the field first. It committed the typed "jans" (a new person "jans" in the register, a first undo
    step), then the pick (a second). Forced here by keeping the keyboard focus elsewhere."""
    jansen = add_person(cohort.ws, name="Marieke Jansen", rank="postdoc", organisation="Amsterdam UMC")
    add_person(cohort.ws, name="Marieke Janssen-Bos", rank="UHD", organisation="Erasmus MC")
    panel = minor_panel(record_view, qtbot, cohort.anouk)
    picker = picker_on(panel, "daily_supervisor")
    elsewhere = picker_on(panel, "assessor").edit
    elsewhere.setFocus()  # this window's focus stays there, active or not
    edits_before = record_view.session.undo_stack.count()

    qtbot.keyClicks(picker.edit, "jans")  # straight to the field, as the failing runs had it
    popup = picker.completer.popup()
    qtbot.waitUntil(popup.isVisible, timeout=5000)
    assert not picker.edit.hasFocus()
    offered = [picker.model.index(r).data() for r in range(picker.model.rowCount())]
    for _ in range(next(i for i, label in enumerate(offered) if "Marieke Jansen ·" in label) + 1):
        qtbot.keyClick(popup, Qt.Key.Key_Down)
    assert picker.edit.text() == "jans"  # the highlighted entry did not reach the field
    qtbot.keyClick(popup, Qt.Key.Key_Return)

    assert internship(cohort, cohort.anouk).daily_supervisor_id == jansen
    assert record_view.session.undo_stack.count() == edits_before + 1
    assert (
        record_view.session.undo_stack.undoText() == "Change daily supervisor of the minor internship to Marieke Jansen"
    )
    with cohort.ws.read() as s:
        assert s.scalars(select(m.Person.name).order_by(m.Person.name)).all() == [
            "Marieke Jansen",
            "Marieke Janssen-Bos",
        ]
    record_view.session.undo_stack.undo()  # the one step takes the pick back
    assert record_view.session.undo_stack.index() == edits_before
    assert internship(cohort, cohort.anouk).daily_supervisor_id is None


@pytest.mark.slow  # ~1.5 s of processor time in a whole run (docs/testing.md)
def test_an_assessor_below_ud_picked_from_the_register_is_flagged_by_their_own_rank(
    record_view: RecordView, qtbot: Any, cohort: Cohort
) -> None:
    add_person(cohort.ws, name="Pieter de Boer", rank="phd", organisation="Amsterdam UMC")
    panel = minor_panel(record_view, qtbot, cohort.anouk)
    pick(qtbot, picker_on(panel, "assessor"), "de boer", "Pieter de Boer")
    qtbot.waitUntil(
        lambda: (
            record_view.record is not None
            and record_view.record.internships["minor"].fields["assessor"] == "Pieter de Boer"
        ),
        timeout=10000,
    )
    form = next(f for f in panel.forms if "assessor" in f.editors)
    assert form.editors["assessor_rank"].currentData() == "phd"  # the person's rank, not typed again
    assert "⚠" in panel.status.text() and "assessor" in panel.status.text().lower(), panel.status.text()


def test_a_host_picked_from_the_register(record_view: RecordView, qtbot: Any, cohort: Cohort) -> None:
    erasmus = add_host(cohort.ws, name="Erasmus MC", department="Cardiology", city="Rotterdam", umc="other")
    add_host(cohort.ws, name="Erasmus MC", department="Neurology", city="Rotterdam", umc="other")
    panel = minor_panel(record_view, qtbot, cohort.anouk)
    pick(qtbot, picker_on(panel, "host"), "erasmus", "Cardiology")
    assert internship(cohort, cohort.anouk).host_id == erasmus
    qtbot.waitUntil(
        lambda: record_view.record is not None and record_view.record.internships["minor"].fields["host_id"] == erasmus,
        timeout=10000,
    )


# -- documents with the portfolio ----------------------------------------------------------------------------


def drop_on_row(table: Any, row: int, files: list[Path]) -> None:
    """What the system does when files are dragged from a file manager onto a row and let go."""
    data = QMimeData()
    data.setUrls([QUrl.fromLocalFile(str(f)) for f in files])
    rect = table.visualRect(table.model().index(row, 0))
    point = rect.center() if rect.isValid() else QPoint(5, 5)
    args = (Qt.DropAction.CopyAction, data, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier)
    # Qt delivers a drop only to a widget that accepted the drag entering it (as a real drag does).
    enter = QDragEnterEvent(point, *args)
    QApplication.sendEvent(table.viewport(), enter)
    assert enter.isAccepted()
    QApplication.sendEvent(table.viewport(), QDragMoveEvent(point, *args))
    QApplication.sendEvent(table.viewport(), QDropEvent(QPointF(point), *args))


def test_a_document_dropped_on_a_portfolio_item_is_attached_and_marks_it_received(
    record_view: RecordView, qtbot: Any, cohort: Cohort, tmp_path: Path
) -> None:
    signed = tmp_path / "List of Agreements (signed).pdf"
    signed.write_bytes(b"%PDF-1.4\n" + b"x" * 4000)
    panel = minor_panel(record_view, qtbot, cohort.anouk)
    rows = [item.name for item in panel.portfolio.items]
    row = next(i for i, name in enumerate(rows) if "List of Agreements" in name)
    item_id = panel.portfolio.items[row].id

    drop_on_row(panel.portfolio.table, row, [signed])

    qtbot.waitUntil(lambda: panel.documents.list.count() == 1, timeout=10000)
    assert panel.portfolio.selected_id() == item_id
    assert panel.documents.list.item(0).text().startswith("List of Agreements (signed).pdf")
    assert panel.documents.caption.text() == "Documents of List of Agreements (A): 1 document"
    with cohort.ws.read() as s:
        assert s.get(m.PortfolioItem, item_id).received_date == cohort.ws.as_of()  # type: ignore[union-attr]
    panel.grab().save(str(tmp_path / "documents.png"))

    # Another item selected: its own (no) documents; back: the file is there, and opens.
    other = next(i for i, name in enumerate(rows) if "Research Proposal" in name)
    panel.portfolio.table.selectRow(other)
    assert panel.documents.list.count() == 0
    panel.portfolio.table.selectRow(row)
    assert panel.documents.list.count() == 1
    panel.documents.list.setCurrentRow(0)
    opened: list[Path] = []
    panel.documents.opened.connect(opened.append)
    qtbot.mouseClick(panel.documents.open_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: bool(opened), timeout=10000)  # the checked copy is made off the GUI thread
    assert opened[0].read_bytes() == signed.read_bytes()
    if panel.documents.error.isVisible():  # no viewer (offscreen): say so, and where the copy is
        assert str(opened[0]) in panel.documents.error.text()
    # The kept file gone from the documents folder (and no copy made before): said in one line.
    import shutil

    from coordinator_app.services.attachments import documents_folder

    shutil.rmtree(documents_folder(cohort.ws))
    qtbot.mouseClick(panel.documents.open_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "is missing from" in panel.documents.error.text(), timeout=10000)
    assert len(opened) == 1

    # One undo step takes the file off and the item is open again.
    record_view.session.undo_stack.undo()
    qtbot.waitUntil(lambda: panel.documents.list.count() == 0, timeout=10000)
    with cohort.ws.read() as s:
        assert s.get(m.PortfolioItem, item_id).received_date is None  # type: ignore[union-attr]
        assert s.scalar(select(m.Attachment.id)) is None


def test_a_folder_or_an_empty_file_is_refused_with_one_line_and_nothing_written(
    record_view: RecordView, qtbot: Any, cohort: Cohort, tmp_path: Path
) -> None:
    panel = minor_panel(record_view, qtbot, cohort.anouk)
    folder = tmp_path / "Scans"
    folder.mkdir()
    empty = tmp_path / "proposal.pdf"
    empty.write_bytes(b"")
    stored = cohort.everything()
    panel.portfolio.table.selectRow(0)
    drop_on_row(panel.portfolio.table, 0, [folder])
    assert "Scans is a folder" in panel.documents.error.text()
    assert panel.documents.error.isVisible()
    drop_on_row(panel.portfolio.table, 0, [empty])
    assert "empty" in panel.documents.error.text()
    assert cohort.everything() == stored
    assert panel.documents.list.count() == 0


def test_the_attach_button_opens_a_file_dialog_for_the_selected_item(
    record_view: RecordView, qtbot: Any, cohort: Cohort, tmp_path: Path
) -> None:
    report = tmp_path / "report.pdf"
    report.write_bytes(b"%PDF-1.4 report")
    panel = minor_panel(record_view, qtbot, cohort.anouk)
    box = panel.documents
    box.list.clearSelection()
    panel.portfolio.table.clearSelection()
    assert not box.attach_button.isEnabled()  # nothing chosen to attach to
    panel.portfolio.table.selectRow(1)
    assert box.attach_button.isEnabled()
    box.mark.setChecked(False)
    qtbot.mouseClick(box.attach_button, Qt.MouseButton.LeftButton)
    dialog = box.file_dialog
    assert dialog is not None and dialog.isVisible()
    assert panel.portfolio.items[1].name in dialog.windowTitle()
    dialog.selectFile(str(report))
    dialog.accept()
    qtbot.waitUntil(lambda: box.list.count() == 1, timeout=10000)
    with cohort.ws.read() as s:
        assert s.get(m.PortfolioItem, panel.portfolio.items[1].id).received_date is None  # type: ignore[union-attr]


# -- specialization preferences on the Overview ---------------------------------------------------------------


def choose(combo: Any, value: Any) -> None:
    """Pick an entry the way the mouse does: the list's current entry changes, `activated` follows."""
    index = combo.findData(value)
    assert index >= 0, value
    combo.setCurrentIndex(index)
    combo.activated.emit(index)


@pytest.mark.slow  # over half a second of processor time on a quiet machine (docs/testing.md)
def test_preferences_are_ranked_on_the_overview_and_explained_after_allocation(
    record_view: RecordView, qtbot: Any, cohort: Cohort
) -> None:
    from coordinator_app.services.allocation import apply_allocation, preferences_of, preview_allocation

    assert record_view.show_student(cohort.daan, "overview")
    box = record_view.pages["overview"].preferences  # type: ignore[attr-defined]
    assert box.isVisibleTo(record_view)
    choose(box.combos[0], "biomarkers_medicines")
    choose(box.combos[1], "medical_imaging")
    assert preferences_of(cohort.ws, cohort.daan) == ("biomarkers_medicines", "medical_imaging")
    stack = record_view.session.undo_stack
    assert stack.command(stack.index() - 1).text().split("\n")[0] == (
        "Change specialization preferences to Biomarkers & Medicines, Medical Imaging"
    )
    stored = cohort.everything()
    choose(box.combos[2], "medical_imaging")  # twice the same: refused under the choices
    assert box.error.text() == "Rank each specialization once."
    assert cohort.everything() == stored
    record_view.session.undo_stack.undo()
    assert preferences_of(cohort.ws, cohort.daan) == ("biomarkers_medicines",)

    apply_allocation(cohort.ws, preview_allocation(cohort.ws, "PM", 2025, seed=7))
    record_view.reload()
    qtbot.waitUntil(lambda: box.explanation.isVisibleTo(record_view), timeout=10000)
    assert box.explanation.text().startswith("Allocation: ")
    assert "Biomarkers & Medicines" in box.explanation.text() and "lottery seed 7" in box.explanation.text()

    assert record_view.show_student(cohort.lars, "overview")  # IMIM: no specializations to rank
    assert not box.isVisibleTo(record_view)
