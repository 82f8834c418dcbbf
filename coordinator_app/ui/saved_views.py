"""Saved views of the student list: its filters, search text and sort under a name the coordinator
gives ("Minor internship starting this month", "IMIM year 2"), brought back from View > Saved views
and remembered across sessions (ui/settings.py, per user)."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QInputDialog, QMenu, QMessageBox

from coordinator_app.ui import settings as saved

if TYPE_CHECKING:
    from PySide6.QtWidgets import QComboBox, QMainWindow

    from coordinator_app.ui.list_pane import StudentListPane

BOXES = ("programme_box", "cohort_box", "spec_box", "stage_box", "grad_box", "status_box")


def _plain(value: object) -> object:
    return list(value) if isinstance(value, tuple) else value


def _choose(box: QComboBox, value: object) -> bool:
    """Choose `value` in the box; False (and "any") when the box does not hold it now."""
    wanted = tuple(value) if isinstance(value, list) else value
    index = box.findData(wanted)
    box.setCurrentIndex(max(index, 0))
    return index >= 0 or wanted is None


class SavedViews:
    def __init__(self, window: QMainWindow, students: StudentListPane) -> None:
        self.window, self.students = window, students
        self.menu = QMenu("Saved &views", window)
        self.menu.aboutToShow.connect(self._fill)

    # -- what a view is ---------------------------------------------------------------------------------------
    def current(self) -> dict[str, Any]:
        pane = self.students
        header = pane.view.horizontalHeader()
        view: dict[str, Any] = {
            "search": pane.search.text(),
            "sort": [header.sortIndicatorSection(), header.sortIndicatorOrder().value],
        }
        if pane.has_filters:
            view["overdue_only"] = pane.overdue_only.isChecked()
            for name in BOXES:
                view[name] = _plain(getattr(pane, name).currentData())
        return view

    def save(self, name: str) -> None:
        name = " ".join(name.split())
        views = saved.saved_views()
        views[name] = json.dumps(self.current())
        saved.set_saved_views(views)

    def names(self) -> list[str]:
        return list(saved.saved_views())

    def apply(self, name: str) -> list[str]:
        """Bring the view back; returns the choices it names that this database does not hold now."""
        view = json.loads(saved.saved_views()[name])
        pane = self.students
        missing = []
        if pane.has_filters:
            blocked = pane.overdue_only.blockSignals(True)
            pane.overdue_only.setChecked(bool(view.get("overdue_only")))
            pane.overdue_only.blockSignals(blocked)
            for box_name in BOXES:
                if not _choose(getattr(pane, box_name), view.get(box_name)):
                    missing.append(str(view.get(box_name)))
        pane.refilter()
        pane.search.setText(view.get("search", ""))
        column, order = view.get("sort", [1, 0])
        pane.view.sortByColumn(int(column), Qt.SortOrder(int(order)))
        return missing

    def delete(self, name: str) -> None:
        views = saved.saved_views()
        views.pop(name, None)
        saved.set_saved_views(views)

    # -- the menu ------------------------------------------------------------------------------------------------
    def _fill(self) -> None:
        self.menu.clear()
        self.menu.addAction("&Save the current view…").triggered.connect(lambda _c=False: self.ask_name())
        names = self.names()
        if names:
            self.menu.addSeparator()
            for name in names:
                self.menu.addAction(name.replace("&", "&&")).triggered.connect(
                    lambda _c=False, n=name: self._bring_back(n)
                )
            self.menu.addSeparator()
            delete = self.menu.addMenu("&Delete a view")
            for name in names:
                delete.addAction(name.replace("&", "&&")).triggered.connect(lambda _c=False, n=name: self.delete(n))

    def ask_name(self) -> None:
        name, ok = QInputDialog.getText(
            self.window, "Save the current view", "Name (the filters, search and sort of the student list):"
        )
        if ok and name.strip():
            if " ".join(name.split()) in self.names():
                answer = QMessageBox.question(self.window, "Save the current view", f"Replace the view '{name}'?")
                if answer != QMessageBox.StandardButton.Yes:
                    return
            self.save(name)
            self.window.statusBar().showMessage(
                f"Saved the view '{' '.join(name.split())}' (View > Saved views).", 8000
            )

    def _bring_back(self, name: str) -> None:
        missing = self.apply(name)
        note = f" ({', '.join(missing)} not in this database: showing all instead)" if missing else ""
        self.window.statusBar().showMessage(f"View '{name}'{note}.", 8000)
