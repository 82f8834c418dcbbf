"""What every record tab shares: the context it edits through, and small building blocks."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import TYPE_CHECKING, Any, Protocol

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QFrame,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLayout,
    QLineEdit,
    QPushButton,
    QScrollArea,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from coordinator_app.domain.attention import Urgency
from coordinator_app.ui.changes import Kind
from coordinator_app.ui.forms import DATE_HINT, FieldForm, error_label, fit_width
from coordinator_app.ui.util import (
    DONE_BACKGROUND,
    DUE_SOON_BACKGROUND,
    LATER_COLOUR,
    OVERDUE_BACKGROUND,
    day,
)

if TYPE_CHECKING:
    from coordinator_app.domain.programme import Programme
    from coordinator_app.services.record_view import Item, StudentRecord
    from coordinator_app.services.workspace import Workspace
    from coordinator_app.ui.session import WorkspaceSession
    from coordinator_app.ui.undo import IdBook

# What an edit did, in the coordinator's words; a function of the service's result for what only it knows.
Label = str | Callable[[Any], str]


class ShowsErrors(Protocol):
    """Where a refused edit's message goes: a FieldForm (next to the field), or a table's own message line."""

    def show_error(self, field: str | None, message: str) -> bool: ...

    def clear_errors(self) -> None: ...


class RecordContext(Protocol):
    """What a tab needs from the record view (ui/record/view.py RecordView)."""

    @property
    def ws(self) -> Workspace: ...

    record: StudentRecord | None
    ids: IdBook
    session: WorkspaceSession

    def attempt(
        self,
        form: ShowsErrors | None,
        field: str | None,
        label: Label,
        do: Callable[[], Any],
        make_undo: Callable[[Any], Callable[[], Any] | None] | None = None,
        *,
        kinds: Kind,
    ) -> bool: ...

    def message(self, text: str, error: bool = False) -> None: ...

    def show_deadlines(self) -> None: ...

    def make_certificate(self) -> None: ...


class RecordPage(QWidget):
    """One tab of the record. `key` matches AttentionItem.tab."""

    key = ""
    title = ""

    def __init__(self, ctx: RecordContext) -> None:
        super().__init__()
        self.ctx = ctx

    def applies(self, programme: Programme) -> bool:
        return True

    def show_part(self, part: str) -> None:
        """Bring a part of this tab into view (the Internships tab: "minor" or "major"); most tabs are one part."""

    def fill(self, record: StudentRecord) -> None:
        raise NotImplementedError


def scrolling(inner: QWidget) -> QScrollArea:
    area = QScrollArea()
    area.setWidgetResizable(True)
    area.setFrameShape(QFrame.Shape.NoFrame)
    area.setWidget(inner)
    return area


def group(title: str, layout: QLayout) -> QGroupBox:
    box = QGroupBox(title)
    box.setLayout(layout)
    return box


def hint(text: str = "") -> QLabel:
    label = QLabel(text)
    label.setWordWrap(True)
    label.setStyleSheet(f"color: {LATER_COLOUR};")
    return label


def said(value: object) -> str:
    """A typed or chosen value as the Edit menu names it ("Undo change host of ... to AMC")."""
    if isinstance(value, bool):
        return "yes" if value else "no"
    text = " ".join(str(value if value is not None else "").split())
    if not text:
        return "empty"
    return text if len(text) <= 40 else text[:39] + "…"


def said_in(form: FieldForm, field: str, value: object) -> str:
    """`said(value)`, but a choice as its list shows it (the specialization's name, not its key)."""
    editor = form.editors.get(field)
    if isinstance(editor, QComboBox) and editor.currentData() == value and editor.currentText():
        return said(editor.currentText())
    return said(value)


URGENCY_TEXT = {u: u.label for u in Urgency}  # the domain's words, as the export says them
URGENCY_BACKGROUND = {
    Urgency.DONE: DONE_BACKGROUND,
    Urgency.OVERDUE: OVERDUE_BACKGROUND,
    Urgency.DUE_SOON: DUE_SOON_BACKGROUND,
}


def approval_date_first(old: dict[str, Any]) -> dict[str, Any]:
    """Old values for an undo, the approval date before the status: the service sees a consistent pair."""
    return dict(sorted(old.items(), key=lambda kv: kv[0] != "approval_date"))


def counted(number: int, singular: str, plural: str | None = None) -> str:
    """'1 blocker', '2 blockers': a count with its noun in the right number, never 'blocker(s)'."""
    return f"{number:,} {singular if number == 1 else plural or singular + 's'}"


def table(headers: list[str]) -> QTableWidget:
    widget = QTableWidget(0, len(headers))
    widget.setHorizontalHeaderLabels(headers)
    widget.verticalHeader().hide()
    widget.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    widget.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    widget.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    widget.setAlternatingRowColors(True)
    header = widget.horizontalHeader()
    header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    header.setStretchLastSection(True)
    return widget


def cell(text: str, data: object = None, background: str | None = None) -> QTableWidgetItem:
    item = QTableWidgetItem(text)
    if data is not None:
        item.setData(Qt.ItemDataRole.UserRole, data)
    if background:
        item.setBackground(QBrush(QColor(background)))
        item.setForeground(QBrush(QColor("#202124")))
    return item


class PortfolioTable(QWidget):
    """Portfolio items with due and received dates and a colour status; mark one received."""

    received = Signal(int, object)  # item id, date or None (clear)

    def __init__(self, ctx: RecordContext) -> None:
        super().__init__()
        self.ctx = ctx
        self.items: tuple[Item, ...] = ()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        # Every item on one line and every row in view: a portfolio has at most ten items, so the
        # table is as tall as its rows (no scrolling inside a scrolling tab) and as wide as its
        # longest item name; wrapped two-line names showed six of eight rows at 1366x768.
        self.table = table(["Item", "Due", "Received", "Status"])
        self.table.setWordWrap(False)
        self.table.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        self.table.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 8)
        self.table.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        header = self.table.horizontalHeader()
        header.setStretchLastSection(False)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        layout.addWidget(self.table)
        self._fit([])
        row = QHBoxLayout()
        row.addWidget(QLabel("Received"))
        self.date = QLineEdit()
        self.date.setPlaceholderText(DATE_HINT)
        fit_width(self.date, DATE_HINT)
        self.date.setObjectName("received_date")
        row.addWidget(self.date)
        self.mark_button = QPushButton("Mark received")
        self.clear_button = QPushButton("Clear")  # short: the row must fit half a 1366-pixel record pane
        self.clear_button.setToolTip("Clear the received date of the selected item (it is open again)")
        row.addWidget(self.mark_button)
        row.addWidget(self.clear_button)
        row.addStretch(1)
        layout.addLayout(row)
        self.error = error_label(self)
        layout.addWidget(self.error)
        self.mark_button.clicked.connect(self._mark)
        self.clear_button.clicked.connect(self._clear)
        self.table.itemSelectionChanged.connect(self._selection_changed)

    def fill(self, items: tuple[Item, ...], as_of: date) -> None:
        selected = self.selected_id()
        self.items = items
        self.table.setRowCount(len(items))
        for r, item in enumerate(items):
            colour = URGENCY_BACKGROUND.get(item.urgency)
            name = cell(item.name, item.id, colour)
            name.setToolTip(item.name)
            self.table.setItem(r, 0, name)
            self.table.setItem(r, 1, cell(day(item.due), None, colour))
            self.table.setItem(r, 2, cell(day(item.received), None, colour))
            self.table.setItem(r, 3, cell(URGENCY_TEXT[item.urgency], None, colour))
        if not self.date.text():
            self.date.setText(day(as_of))
        self.error.hide()
        self._fit([item.name for item in items])
        self.select(selected)
        self._selection_changed()

    def _fit(self, names: list[str]) -> None:
        """Tall enough for every row (two empty ones when there are none), wide enough for the
        longest name beside the dates and the status."""
        rows = max(len(names), 2)
        frame = 2 * self.table.frameWidth()
        self.table.setFixedHeight(
            self.table.horizontalHeader().sizeHint().height()
            + rows * self.table.verticalHeader().defaultSectionSize()
            + frame
        )
        metrics = self.table.fontMetrics()
        others = sum(metrics.horizontalAdvance(sample) + 16 for sample in ("24-11-2025", "24-11-2025", "not due yet"))
        longest = max((metrics.horizontalAdvance(name) for name in names), default=0)
        self.table.setMinimumWidth(longest + 16 + others + frame)

    def selected_id(self) -> int | None:
        row = self.table.currentRow()
        if 0 <= row < len(self.items) and self.table.selectionModel().hasSelection():
            return self.items[row].id
        return None

    def select(self, item_id: int | None = None, kind: str | None = None) -> bool:
        for r, item in enumerate(self.items):
            if (item_id is not None and item.id == item_id) or (kind is not None and item.kind == kind):
                self.table.selectRow(r)
                return True
        return False

    def _selection_changed(self) -> None:
        has = self.selected_id() is not None
        self.mark_button.setEnabled(has)
        self.clear_button.setEnabled(has)

    def show_error(self, message: str) -> None:
        self.error.setText(message)
        self.error.show()

    def _mark(self) -> None:
        item_id = self.selected_id()
        if item_id is None:
            return
        from coordinator_app.domain.errors import DomainError
        from coordinator_app.domain.people import parse_date

        try:
            when = parse_date(self.date.text(), "received_date")
        except DomainError as exc:
            self.show_error(exc.message)
            return
        self.error.hide()
        self.received.emit(item_id, when)

    def _clear(self) -> None:
        item_id = self.selected_id()
        if item_id is not None:
            self.error.hide()
            self.received.emit(item_id, None)


def mark_received(ctx: RecordContext, portfolio: PortfolioTable, item_id: int, when: date | None) -> None:
    """The one way every tab marks a portfolio item received (undo puts the old date back).

    The item is found again by its student, component and kind each time: undoing the first field
    of an internship removes its items and a redo makes new ones (with new ids)."""
    from coordinator_app.services.portfolio import find_item
    from coordinator_app.services.portfolio import mark_received as service

    ws, record = ctx.ws, ctx.record
    item = next((i for i in portfolio.items if i.id == item_id), None)
    if record is None or item is None:
        return
    sid, component, kind, name = record.id, item.component, item.kind, item.name

    def mark(received: date | None) -> date | None:
        return service(ws, find_item(ws, sid, component, kind), received)

    def undo(previous: date | None) -> Callable[[], Any] | None:
        return None if previous == when else lambda: mark(previous)  # the same date again: nothing to undo

    class _Errors:
        """Send a refused date to the message under the table."""

        def show_error(self, _field: str | None, message: str) -> bool:
            portfolio.show_error(message)
            return True

        def clear_errors(self) -> None:
            portfolio.error.hide()

    label = f"mark {name} received on {day(when)}" if when else f"clear the received date of {name}"
    ctx.attempt(_Errors(), "received_date", label, lambda: mark(when), undo, kinds=Kind.PORTFOLIO)


def added_people(old: dict[str, Any] | None) -> list[int]:
    """The people an edit added to the register on the fly (its undo takes them out again)."""
    return [v for k, v in (old or {}).items() if k.endswith("_added") and k != "host_added" and v is not None]


def added_host(old: dict[str, Any] | None) -> int | None:
    """The host an edit added to the register on the fly (its undo takes it out again)."""
    value = (old or {}).get("host_added")
    return int(value) if value is not None else None
