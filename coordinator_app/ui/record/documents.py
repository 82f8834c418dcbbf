"""The documents attached to what is selected on a tab (a portfolio item, the Literature Study, a
mentor meeting): attach by the file dialog or by dropping files here or on the item's row, open one
with the system viewer, take one off. Every attach and take-off is on the undo stack."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import Any

from PySide6.QtCore import QEvent, QObject, Qt, QUrl, Signal
from PySide6.QtGui import QDesktopServices, QDragEnterEvent, QDragMoveEvent, QDropEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QTableWidget,
    QVBoxLayout,
    QWidget,
)

from coordinator_app.services import attachments as service
from coordinator_app.services.attachments import Document
from coordinator_app.services.workspace import Workspace
from coordinator_app.ui.changes import Kind
from coordinator_app.ui.forms import error_label
from coordinator_app.ui.record.base import PortfolioTable, RecordContext
from coordinator_app.ui.undo import Created
from coordinator_app.ui.util import day

# What the documents are attached to now: (target, target id, how it is named), or None.
Target = tuple[str, int, str] | None


def _copy_to_open(ws: Workspace, attachment_id: int) -> Path | str:
    """The copy to open, or the one line saying why there is none."""
    from coordinator_app.domain.errors import DomainError

    try:
        return service.open_copy(ws, attachment_id)
    except DomainError as exc:
        return exc.message


def _local_files(event: QDropEvent) -> list[Path]:
    data = event.mimeData()
    if not data.hasUrls():
        return []
    return [Path(url.toLocalFile()) for url in data.urls() if url.isLocalFile()]


class DocumentsBox(QWidget):
    """`opened(path)` when a document was handed to the system viewer (a copy, so that editing it
    there cannot change what was attached)."""

    opened = Signal(object)

    def __init__(self, ctx: RecordContext, target: Callable[[], Target], can_mark_received: bool = True) -> None:
        super().__init__()
        self.ctx = ctx
        self.target = target
        self.documents: list[Document] = []
        self.caption = QLabel()
        self.caption.setObjectName("documentsCaption")
        self.caption.setWordWrap(True)  # a long item name must not widen a half-width tab at 1366
        self.list = QListWidget()
        self.list.setObjectName("documents")
        self.list.setMaximumHeight(80)
        self.list.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.list.itemDoubleClicked.connect(lambda _item: self.open_selected())
        self.attach_button = QPushButton("Attach…")
        self.attach_button.setToolTip("Attach a document (or drop files here, or on the item's row)")
        self.open_button = QPushButton("Open")
        self.remove_button = QPushButton("Take off")
        self.mark = QCheckBox("mark received")
        self.mark.setToolTip("Attaching marks the portfolio item received today, if it is not yet")
        self.mark.setChecked(can_mark_received)
        if not can_mark_received:
            # hide(), never setVisible(True): that shows a widget without a parent yet as a window of its
            # own, which took the keyboard from the main window when the record was made.
            self.mark.hide()
        row = QHBoxLayout()
        for widget in (self.attach_button, self.open_button, self.remove_button, self.mark):
            row.addWidget(widget)
        row.addStretch(1)
        self.error = error_label(self)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.caption)
        layout.addWidget(self.list)
        layout.addLayout(row)
        layout.addWidget(self.error)
        self.attach_button.clicked.connect(self.choose_files)
        self.open_button.clicked.connect(self.open_selected)
        self.remove_button.clicked.connect(self.take_off_selected)
        self.list.itemSelectionChanged.connect(self._buttons)
        self.setAcceptDrops(True)
        self.file_dialog: QFileDialog | None = None
        self._all: tuple[Document, ...] = ()
        self._buttons()

    # -- showing --------------------------------------------------------------------------------------
    def fill(self, documents: tuple[Document, ...]) -> None:
        self._all = documents
        self.refresh()

    def refresh(self) -> None:
        """Show the documents of what is selected now."""
        target = self.target()
        self.documents = [d for d in self._all if target is not None and (d.target, d.target_id) == target[:2]]
        self.list.clear()
        for doc in self.documents:
            item = QListWidgetItem(f"{doc.name}   ({doc.size_text}, {day(doc.attached_at.date())}, {doc.attached_by})")
            item.setData(Qt.ItemDataRole.UserRole, doc.id)
            self.list.addItem(item)
        self.attach_button.setEnabled(target is not None)
        if target is None:
            self.caption.setText("Documents: select an item to see its documents, or drop files on its row")
        else:
            count = f"{len(self.documents)} document{'s' if len(self.documents) != 1 else ''}"
            self.caption.setText(f"Documents of {target[2]}: {count}" + ("" if self.documents else ", drop files here"))
        self.error.hide()
        self._buttons()

    def _buttons(self) -> None:
        chosen = self.selected() is not None
        self.open_button.setEnabled(chosen)
        self.remove_button.setEnabled(chosen)

    def selected(self) -> Document | None:
        row = self.list.currentRow()
        return self.documents[row] if 0 <= row < len(self.documents) and self.list.selectedItems() else None

    def show_error(self, _field: str | None, message: str) -> bool:
        self.error.setText(message)
        self.error.show()
        return True

    def clear_errors(self) -> None:
        self.error.hide()

    # -- attaching ------------------------------------------------------------------------------------
    def choose_files(self) -> None:
        """The file dialog (not blocking: the window keeps painting); its files are attached."""
        target = self.target()
        if target is None:
            return
        dialog = QFileDialog(self, f"Attach documents to {target[2]}")
        dialog.setFileMode(QFileDialog.FileMode.ExistingFiles)
        dialog.setNameFilters(
            ["Documents (*.pdf *.docx *.doc *.odt *.xlsx *.png *.jpg *.jpeg *.eml *.msg)", "All files (*)"]
        )
        dialog.filesSelected.connect(lambda names: self.attach_files([Path(n) for n in names]))
        dialog.finished.connect(lambda _result: setattr(self, "file_dialog", None))
        self.file_dialog = dialog
        dialog.open()

    def attach_files(self, paths: list[Path], target: Target = None) -> None:
        target = target or self.target()
        record = self.ctx.record
        if target is None or record is None:
            return
        ws, sid, mark = self.ctx.ws, record.id, self.mark.isChecked() and target[0] == "portfolio_item"
        for path in paths:
            made = Created(self.ctx.ids, "attachment")  # a redo attaches again, with a new id

            def make_undo(done: service.Attached, made: Created = made) -> Callable[[], Any]:
                attached = made.at(done.attachment_id)

                def undo() -> None:
                    service.undo_attach(ws, replace(done, attachment_id=attached.id))
                    attached.gone(None)

                return undo

            def attach(path: Path = path) -> service.Attached:
                return service.attach(ws, sid, target[0], target[1], path, mark)

            self.ctx.attempt(
                self, "file", f"attach {path.name} to {target[2]}", attach, make_undo, kinds=Kind.PORTFOLIO
            )

    def open_selected(self) -> None:
        """A checked copy (hashing and copying up to 50 MB) is made off the GUI thread, then handed to
        the system viewer."""
        doc = self.selected()
        if doc is None:
            return
        doc_id = doc.id
        self.ctx.session.run(lambda ws: _copy_to_open(ws, doc_id), self._hand_over, f"Opening {doc.name}…")

    def _hand_over(self, outcome: Path | str) -> None:
        if isinstance(outcome, str):  # refused: missing or changed on disk
            self.show_error(None, outcome)
            return
        if not QDesktopServices.openUrl(QUrl.fromLocalFile(str(outcome))):
            self.show_error(None, f"No program here opens {outcome.suffix or 'such'} files; the copy is at {outcome}.")
        self.opened.emit(outcome)

    def take_off_selected(self) -> None:
        doc = self.selected()
        if doc is None:
            return
        ws = self.ctx.ws
        row = self.ctx.ids.remember("attachment", doc.id)
        self.ctx.attempt(
            self,
            "file",
            f"take {doc.name} off",
            lambda: row.gone(service.detach(ws, row.id)),
            lambda gone: lambda: row.moved_to(service.reattach(ws, gone)),
            kinds=Kind.PORTFOLIO,
        )

    # -- drag and drop ----------------------------------------------------------------------------------
    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        if _local_files(event) and self.target() is not None:
            event.acceptProposedAction()

    def dropEvent(self, event: QDropEvent) -> None:
        files = _local_files(event)
        if files:
            event.acceptProposedAction()
            self.attach_files(files)

    def accept_drops_on(self, table: QTableWidget, target_of_row: Callable[[int], Target]) -> None:
        """Files dropped on a row of `table` are attached to that row's item."""
        table.setAcceptDrops(True)
        table.viewport().setAcceptDrops(True)
        table.setDragDropMode(QAbstractItemView.DragDropMode.DropOnly)
        self._drops = _RowDrops(self, table, target_of_row)
        table.viewport().installEventFilter(self._drops)


class _RowDrops(QObject):
    def __init__(self, box: DocumentsBox, table: QTableWidget, target_of_row: Callable[[int], Target]) -> None:
        super().__init__(table)
        self.box, self.table, self.target_of_row = box, table, target_of_row

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() in (QEvent.Type.DragEnter, QEvent.Type.DragMove) and isinstance(event, QDragMoveEvent):
            if _local_files(event):
                event.acceptProposedAction()
                return True
        if event.type() == QEvent.Type.Drop and isinstance(event, QDropEvent):
            row = self.table.rowAt(int(event.position().y()))
            target = self.target_of_row(row) if row >= 0 else None
            files = _local_files(event)
            if target is not None and files:
                event.acceptProposedAction()
                self.table.selectRow(row)
                self.box.attach_files(files, target)
                return True
        return False


def portfolio_documents(
    ctx: RecordContext, portfolio: PortfolioTable, otherwise: Callable[[], Target] | None = None
) -> DocumentsBox:
    """A documents box for the item selected in `portfolio` (else `otherwise`, e.g. the Literature
    Study itself); files dropped on an item's row are attached to that item."""

    def item_target(row: int) -> Target:
        if 0 <= row < len(portfolio.items):
            item = portfolio.items[row]
            return ("portfolio_item", item.id, item.name)
        return None

    def target() -> Target:
        chosen = portfolio.selected_id()
        if chosen is not None:
            item = next(i for i in portfolio.items if i.id == chosen)
            return ("portfolio_item", item.id, item.name)
        return otherwise() if otherwise is not None else None

    box = DocumentsBox(ctx, target)
    portfolio.table.itemSelectionChanged.connect(box.refresh)
    box.accept_drops_on(portfolio.table, item_target)
    return box
