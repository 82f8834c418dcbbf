"""The coordinator's outbox in the real window: from the attention list to reviewed drafts in the mail
program, .eml files, the reminded column and its filter; many students at once (multi-select, bulk
actions previewed, applied and undone in one step); deadlines to a calendar; saved views."""

from __future__ import annotations

from datetime import date
from email import message_from_bytes
from email.policy import default
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from icalendar import Calendar
from PySide6.QtCore import QObject, Qt, QUrl, Slot
from PySide6.QtGui import QDesktopServices, QGuiApplication
from PySide6.QtWidgets import QDialog, QDialogButtonBox

from coordinator_app.services.academic_core import set_mentor
from coordinator_app.services.internships import update_internship
from coordinator_app.ui import settings as saved
from coordinator_app.ui.attention_view import REMINDED
from coordinator_app.ui.bulk_dialogs import AskDialog
from tests.ui.conftest import OFFSCREEN_NOISE, Cohort


def asked(window: Any) -> AskDialog:
    """The dialog a Students menu action opened to ask what to do to the students selected."""
    shown = [d for d in window.findChildren(AskDialog) if d.isVisible()]
    assert len(shown) == 1
    return shown[0]


pytestmark = OFFSCREEN_NOISE

CTRL = Qt.KeyboardModifier.ControlModifier
SHIFT = Qt.KeyboardModifier.ShiftModifier


class MailProgram(QObject):
    """Stands in for the default mail program: QDesktopServices hands it every mailto: link."""

    def __init__(self) -> None:
        super().__init__()
        self.urls: list[str] = []

    @Slot(QUrl)
    def open(self, url: QUrl) -> None:
        self.urls.append(url.toString(QUrl.ComponentFormattingOption.FullyEncoded))


@pytest.fixture
def mail_program() -> Any:
    program = MailProgram()
    QDesktopServices.setUrlHandler("mailto", program, "open")
    yield program
    QDesktopServices.unsetUrlHandler("mailto")


def _dialog(window: Any, qtbot: Any, name: str) -> Any:
    qtbot.waitUntil(
        lambda: window.findChild(QDialog, name) is not None and window.findChild(QDialog, name).isVisible(),
        timeout=10000,
    )
    return window.findChild(QDialog, name)


def _click_row(qtbot: Any, view: Any, row: int, modifier: Any = Qt.KeyboardModifier.NoModifier) -> None:
    rect = view.visualRect(view.model().index(row, 1))
    qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, modifier, rect.center())


def test_from_the_attention_list_to_reviewed_drafts_in_the_mail_program(
    window: Any, qtbot: Any, cohort: Cohort, mail_program: MailProgram
) -> None:
    saved.save_reminder_settings("Maria Jansen\nProgramme coordinator", "Maria Jansen", "m.jansen@vu.nl", "en")
    # Started 1 September: the Interim Assessment is overdue, and is the daily supervisor's (no address known).
    update_internship(cohort.ws, cohort.anouk, "minor", daily_supervisor="Dr. Jan Jansen", start_date="2025-09-01")
    attention = window.attention
    with qtbot.waitSignal(attention.model.modelReset, timeout=10000):
        window.session.reload()  # View > Reload
    window.show_tab(0)
    table = attention.table
    table.setFocus()
    qtbot.keyClick(table, Qt.Key.Key_A, CTRL)  # every line
    assert len(attention.selected_items()) == attention.model.rowCount() > 1
    qtbot.mouseClick(attention.remind, Qt.MouseButton.LeftButton)
    dialog = _dialog(window, qtbot, "remindersDialog")
    rows = [
        (dialog.table.item(r, 0).text(), dialog.table.item(r, 1).text(), dialog.table.item(r, 3).text())
        for r in range(dialog.table.rowCount())
    ]
    assert ("Anouk de Vries", "student", "a.devries@student.vu.nl") in rows
    assert rows[-1] == ("Dr. Jan Jansen", "daily supervisor", "no address")  # listed last, never sent
    assert "1 recipient with no address (skipped)" in dialog.summary.text()
    dialog.table.selectRow(len(rows) - 1)
    assert dialog.to_line.text().endswith("(daily supervisor): no address recorded, this draft is not sent")
    assert not dialog.open_button.isEnabled() and not dialog.body.isEnabled()
    assert dialog.summary.text().endswith("Nothing is sent until you send it from your mail program.")
    anouk = next(r for r, row in enumerate(rows) if row[0] == "Anouk de Vries")
    dialog.table.selectRow(anouk)
    assert dialog.to_line.text() == "To: Anouk de Vries <a.devries@student.vu.nl>  (student)"
    assert "List of Agreements (A)" in dialog.body.toPlainText()
    assert dialog.body.toPlainText().endswith("Maria Jansen\nProgramme coordinator")
    # The coordinator adds a sentence before opening it: that is what the mail program gets.
    dialog.body.moveCursor(dialog.body.textCursor().MoveOperation.Start)
    qtbot.keyClicks(dialog.body, "Hi! ")
    qtbot.mouseClick(dialog.open_button, Qt.MouseButton.LeftButton)
    (url,) = mail_program.urls
    parts = urlsplit(url)
    query = parse_qs(parts.query)
    assert (parts.scheme, parts.path) == ("mailto", "a.devries@student.vu.nl")
    assert query["body"][0].startswith("Hi! Dear Anouk,")
    assert "List of Agreements (A)" in query["subject"][0] or "items" in query["subject"][0]
    assert "Opened the message to Anouk de Vries" in dialog.message.text()
    assert dialog.table.item(anouk, 4).text() == "opened"
    dialog.accept()
    # The attention list says so, and "Not reminded in 7 days" leaves those lines out.
    anouk_items = [i for i in attention.model.items if i.student_id == cohort.anouk]
    qtbot.waitUntil(lambda: any(attention.model.reminded(i) for i in attention.model.items), timeout=10000)
    model = attention.model
    reminded_rows = [
        r for r in range(model.rowCount()) if model.item(r).student_id == cohort.anouk and model.reminded(model.item(r))
    ]
    assert reminded_rows and model.index(reminded_rows[0], REMINDED).data() == "reminded today"
    assert "Last reminded on" in model.index(reminded_rows[0], REMINDED).data(Qt.ItemDataRole.ToolTipRole)
    before = model.rowCount()
    attention.not_reminded.setChecked(True)
    assert model.rowCount() == before - len(reminded_rows)
    assert "not reminded in 7 days" in attention.summary.text()
    attention.not_reminded.setChecked(False)
    assert model.rowCount() == before
    assert len(anouk_items) >= len(reminded_rows)
    # The History tab of the student shows the reminder.
    window.open_student(cohort.anouk, "history")
    view = window.record_pane.view
    assert any(getattr(h, "action", "") == "reminder" for h in view.record.history)


def test_all_drafts_written_as_eml_files_parse_back(
    window: Any, qtbot: Any, cohort: Cohort, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from PySide6.QtWidgets import QFileDialog

    saved.save_reminder_settings("Maria", "Maria Jansen", "m.jansen@vu.nl", "en")
    tmp_path = tmp_path / "out"
    tmp_path.mkdir()
    window.show_tab(0)
    _click_row(qtbot, window.students.view, window.students.model.row_of(cohort.anouk))
    window.show_tab(0)
    window.selection.remind_selected()  # the list's student: no lines selected
    dialog = _dialog(window, qtbot, "remindersDialog")
    monkeypatch.setattr(QFileDialog, "getExistingDirectory", staticmethod(lambda *a, **k: str(tmp_path)))
    qtbot.mouseClick(dialog.write_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "Wrote" in dialog.message.text(), timeout=10000)
    (folder,) = tmp_path.iterdir()
    files = sorted(folder.iterdir())
    assert [f.name for f in files] == ["001 Anouk de Vries (student).eml"]
    message = message_from_bytes(files[0].read_bytes(), policy=default)
    assert message["To"].addresses[0].addr_spec == "a.devries@student.vu.nl"
    assert message["From"].addresses[0].display_name == "Maria Jansen"
    assert saved.reminders_folder() == str(tmp_path)
    # An unwritable place: one message, nothing written.
    dialog.write_into(tmp_path / "missing")
    qtbot.waitUntil(lambda: "does not exist" in dialog.message.text(), timeout=10000)
    box = _message_box(window, qtbot)
    assert "no files were written" in box.text()
    box.close()
    assert [p.name for p in tmp_path.iterdir()] == [folder.name]
    QGuiApplication.clipboard().clear()
    qtbot.mouseClick(dialog.copy_button, Qt.MouseButton.LeftButton)
    assert QGuiApplication.clipboard().text() == "a.devries@student.vu.nl"


def test_hard_names_give_valid_headers_and_a_read_only_folder_leaves_nothing(
    window: Any, qtbot: Any, cohort: Cohort, tmp_path: Path
) -> None:
    import os

    from coordinator_app.services.students import update_student

    saved.save_reminder_settings("Maria", 'Maria "M." Jansen, coordinator', "m.jansen@vu.nl", "en")
    update_student(cohort.ws, cohort.anouk, first_name='Zoë "Jo"', last_name="Ó'Brien-Müller, Jr.")
    with qtbot.waitSignal(window.attention.model.modelReset, timeout=10000):
        window.session.reload()
    window.open_student(cohort.anouk, "overview")
    qtbot.mouseClick(window.record_pane.view.remind, Qt.MouseButton.LeftButton)
    dialog = _dialog(window, qtbot, "remindersDialog")
    assert dialog.to_line.text() == 'To: Zoë "Jo" Ó\'Brien-Müller, Jr. <a.devries@student.vu.nl>  (student)'
    place = tmp_path / "place"  # tmp_path also holds the database
    place.mkdir()
    locked = place / "locked"
    locked.mkdir()
    locked.chmod(0o500)
    try:
        if os.access(locked, os.W_OK):  # root writes anyway: make it a file
            locked.chmod(0o700)
            locked.rmdir()
            locked.write_text("not a folder")
        dialog.write_into(locked)
        box = _message_box(window, qtbot)
        assert box.windowTitle() == "Reminders not written"
        assert box.text().startswith(("The reminders could not be written to", "The folder")) and box.text().endswith(
            ("no files were written. Choose another folder.", "no files were written.")
        )
        assert dialog.message.text() == box.text() and dialog.write_button.isEnabled()
        box.close()
        assert list(place.iterdir()) == [locked] and (locked.is_file() or not list(locked.iterdir()))
        assert dialog.table.item(0, 4).text() == ""  # not marked written
    finally:
        if locked.is_dir():
            locked.chmod(0o700)
    out = place / "out"
    out.mkdir()
    dialog.write_into(out)
    qtbot.waitUntil(lambda: "Wrote 1 message" in dialog.message.text(), timeout=10000)
    (eml,) = next(out.iterdir()).iterdir()
    assert eml.name == "001 Zoë Jo Ó'Brien-Müller, Jr. (student).eml"
    raw = eml.read_bytes()
    assert raw.isascii()  # RFC 5322: encoded words, no raw 8-bit
    message = message_from_bytes(raw, policy=default)
    (to,) = message["To"].addresses
    assert (to.display_name, to.addr_spec) == ('Zoë "Jo" Ó\'Brien-Müller, Jr.', "a.devries@student.vu.nl")
    (sender,) = message["From"].addresses
    assert sender.display_name == 'Maria "M." Jansen, coordinator'
    assert "Zoë" in message.get_content()


def _message_box(window: Any, qtbot: Any) -> Any:
    from PySide6.QtWidgets import QApplication, QMessageBox

    qtbot.waitUntil(
        lambda: any(isinstance(w, QMessageBox) and w.isVisible() for w in QApplication.topLevelWidgets()), timeout=5000
    )
    return next(w for w in QApplication.topLevelWidgets() if isinstance(w, QMessageBox) and w.isVisible())


def test_remind_with_nothing_chosen_or_nothing_due_says_so_and_opens_no_review(
    window: Any, qtbot: Any, cohort: Cohort
) -> None:
    window.show_tab(0)
    window.attention.table.clearSelection()
    window.students.view.clearSelection()
    window.attention.ask_remind()  # no lines selected
    box = _message_box(window, qtbot)
    assert box.text() == "Select one or more attention lines or students first."
    box.close()
    window.selection._remind(students=[cohort.daan])  # a first-year with nothing due yet
    box = _message_box(window, qtbot)
    assert box.text() == "Nothing is overdue or due soon for the students chosen."
    box.close()
    assert window.findChild(QDialog, "remindersDialog") is None


def test_settings_refuse_a_bad_address_then_sign_the_drafts(window: Any, qtbot: Any, cohort: Cohort) -> None:
    window.acts.preferences.trigger()  # Edit > Settings…
    dialog = _dialog(window, qtbot, "settingsDialog")
    qtbot.keyClicks(dialog.name, "Maria  Jansen")
    qtbot.keyClicks(dialog.email, "maria at vu")
    qtbot.keyClicks(dialog.signature, "Maria Jansen")
    qtbot.keyClick(dialog.signature, Qt.Key.Key_Return)
    qtbot.keyClicks(dialog.signature, "Programme coordinator")
    save = dialog.findChild(QDialogButtonBox).button(QDialogButtonBox.StandardButton.Save)
    qtbot.mouseClick(save, Qt.MouseButton.LeftButton)
    assert dialog.isVisible() and dialog.email_error.text() == "'maria at vu' is not an e-mail address."
    assert saved.sender() == ("", "") and saved.signature() == ""  # nothing kept
    dialog.email.clear()
    qtbot.keyClicks(dialog.email, "m.jansen@vu.nl")
    qtbot.mouseClick(save, Qt.MouseButton.LeftButton)
    assert not dialog.isVisible()
    assert saved.sender() == ("Maria Jansen", "m.jansen@vu.nl")
    window.open_student(cohort.anouk, "overview")
    qtbot.mouseClick(window.record_pane.view.remind, Qt.MouseButton.LeftButton)
    drafts = _dialog(window, qtbot, "remindersDialog")
    assert drafts.body.toPlainText().endswith("Kind regards,\n\nMaria Jansen\nProgramme coordinator")
    assert "without a signature" not in drafts.summary.text()


def test_the_record_reminds_its_student(window: Any, qtbot: Any, cohort: Cohort) -> None:
    window.open_student(cohort.anouk, "overview")
    qtbot.mouseClick(window.record_pane.view.remind, Qt.MouseButton.LeftButton)
    dialog = _dialog(window, qtbot, "remindersDialog")
    assert {d.to.name for d in dialog.rows} == {"Anouk de Vries"}
    assert dialog.summary.text().endswith("without a signature: set yours in Edit > Settings…")  # a new user
    assert {i.student_id for d in dialog.rows for i in d.items} == {cohort.anouk}


# -- many students at once ---------------------------------------------------------------------------------------


def test_multi_select_with_ctrl_and_shift_click_and_ctrl_a_and_it_survives_a_search(
    window: Any, qtbot: Any, cohort: Cohort
) -> None:
    pane = window.students
    view, model = pane.view, pane.model
    _click_row(qtbot, view, model.row_of(cohort.daan))
    _click_row(qtbot, view, model.row_of(cohort.sanne), CTRL)
    assert set(pane.selected_students()) == {cohort.daan, cohort.sanne}
    assert window.record_pane.view.student_id == cohort.sanne  # the record shows the one clicked
    qtbot.keyClicks(pane.search, "d")  # Daan, de Vries, de Jong: both stay
    assert set(pane.selected_students()) == {cohort.daan, cohort.sanne}
    qtbot.keyClicks(pane.search, "aan")  # only Daan is shown
    assert pane.selected_students() == [cohort.daan]
    pane.search.clear()  # Sanne is shown and selected again
    assert set(pane.selected_students()) == {cohort.daan, cohort.sanne}
    _click_row(qtbot, view, 0)
    _click_row(qtbot, view, model.rowCount() - 1, SHIFT)
    assert len(pane.selected_students()) == model.rowCount() == 4
    _click_row(qtbot, view, 0)
    view.setFocus()
    qtbot.keyClick(view, Qt.Key.Key_A, CTRL)
    assert pane.selected_students() == [model.student_id(r) for r in range(model.rowCount())]
    assert window.selection.copy_emails() == "; ".join(
        r.email for r in map(pane.student, pane.selected_students()) if r and r.email
    )
    assert QGuiApplication.clipboard().text().count("@") == 4


@pytest.mark.slow  # over half a second of processor time on a quiet machine (docs/testing.md)
def test_bulk_mark_received_previews_refuses_applies_and_undoes_in_one_step(
    window: Any, qtbot: Any, cohort: Cohort, monkeypatch: pytest.MonkeyPatch
) -> None:
    import threading

    from coordinator_app.services import bulk

    ran_on: dict[str, threading.Thread] = {}
    for name in ("undo", "apply_again"):  # record where the window runs them: 500 students take ~0.5 s

        def recorded(*args: Any, _name: str = name, _real: Any = getattr(bulk, name)) -> Any:
            ran_on[_name] = threading.current_thread()
            return _real(*args)

        monkeypatch.setattr(bulk, name, recorded)
    pane = window.students
    update_internship(cohort.ws, cohort.daan, "minor", start_date="2025-11-03")
    pane.select_students([cohort.anouk, cohort.daan, cohort.sanne])
    window.selection.received.trigger()
    ask = asked(window)
    qtbot.waitUntil(ask.isVisible, timeout=5000)
    assert ask.windowTitle() == "Mark received: 3 students"
    combos = [ask.form.itemAt(i, ask.form.ItemRole.FieldRole).widget() for i in range(2)]
    component, item = combos
    component.setCurrentIndex(component.findData("minor_internship"))
    item.setCurrentIndex(item.findData("list_of_agreements"))
    when = ask.form.itemAt(2, ask.form.ItemRole.FieldRole).widget()
    when.setText("20-11-2025")
    ask._ok()
    preview = _dialog(window, qtbot, "bulkPreview")
    lines = [[preview.table.item(r, c).text() for c in range(3)] for r in range(preview.table.rowCount())]
    assert lines == [  # refused first, then in the list's order (by surname: Bakker, de Vries)
        ["2711111 Sanne de Jong", "", "not changed: no List of Agreements (A) (minor internship not planned)"],
        ["2798765 Daan Bakker", "not received", "received 20-11-2025"],
        ["2712345 Anouk de Vries", "not received", "received 20-11-2025"],
    ]
    assert preview.apply.text() == "Apply to 2 students"
    loa = {sid: cohort.item_id(sid, "minor_internship", "list_of_agreements") for sid in (cohort.anouk, cohort.daan)}
    stack = window.session.undo_stack
    steps = stack.count()
    qtbot.mouseClick(preview.apply, Qt.MouseButton.LeftButton)  # applied off the GUI thread
    qtbot.waitUntil(lambda: stack.count() == steps + 1, timeout=10000)
    received = _received(cohort, loa)
    assert received == {cohort.anouk: date(2025, 11, 20), cohort.daan: date(2025, 11, 20)}
    assert stack.undoText() == ("Mark List of Agreements (A) (minor internship) received on 20-11-2025 (2 students)")
    count = stack.count()
    window.activateWindow()  # the preview had it
    qtbot.waitUntil(window.isActiveWindow, timeout=5000)
    qtbot.keyClick(window, Qt.Key.Key_Z, CTRL)  # one undo step for both
    assert stack.index() == count - 1
    qtbot.waitUntil(lambda: not window.session.busy, timeout=10000)  # undone off the GUI thread
    assert _received(cohort, loa) == {cohort.anouk: None, cohort.daan: None}
    window.acts.redo.trigger()
    qtbot.waitUntil(lambda: not window.session.busy, timeout=10000)
    assert _received(cohort, loa) == received
    assert set(ran_on) == {"undo", "apply_again"}
    assert threading.main_thread() not in ran_on.values()
    window.acts.undo.trigger()  # undo after a redo: its result
    window.acts.redo.trigger()  # asked at once, done in order
    window.acts.undo.trigger()
    qtbot.waitUntil(lambda: not window.session.busy, timeout=10000)
    assert _received(cohort, loa) == {cohort.anouk: None, cohort.daan: None}
    assert stack.index() == count - 1


def test_a_bulk_undo_refused_off_the_gui_thread_says_why_and_leaves_the_stack_usable(
    window: Any, qtbot: Any, cohort: Cohort
) -> None:
    from coordinator_app.services.bulk_actions import MarkReceived
    from coordinator_app.services.students import remove_student
    from coordinator_app.ui.bulk_dialogs import run_bulk
    from coordinator_app.ui.changes import Kind

    update_internship(cohort.ws, cohort.daan, "minor", start_date="2025-11-03")
    loa = {sid: cohort.item_id(sid, "minor_internship", "list_of_agreements") for sid in (cohort.anouk, cohort.daan)}
    action = MarkReceived(
        "minor_internship",
        "list_of_agreements",
        "List of Agreements (A)",
        "Minor internship",
        date(2025, 11, 20),
        cohort.ws.as_of(),
    )
    run_bulk(window.session, window, lambda _ws: action, [cohort.anouk, cohort.daan], Kind.PORTFOLIO)
    preview = _dialog(window, qtbot, "bulkPreview")
    stack = window.session.undo_stack
    steps = stack.count()
    qtbot.mouseClick(preview.apply, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: stack.count() == steps + 1, timeout=10000)
    remove_student(cohort.ws, cohort.daan)  # a colleague, meanwhile
    stack.undo()
    qtbot.waitUntil(lambda: not window.session.busy, timeout=10000)
    box = _message_box(window, qtbot)
    assert box.windowTitle() == "Not undone"
    assert box.text() == (
        "Could not undo 'mark List of Agreements (A) (minor internship) received on 20-11-2025 "
        "(2 students)': Not undone: some of these students were removed since."
    )
    box.close()
    assert _received(cohort, {cohort.anouk: loa[cohort.anouk]}) == {cohort.anouk: date(2025, 11, 20)}  # no half
    stack.redo()  # the failed step is dropped, not redone
    assert stack.count() == steps and not window.session.busy


def test_a_student_changed_since_the_preview_means_nothing_is_applied(window: Any, qtbot: Any, cohort: Cohort) -> None:
    from coordinator_app.services.bulk_actions import MarkReceived
    from coordinator_app.services.portfolio import mark_received
    from coordinator_app.ui.bulk_dialogs import run_bulk
    from coordinator_app.ui.changes import Kind

    update_internship(cohort.ws, cohort.daan, "minor", start_date="2025-11-03")
    loa = {sid: cohort.item_id(sid, "minor_internship", "list_of_agreements") for sid in (cohort.anouk, cohort.daan)}
    action = MarkReceived(
        "minor_internship",
        "list_of_agreements",
        "List of Agreements (A)",
        "Minor internship",
        date(2025, 11, 20),
        cohort.ws.as_of(),
    )
    run_bulk(window.session, window, lambda _ws: action, [cohort.anouk, cohort.daan], Kind.PORTFOLIO)
    preview = _dialog(window, qtbot, "bulkPreview")
    assert preview.apply.text() == "Apply to 2 students"
    mark_received(cohort.ws, loa[cohort.anouk], date(2025, 11, 18))  # a colleague, meanwhile
    steps = window.session.undo_stack.count()
    qtbot.mouseClick(preview.apply, Qt.MouseButton.LeftButton)
    box = _message_box(window, qtbot)
    assert box.windowTitle() == "Nothing was changed"
    assert box.text().startswith("Nothing was changed: the students changed since the preview")
    box.close()
    assert _received(cohort, loa) == {cohort.anouk: date(2025, 11, 18), cohort.daan: None}  # no half
    assert window.session.undo_stack.count() == steps


def _received(cohort: Cohort, items: dict[int, int]) -> dict[int, date | None]:
    from coordinator_app.store import models as m

    with cohort.ws.read() as s:
        return {sid: s.get(m.PortfolioItem, item).received_date for sid, item in items.items()}  # type: ignore[union-attr]


def test_bulk_mentor_refuses_the_imim_student_and_graduation_plans_the_rest(
    window: Any, qtbot: Any, cohort: Cohort
) -> None:
    set_mentor(cohort.ws, cohort.anouk, "Dr. Old")
    window.students.select_students([cohort.anouk, cohort.lars])
    window.selection.mentor.trigger()
    ask = asked(window)
    fields = [ask.form.itemAt(i, ask.form.ItemRole.FieldRole).widget() for i in range(3)]
    fields[0].setText("Prof. Mentor")
    fields[2].setText("not an address")
    ask._ok()
    assert ask.error.isVisible() and "is not an e-mail address" in ask.error.text()
    fields[2].setText("mentor@umc.nl")
    ask._ok()
    preview = _dialog(window, qtbot, "bulkPreview")
    assert preview.table.item(0, 2).text() == "not changed: IMIM has no Academic Core mentor"
    assert "1 student will change; 1 refused" in preview.summary.text()
    steps = window.session.undo_stack.count()
    qtbot.mouseClick(preview.apply, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: window.session.undo_stack.count() == steps + 1, timeout=10000)
    window.open_student(cohort.anouk, "academic_core")
    assert window.record_pane.view.record.mentor["name"] == "Prof. Mentor"  # type: ignore[index]
    window.session.undo_stack.undo()
    qtbot.waitUntil(lambda: not window.session.busy, timeout=10000)  # undone off the GUI thread
    window.open_student(cohort.anouk, "academic_core")
    assert window.record_pane.view.record.mentor["name"] == "Dr. Old"  # type: ignore[index]


def test_deadlines_of_the_selection_to_a_calendar_file(window: Any, qtbot: Any, cohort: Cohort, tmp_path: Path) -> None:
    window.students.select_students([cohort.anouk])
    target = tmp_path / "anouk.ics"
    window.selection.export_calendar(target)
    qtbot.waitUntil(lambda: "Saved" in window.statusBar().currentMessage(), timeout=10000)
    events = list(Calendar.from_ical(target.read_bytes()).walk("VEVENT"))
    assert events and all(str(e["summary"]).startswith("Anouk de Vries (2712345): ") for e in events)
    # A folder that is not there: one message, no file, the window goes on.
    window.selection.export_calendar(tmp_path / "gone" / "anouk.ics")
    box = _message_box(window, qtbot)
    assert box.windowTitle() == "Calendar not written"
    assert box.text().startswith(f"The calendar could not be written to {tmp_path / 'gone'} (")
    box.close()
    assert not (tmp_path / "gone").exists() and not list(tmp_path.glob(".deadlines-*"))


def test_a_saved_view_brings_back_filters_search_and_sort_in_a_later_session(
    window: Any, qtbot: Any, cohort: Cohort
) -> None:
    from coordinator_app.ui.list_rows import NUMBER
    from coordinator_app.ui.saved_views import SavedViews

    pane = window.students
    pane.programme_box.setCurrentIndex(pane.programme_box.findData("PM"))
    pane.refilter()
    qtbot.keyClicks(pane.search, "de ")
    pane.view.sortByColumn(NUMBER, Qt.SortOrder.DescendingOrder)
    shown = [pane.model.student_id(r) for r in range(pane.model.rowCount())]
    assert shown == [cohort.anouk, cohort.sanne]
    window.views.save("PM de-names")
    pane.search.clear()
    pane.programme_box.setCurrentIndex(0)
    pane.refilter()
    pane.view.sortByColumn(NUMBER, Qt.SortOrder.AscendingOrder)
    assert pane.model.rowCount() == 4
    later = SavedViews(window, pane)  # what a new session reads
    assert later.names() == ["PM de-names"]
    window.views.menu.aboutToShow.emit()
    assert "PM de-names" in [a.text() for a in window.views.menu.actions()]
    assert later.apply("PM de-names") == []
    assert [pane.model.student_id(r) for r in range(pane.model.rowCount())] == shown
    assert pane.search.text() == "de " and pane.programme_box.currentData() == "PM"
