"""A viewer's read-only window (issue 13, item 5): the record's text fields do not only refuse typing, they
LOOK read-only, with a disabled field's background as the disabled combo boxes have, their text still
readable and selectable; unlocking gives the usual look back (and a field's own palette)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import QComboBox, QLineEdit, QPlainTextEdit, QTextEdit, QVBoxLayout, QWidget

from coordinator_app.store import network_share
from coordinator_app.ui.read_only import ReadOnlyLock, editable_controls, looks_read_only, read_only_palette
from tests.ui.conftest import OFFSCREEN_NOISE, TODAY, Cohort

pytestmark = OFFSCREEN_NOISE

ACTIVE, DISABLED = QPalette.ColorGroup.Active, QPalette.ColorGroup.Disabled
BASE, TEXT = QPalette.ColorRole.Base, QPalette.ColorRole.Text


def _form(qtbot: Any) -> tuple[QWidget, list[QWidget], QComboBox]:
    root = QWidget()
    qtbot.addWidget(root)
    layout = QVBoxLayout(root)
    fields: list[QWidget] = [QLineEdit("Anouk"), QPlainTextEdit("A note"), QTextEdit("Rich")]
    combo = QComboBox()
    combo.addItems(["active", "stopped"])
    for widget in (*fields, combo):
        layout.addWidget(widget)
    root.show()
    return root, fields, combo


def test_locked_text_fields_look_like_the_disabled_combo_and_stay_readable(qtbot: Any) -> None:
    root, fields, combo = _form(qtbot)
    usual = [(f.palette().color(ACTIVE, BASE), f.palette().color(ACTIVE, TEXT)) for f in fields]
    assert not any(looks_read_only(f) for f in fields)
    lock = ReadOnlyLock(root)
    lock.lock(root, "Read only: a viewer's login.")
    assert editable_controls(root) == [] and not combo.isEnabled()
    for field, (base, text) in zip(fields, usual):
        assert looks_read_only(field), type(field).__name__
        shown = field.palette()
        assert shown.color(ACTIVE, BASE) != base
        assert shown.color(ACTIVE, BASE) == combo.palette().color(DISABLED, BASE)  # the disabled combo's
        assert shown.color(ACTIVE, TEXT) == text  # still readable: not the disabled grey
        assert field.isEnabled() and field.isReadOnly()  # selectable, so a number can be copied
    # What a person sees: the field's background drawn in the read-only colour.
    picture = fields[0].grab().toImage()
    assert picture.pixelColor(picture.width() // 2, 3) == fields[0].palette().color(ACTIVE, BASE)
    lock.unlock()
    for field, (base, text) in zip(fields, usual):
        assert not looks_read_only(field) and not field.isReadOnly()
        assert field.palette().color(ACTIVE, BASE) == base
        assert field.palette().color(ACTIVE, TEXT) == text
        assert not field.testAttribute(Qt.WidgetAttribute.WA_SetPalette)  # inherits the application's again
    assert combo.isEnabled()


def test_a_field_with_a_palette_of_its_own_gets_it_back(qtbot: Any) -> None:
    root, fields, _combo = _form(qtbot)
    own = QPalette(fields[0].palette())
    own.setColor(ACTIVE, TEXT, QColor("#1a4d8f"))
    fields[0].setPalette(own)
    lock = ReadOnlyLock(root)
    lock.lock(root, "Read only.")
    assert fields[0].palette().color(ACTIVE, TEXT) == QColor("#1a4d8f")  # kept while locked
    lock.unlock()
    assert fields[0].testAttribute(Qt.WidgetAttribute.WA_SetPalette)
    assert fields[0].palette().color(ACTIVE, TEXT) == QColor("#1a4d8f")
    assert fields[0].palette().color(ACTIVE, BASE) == own.color(ACTIVE, BASE)


def test_a_palette_whose_disabled_background_is_the_usual_one_gets_the_windows() -> None:
    flat = QPalette(QColor("#dddddd"), QColor("#eeeeee"))  # button, window
    for group in (ACTIVE, DISABLED):
        flat.setColor(group, BASE, QColor("#ffffff"))
    made = read_only_palette(flat)
    assert made.color(ACTIVE, BASE) == flat.color(ACTIVE, QPalette.ColorRole.Window)
    assert made.color(ACTIVE, BASE) != flat.color(ACTIVE, BASE)


def test_the_read_only_records_names_e_mail_and_notes_look_read_only(
    qtbot: Any, cohort: Cohort, programmes: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from coordinator_app.ui.main_window import MainWindow

    path = cohort.ws.path
    (tmp_path / "mountinfo").write_text(f"50 22 0:40 / {path.parent} rw - nfs nas:/pm rw\n")
    monkeypatch.setattr(network_share, "MOUNTINFO", tmp_path / "mountinfo")
    win = MainWindow(path, today=TODAY, programmes=programmes)
    qtbot.addWidget(win)
    win.resize(1366, 768)
    win.show()
    qtbot.waitUntil(lambda: win.is_ready and not win.session.busy, timeout=20000)
    assert win.session.read_only is not None
    assert win.record_pane.show_student(cohort.anouk)
    editors = win.record_pane.view.pages["overview"].form.editors
    for field in ("first_name", "last_name", "email", "notes"):
        assert editors[field].isReadOnly() and looks_read_only(editors[field]), field
    assert editors["first_name"].text() == "Anouk"
    win.session.wait(10000)
