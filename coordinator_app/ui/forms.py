"""Field editors with an inline message under each: the building block of every record tab.

A `FieldForm` lays out labelled editors and emits `committed(field, value)` when the
coordinator finishes editing one (Enter, leaving the field, picking a choice, ticking a
box) and the value differs from what is stored. The tab hands it to a service; when the
service refuses, `show_error(field, message)` puts the message right under that editor and
leaves what was typed in place, so nothing is lost and nothing was saved.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

from PySide6.QtCore import QEvent, QObject, QSignalBlocker, Qt, Signal
from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from coordinator_app.ui.util import day, mark

DATE_HINT = "dd-mm-yyyy"
ERROR_COLOUR = QColor("#b3261e")


def fit_width(edit: QLineEdit, sample: str) -> QLineEdit:
    """Make a short field exactly wide enough for `sample` in its own font: a width in pixels
    cuts "24-11-2025" off with larger fonts or display scaling."""
    margins = edit.textMargins()
    # The frame, the text's inner padding and room for the cursor: a few pixels either side.
    padding = margins.left() + margins.right() + edit.fontMetrics().horizontalAdvance("0") + 10
    edit.setFixedWidth(edit.fontMetrics().horizontalAdvance(sample) + padding)
    return edit


def side_by_side(edit: QWidget, button: QWidget) -> QWidget:
    """A field and what goes beside it (a Browse… button, a note) on one form row; the field takes the width."""
    holder = QWidget()
    row = QHBoxLayout(holder)
    row.setContentsMargins(0, 0, 0, 0)
    row.addWidget(edit, 1)
    row.addWidget(button)
    return holder


def error_label(parent: QWidget | None = None) -> QLabel:
    label = QLabel(parent)
    label.setObjectName("fieldError")
    label.setWordWrap(True)
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    # Red through the palette, not a style sheet: a record has ~120 of these labels, and a style sheet on
    # each made building the record (and putting its tabs in their scroll areas) a third slower.
    palette = label.palette()
    palette.setColor(QPalette.ColorRole.WindowText, ERROR_COLOUR)
    label.setPalette(palette)
    label.hide()
    return label


def grow_to_fit(window: QWidget) -> None:
    """Make a window tall enough for a message that has just appeared under a field: Qt does not
    grow a window for a word-wrapped label's second line by itself, so it was cut off."""
    layout = window.layout()
    if layout is None:
        return
    layout.activate()
    width = window.width()
    height = layout.totalHeightForWidth(width) if layout.hasHeightForWidth() else layout.totalSizeHint().height()
    if height > window.height():
        window.resize(width, height)


def shown_text(value: object) -> str:
    """How a stored value appears in a text editor."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, date):
        return day(value)
    if isinstance(value, float):
        return mark(value) if value < 10.05 and round(value, 1) == value else f"{value:g}"
    return str(value)


class FieldForm(QObject):
    """Editors in a QFormLayout; each has an error label under it."""

    committed = Signal(str, object)

    def __init__(self, parent: QWidget, layout: QFormLayout | None = None) -> None:
        super().__init__(parent)
        self.layout = layout or QFormLayout()
        self.layout.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        self.layout.setLabelAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        self.editors: dict[str, QWidget] = {}
        self.errors: dict[str, QLabel] = {}
        self._shown: dict[str, Any] = {}
        self._filling = False

    # -- building --------------------------------------------------------------------------------
    def add_row(self, name: str, label: str, editor: QWidget) -> None:
        """A row of the form: `label`, then `editor` with its message line under it (named `name`)."""
        holder = QWidget()
        box = QVBoxLayout(holder)
        box.setContentsMargins(0, 0, 0, 0)
        box.setSpacing(2)
        box.addWidget(editor)
        error = error_label(holder)
        box.addWidget(error)
        editor.setObjectName(name)
        editor.setAccessibleName(label)
        self.layout.addRow(label, holder)
        self.editors[name] = editor
        self.errors[name] = error

    def line(self, name: str) -> QLineEdit:
        """The one-line editor of a text, date or number field."""
        editor = self.editors[name]
        if not isinstance(editor, QLineEdit):
            raise TypeError(f"'{name}' is edited in a {type(editor).__name__}, not on one line")
        return editor

    def text(self, name: str, label: str, placeholder: str = "") -> QLineEdit:
        edit = QLineEdit()
        edit.setPlaceholderText(placeholder)
        edit.editingFinished.connect(lambda: self._text_done(name))
        self.add_row(name, label, edit)
        return edit

    def date(self, name: str, label: str) -> QLineEdit:
        return self.text(name, label, DATE_HINT)

    def number(self, name: str, label: str, placeholder: str = "") -> QLineEdit:
        edit = self.text(name, label, placeholder)
        return fit_width(edit, max(placeholder, "00000000", key=len))

    def notes(self, name: str, label: str) -> QPlainTextEdit:
        edit = QPlainTextEdit()
        edit.setMaximumHeight(70)
        edit.setTabChangesFocus(True)
        edit.installEventFilter(self)
        self.add_row(name, label, edit)
        return edit

    def choice(self, name: str, label: str, choices: Sequence[tuple[Any, str]], allow_empty: bool = True) -> QComboBox:
        combo = QComboBox()
        if allow_empty:
            combo.addItem("", None)
        for value, text in choices:
            combo.addItem(text, value)
        combo.activated.connect(lambda _i: self._choice_done(name))
        self.add_row(name, label, combo)
        return combo

    def check(self, name: str, label: str, text: str = "") -> QCheckBox:
        box = QCheckBox(text)
        box.clicked.connect(lambda checked: self._commit(name, bool(checked)))
        self.add_row(name, label, box)
        return box

    def readonly(self, name: str, label: str) -> QLabel:
        shown = QLabel()
        shown.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        shown.setWordWrap(True)
        self.add_row(name, label, shown)
        return shown

    # -- values ----------------------------------------------------------------------------------
    def fill(self, values: dict[str, Any]) -> None:
        """Show stored values (signals blocked: filling is not editing) and clear old messages."""
        self._filling = True
        try:
            for name, value in values.items():
                editor = self.editors.get(name)
                if editor is None:
                    continue
                blocker = QSignalBlocker(editor)
                if isinstance(editor, QLineEdit):
                    editor.setText(shown_text(value))
                    editor.setCursorPosition(0)
                elif isinstance(editor, QPlainTextEdit):
                    editor.setPlainText("" if value is None else str(value))
                elif isinstance(editor, QComboBox):
                    index = editor.findData(value)
                    if index < 0 and value not in (None, ""):
                        editor.addItem(str(value), value)
                        index = editor.count() - 1
                    editor.setCurrentIndex(max(index, 0))
                elif isinstance(editor, QCheckBox):
                    editor.setChecked(bool(value))
                elif isinstance(editor, QLabel):
                    editor.setText(value if isinstance(value, str) else shown_text(value))
                blocker.unblock()
                self._shown[name] = value
        finally:
            self._filling = False
        self.clear_errors()

    def set_enabled(self, enabled: bool, names: Sequence[str] | None = None) -> None:
        for name in names or list(self.editors):
            self.editors[name].setEnabled(enabled)

    def _text_done(self, name: str) -> None:
        editor = self.editors[name]
        assert isinstance(editor, QLineEdit)
        text = editor.text().strip()
        if text == shown_text(self._shown.get(name)):
            return  # left the field without changing it
        self._commit(name, text)

    def _choice_done(self, name: str) -> None:
        editor = self.editors[name]
        assert isinstance(editor, QComboBox)
        value = editor.currentData()
        if value == self._shown.get(name) or (value is None and self._shown.get(name) in (None, "")):
            return
        self._commit(name, value)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if isinstance(watched, QPlainTextEdit) and event.type() == QEvent.Type.FocusOut:
            name = watched.objectName()
            text = watched.toPlainText()
            if text != (self._shown.get(name) or ""):
                self._commit(name, text)
        return False

    def _commit(self, name: str, value: object) -> None:
        if self._filling:
            return
        self.clear_error(name)
        self.committed.emit(name, value)

    def typed(self, name: str) -> object:
        """What the editor of `name` holds now (typed, not necessarily saved); None when not a field here."""
        editor = self.editors.get(name)
        if isinstance(editor, QLineEdit):
            return editor.text()
        if isinstance(editor, QPlainTextEdit):
            return editor.toPlainText()
        if isinstance(editor, QComboBox):
            return editor.currentData()
        if isinstance(editor, QCheckBox):
            return editor.isChecked()
        return None

    def stored(self, name: str) -> object:
        """The stored value the editor of `name` was last filled with."""
        return self._shown.get(name)

    def is_edited(self, name: str) -> bool:
        """Whether the text editor of `name` holds typing not saved yet (choices and boxes save at once)."""
        editor = self.editors.get(name)
        if isinstance(editor, QLineEdit):
            return editor.text().strip() != shown_text(self._shown.get(name))
        if isinstance(editor, QPlainTextEdit):
            return editor.toPlainText() != (self._shown.get(name) or "")
        return False

    def put_back(self, name: str, value: object) -> None:
        """Show `value` in the editor of `name` again without saving it (after the record was reloaded,
        a refused save's typed text stays to apply again: Enter or leaving the field saves it)."""
        editor = self.editors.get(name)
        if editor is None or value is None:
            return
        blocker = QSignalBlocker(editor)
        if isinstance(editor, QLineEdit):
            editor.setText(str(value))
        elif isinstance(editor, QPlainTextEdit):
            editor.setPlainText(str(value))
        elif isinstance(editor, QComboBox):
            editor.setCurrentIndex(max(editor.findData(value), 0))
        elif isinstance(editor, QCheckBox):
            editor.setChecked(bool(value))
        blocker.unblock()

    # -- messages --------------------------------------------------------------------------------
    def show_error(self, field: str | None, message: str) -> bool:
        """Show `message` under the editor of `field`; False when this form has no such field."""
        if field is None or field not in self.errors:
            return False
        label = self.errors[field]
        label.setText(message)
        label.show()
        editor = self.editors[field]
        editor.setProperty("invalid", True)
        editor.setStyleSheet("border: 1px solid #b3261e;" if isinstance(editor, QLineEdit) else "")
        return True

    def clear_error(self, field: str) -> None:
        label = self.errors.get(field)
        if label is not None and label.isVisible():
            label.hide()
            label.setText("")
            self.editors[field].setStyleSheet("")

    def clear_errors(self) -> None:
        for name in self.errors:
            self.clear_error(name)

    def error_text(self, field: str) -> str:
        label = self.errors.get(field)
        return label.text() if label is not None and not label.isHidden() else ""
