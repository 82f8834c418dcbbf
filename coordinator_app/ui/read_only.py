"""A window (or one of its dialogs) that may only show: every edit control disabled, and it says why.

Used when the database may only be read: a viewer's login on a server (the Examination Board; the
server refuses their writes anyway) or an SQLite file on a network share. Text fields become
read-only (still selectable, so a student number can be copied) and look it: their background is the
palette's disabled one, as a disabled combo box's, while the text stays readable. Tables stop editing,
and buttons, check boxes, combo boxes and date fields are disabled. Panes enable some buttons again as
a row is chosen; the lock watches each control it disabled and disables it again, so nothing slips back.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt, QTimer
from PySide6.QtGui import QPalette
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractItemView,
    QAbstractSpinBox,
    QApplication,
    QComboBox,
    QLineEdit,
    QPlainTextEdit,
    QScrollBar,
    QTabBar,
    QTextEdit,
    QWidget,
)

# Buttons that only move around (tab bars' scroll arrows, a dialog's Close) stay usable.
KEEP_OBJECT_NAMES = frozenset({"qt_tabwidget_leftbutton", "qt_tabwidget_rightbutton", "keepEnabled"})
LOCKED = "coordinatorReadOnly"
TextField = QLineEdit | QTextEdit | QPlainTextEdit


class ReadOnlyLock(QObject):
    """`lock(root)` makes every edit control under `root` unusable; `unlock()` gives them back."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.reason: str | None = None
        self._roots: list[QWidget] = []
        self._disabled: list[QWidget] = []
        # Each text field made read-only, with the palette it had set of its own (None: it inherited one).
        self._made_read_only: list[tuple[TextField, QPalette | None]] = []
        self._views: list[QAbstractItemView] = []

    @property
    def active(self) -> bool:
        return self.reason is not None

    def lock(self, root: QWidget, reason: str) -> None:
        self.reason = reason
        if root not in self._roots:
            self._roots.append(root)
            root.installEventFilter(self)
        self._apply(root)

    def refresh(self) -> None:
        """Lock what was made under the roots since (a record tab filled, a row added)."""
        if self.active:
            for root in self._roots:
                self._apply(root)

    def unlock(self) -> None:
        self.reason = None
        for widget in self._disabled:
            widget.removeEventFilter(self)
            widget.setProperty(LOCKED, False)
            widget.setEnabled(True)
        for widget, own_palette in self._made_read_only:
            widget.setProperty(LOCKED, False)
            widget.setReadOnly(False)
            widget.setPalette(own_palette if own_palette is not None else QPalette())  # QPalette(): inherit again
        for view in self._views:
            edit_triggers = view.property("coordinatorEditTriggers")
            if edit_triggers is not None:
                view.setEditTriggers(QAbstractItemView.EditTrigger(int(edit_triggers)))
        for root in self._roots:
            root.removeEventFilter(self)
        self._roots, self._disabled, self._made_read_only, self._views = [], [], [], []

    def _apply(self, root: QWidget) -> None:
        for widget in [root, *root.findChildren(QWidget)]:
            if widget.property(LOCKED):
                if widget.isEnabled() and not isinstance(widget, (QLineEdit, QTextEdit, QPlainTextEdit)):
                    widget.setEnabled(False)  # a pane turned it on again while filling
                continue
            if widget.objectName() in KEEP_OBJECT_NAMES:
                continue
            if isinstance(widget, (QLineEdit, QTextEdit, QPlainTextEdit)):
                if not widget.isReadOnly():
                    own = QPalette(widget.palette()) if widget.testAttribute(Qt.WidgetAttribute.WA_SetPalette) else None
                    widget.setReadOnly(True)
                    widget.setProperty(LOCKED, True)
                    widget.setPalette(read_only_palette(widget.palette()))
                    self._made_read_only.append((widget, own))
            elif isinstance(widget, QAbstractItemView):
                if widget.property("coordinatorEditTriggers") is None:
                    widget.setProperty("coordinatorEditTriggers", int(widget.editTriggers().value))
                    self._views.append(widget)
                widget.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
            elif isinstance(widget, (QAbstractButton, QComboBox, QAbstractSpinBox)) and not _navigation(widget):
                widget.setEnabled(False)
                widget.setProperty(LOCKED, True)
                widget.installEventFilter(self)
                self._disabled.append(widget)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if not self.active:
            return False
        kind = event.type()
        if kind == QEvent.Type.EnabledChange and isinstance(watched, QWidget) and watched.isEnabled():
            if watched.property(LOCKED):
                QTimer.singleShot(0, lambda w=watched: self._disable_again(w))
        elif kind == QEvent.Type.ChildAdded and watched in self._roots:
            QTimer.singleShot(0, self.refresh)
        return False

    def _disable_again(self, widget: QWidget) -> None:
        if self.active and widget.property(LOCKED):
            widget.setEnabled(False)


def read_only_palette(palette: QPalette) -> QPalette:
    """`palette` with the background of a disabled field (the one a disabled combo box or date field shows)
    in every state, so a read-only text field looks as unchangeable as they do. The text keeps its colour:
    a viewer reads the record (the disabled grey on grey is hard to read). A palette whose disabled
    background is the normal one gets the window's background instead."""
    changed = QPalette(palette)
    Group, Role = QPalette.ColorGroup, QPalette.ColorRole
    background = palette.brush(Group.Disabled, Role.Base)
    if background.color() == palette.color(Group.Active, Role.Base):
        background = palette.brush(Group.Active, Role.Window)
    for group in (Group.Active, Group.Inactive, Group.Disabled):
        changed.setBrush(group, Role.Base, background)
    return changed


def looks_read_only(widget: QWidget) -> bool:
    """Whether a text field shows a disabled field's background instead of the usual one (tests)."""
    Group, Role = QPalette.ColorGroup, QPalette.ColorRole
    shown = widget.palette().color(Group.Active, Role.Base)
    usual = QApplication.palette(widget).color(Group.Active, Role.Base)
    return shown != usual and shown == widget.palette().color(Group.Disabled, Role.Base)


def _navigation(widget: QWidget) -> bool:
    """Controls that move around rather than edit: a tab bar's arrows, a scroll bar's buttons."""
    parent = widget.parentWidget()
    return isinstance(parent, (QTabBar, QScrollBar))


def editable_controls(root: QWidget) -> list[QWidget]:
    """The controls under `root` a person could still change something with (tests; the lock's promise)."""
    found: list[QWidget] = []
    for widget in root.findChildren(QWidget):
        if isinstance(widget, (QLineEdit, QTextEdit, QPlainTextEdit)):
            if not widget.isReadOnly() and widget.isEnabled():
                found.append(widget)
        elif isinstance(widget, QAbstractItemView):
            if widget.editTriggers() != QAbstractItemView.EditTrigger.NoEditTriggers:
                found.append(widget)
        elif isinstance(widget, (QAbstractButton, QComboBox, QAbstractSpinBox)):
            if widget.isEnabled() and not _navigation(widget) and widget.objectName() not in KEEP_OBJECT_NAMES:
                found.append(widget)
    return found
