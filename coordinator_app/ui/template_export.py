"""File > Export to template: the programme's own workbook (the faculty's), filled.

The coordinator chooses the template once (remembered per programme); its header is read in the
job runner and shown as a table, one row per template column with the app's column to put there
(the saved map, else one proposed from the header names). Filling saves the map next to the
template, for every colleague who uses it, and writes a copy; the template itself is never written.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from coordinator_app.ui.forms import error_label, grow_to_fit, side_by_side
from coordinator_app.ui.settings import settings

if TYPE_CHECKING:
    from coordinator_app.spreadsheets.template import TemplateHeader, TemplateMap
    from coordinator_app.ui.session import WorkspaceSession

NOT_FILLED = "(not filled in)"
ITS_FORMULA = "(the template's own formula)"


def _template_key(programme: str | None) -> str:
    return f"template/{programme or 'all'}"


class TemplateExportDialog(QDialog):
    def __init__(
        self, parent: QWidget | None, session: WorkspaceSession, programme: str | None, cohort: int | None
    ) -> None:
        super().__init__(parent)
        self.session, self.programme, self.cohort = session, programme, cohort
        self.header: TemplateHeader | None = None
        self.mapped: TemplateMap | None = None
        self.saved: Path | None = None
        self.boxes: list[QComboBox] = []
        self.app_headers: list[str] = []
        scope = f"{programme or 'all programmes'}, {f'cohort {cohort}-{cohort + 1}' if cohort else 'all cohorts'}"
        self.setWindowTitle("Export to the programme's template")
        layout = QVBoxLayout(self)
        note = QLabel(
            f"Fills a copy of the faculty's own workbook with {scope}, one row per student, keeping its logo, "
            "colours and formulas. The columns are mapped once and kept next to the template."
        )
        note.setWordWrap(True)
        layout.addWidget(note)
        form = QFormLayout()
        self.template = QLineEdit(str(settings().value(_template_key(programme), "", type=str)))
        choose = QPushButton("Choose…")
        choose.clicked.connect(self._choose_template)
        form.addRow("Template", side_by_side(self.template, choose))
        self.target = QLineEdit()
        save_as = QPushButton("Choose…")
        save_as.clicked.connect(self._choose_target)
        form.addRow("Save as", side_by_side(self.target, save_as))
        layout.addLayout(form)
        self.map_note = QLabel()
        self.map_note.setWordWrap(True)
        layout.addWidget(self.map_note)
        self.table = QTableWidget(0, 3)
        self.table.setHorizontalHeaderLabels(["Column", "Template's header", "Filled with"])
        self.table.verticalHeader().hide()
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.setMinimumHeight(220)
        layout.addWidget(self.table, 1)
        self.status = QLabel()
        self.status.setWordWrap(True)
        layout.addWidget(self.status)
        self.error = error_label(self)
        layout.addWidget(self.error)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Close)
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setText("Fill")
        self.buttons.accepted.connect(self.fill)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)
        self.setMinimumSize(620, 520)
        self.template.editingFinished.connect(self.read_template)
        if self.template.text():
            self.read_template()
        else:
            self._show_map()

    # -- the template and its columns ----------------------------------------------------------------------
    def _choose_template(self) -> None:
        name, _ = QFileDialog.getOpenFileName(
            self, "The programme's template", self.template.text() or str(Path.home()), "Excel workbook (*.xlsx *.xlsm)"
        )
        if name:
            self.template.setText(name)
            self.read_template()

    def _choose_target(self) -> None:
        name, _ = QFileDialog.getSaveFileName(self, "Save the filled workbook", self.target.text(), "Excel (*.xlsx)")
        if name:
            self.target.setText(name if name.lower().endswith((".xlsx", ".xlsm")) else f"{name}.xlsx")

    def template_path(self) -> Path:
        return Path(self.template.text().strip()).expanduser()

    def read_template(self) -> None:
        from coordinator_app.spreadsheets.template import app_headers, map_for_window

        ws = self.session.ws
        path = self.template_path()
        if ws is None or not self.template.text().strip():
            return
        programme = self.programme
        self.error.hide()
        self.session.jobs.run(
            lambda: (map_for_window(ws, path, programme), app_headers(ws, programme)),
            lambda found: self._read(path, *found),
            self._failed,
            label=f"Reading {path.name}…",
            parent_widget=self,
        )

    def _read(self, path: Path, found: tuple[Any, Any, str], headers: list[str]) -> None:
        self.header, self.mapped, note = found
        self.app_headers = headers
        settings().setValue(_template_key(self.programme), str(path))
        if not self.target.text():
            self.target.setText(str(path.with_name(f"{path.stem} {self.programme or 'all'} filled{path.suffix}")))
        self.map_note.setText(f"{note} Sheet '{self.header.sheet}', header on row {self.header.row}.")
        self._show_map()

    def _show_map(self) -> None:
        header, mapped = self.header, self.mapped
        self.table.setRowCount(0)
        self.boxes = []
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setEnabled(header is not None)
        if header is None or mapped is None:
            self.map_note.setText(self.map_note.text() or "Choose the faculty's workbook to see its columns.")
            return
        self.table.setRowCount(len(header.columns))
        for row, (letter, text) in enumerate(header.columns):
            for column, value in ((0, letter), (1, text)):
                item = QTableWidgetItem(value)
                item.setFlags(item.flags() & ~Qt.ItemFlag.ItemIsEditable)
                self.table.setItem(row, column, item)
            box = QComboBox()
            if letter in header.formulas and letter not in mapped.columns:
                box.addItem(ITS_FORMULA, None)
                box.setEnabled(False)
            else:
                box.addItem(NOT_FILLED, None)
                for name in self.app_headers:
                    box.addItem(name, name)
                box.setCurrentIndex(max(0, box.findData(mapped.columns.get(letter))))
            self.table.setCellWidget(row, 2, box)
            self.boxes.append(box)
        self.table.resizeColumnsToContents()

    def chosen_map(self) -> TemplateMap:
        from coordinator_app.spreadsheets.template import TemplateMap

        assert self.header is not None
        columns = {}
        for box, (letter, _text) in zip(self.boxes, self.header.columns):
            chosen = box.currentData()
            if chosen:
                columns[letter] = str(chosen)
        return TemplateMap(self.header.sheet, self.header.row, columns, dict(self.header.columns))

    # -- filling -------------------------------------------------------------------------------------------
    def fill(self) -> None:
        from coordinator_app.spreadsheets.template import fill_template, save_map

        ws = self.session.ws
        if ws is None or self.header is None:
            return
        mapped = self.chosen_map()
        if not mapped.columns:
            self._show_error("Choose at least one column to fill in.")
            return
        template, target = self.template_path(), Path(self.target.text().strip()).expanduser()
        if target.suffix.lower() not in (".xlsx", ".xlsm"):
            target = target.with_name(f"{target.name}.xlsx")
        programme, cohort = self.programme, self.cohort
        code = ws.programmes[programme].code if programme in ws.programmes else None

        def run() -> tuple[Path, int]:
            save_map(template, code, mapped)
            return fill_template(ws, template, target, programme=programme, cohort=cohort, mapped=mapped)

        self.error.hide()
        self.buttons.setEnabled(False)
        self.session.jobs.run(run, self._filled, self._failed, label=f"Filling {target.name}…", parent_widget=self)

    def _filled(self, done: tuple[Path, int]) -> None:
        path, students = done
        self.saved = path
        self.buttons.setEnabled(True)
        self.status.setText(f"Saved {students:,} student{'' if students == 1 else 's'} to {path}.")

    def _show_error(self, text: str) -> None:
        self.status.clear()
        self.error.setText(text)
        self.error.show()
        grow_to_fit(self)

    def _failed(self, exc: BaseException) -> None:
        from coordinator_app.domain.errors import DomainError
        from coordinator_app.services.errors import DatabaseProblem

        self.buttons.setEnabled(True)
        if not isinstance(exc, (DomainError, DatabaseProblem)):
            raise exc
        self._show_error(str(exc))
