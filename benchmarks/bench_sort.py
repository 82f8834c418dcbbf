"""Sorting the student list by a header click, against a bare table's sort, at 1k / 10k / 100k (issue 12).

    .venv/bin/python benchmarks/bench_sort.py [--sizes 1k,10k,100k] [--repeat 3]

App: the window's list (ui/student_model.StudentListModel in a QTableView, 1366x768, a row selected,
sorting enabled), `view.sortByColumn(column, order)` (which asks the model twice in Qt 6) and the
viewport repainted, for every column in both directions. The rows are read from the demo database
of each size and prepared as the loader thread prepares them (keys made there, once). "first" is a
column and direction's first click (its order is made), "again" a click on one sorted before (its
order is kept). Floor, in the same run, a click after each app click: a bare QTableView over a
minimal model of the same display texts, `sorted()` on the column's shown strings (made beforehand,
as the app's keys are), a model reset and the repaint. Target: <= 100 ms at 100,000 for every column.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path
from typing import Any

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.common import AS_OF, demo, machine, sizes, table


def _rows(students: int) -> list[Any]:
    from coordinator_app.services.student_list import student_rows
    from coordinator_app.services.workspace import Workspace

    ws = Workspace.open(demo(students), daily_backup=False)
    try:
        return student_rows(ws, AS_OF)
    finally:
        ws.close()


def measure(students: int, repeat: int) -> list[object]:
    from PySide6.QtCore import QAbstractTableModel, QModelIndex, Qt
    from PySide6.QtWidgets import QApplication, QTableView

    from coordinator_app.ui.list_rows import COLUMNS, prepare_rows
    from coordinator_app.ui.student_model import StudentListModel

    app = QApplication.instance() or QApplication([])
    rows = _rows(students)
    model = StudentListModel()
    view = QTableView()
    view.setModel(model)
    view.resize(1366, 768)
    view.show()
    model.set_rows(prepare_rows(rows, {}))
    view.setSortingEnabled(True)
    view.selectRow(3)
    app.processEvents()

    # The same shown texts for the floor (a whole list makes a row's texts when first shown: made here).
    display = [model.texts(i) for i in range(model.total)]
    by_column = [[d[c] for d in display] for c in range(len(COLUMNS))]

    class Bare(QAbstractTableModel):
        def __init__(self) -> None:
            super().__init__()
            self.order = list(range(len(display)))

        def rowCount(self, parent: Any = QModelIndex()) -> int:
            return 0 if parent.isValid() else len(self.order)

        def columnCount(self, parent: Any = QModelIndex()) -> int:
            return 0 if parent.isValid() else len(COLUMNS)

        def data(self, index: Any, role: int = Qt.ItemDataRole.DisplayRole) -> object:
            if role == Qt.ItemDataRole.DisplayRole:
                return display[self.order[index.row()]][index.column()]
            return None

    bare = Bare()
    bare_view = QTableView()
    bare_view.setModel(bare)
    bare_view.resize(1366, 768)
    bare_view.show()
    app.processEvents()

    def app_click(column: int, order: Qt.SortOrder) -> float:
        started = time.perf_counter()
        view.sortByColumn(column, order)
        view.viewport().repaint()
        return (time.perf_counter() - started) * 1000

    def floor_click(column: int, order: Qt.SortOrder) -> float:
        started = time.perf_counter()
        keys = by_column[column]
        new = sorted(range(len(keys)), key=keys.__getitem__, reverse=order == Qt.SortOrder.DescendingOrder)
        bare.beginResetModel()
        bare.order = new
        bare.endResetModel()
        bare_view.viewport().repaint()
        return (time.perf_counter() - started) * 1000

    first: list[float] = []
    again: list[float] = []
    floor: list[float] = []
    clicks = [(c, o) for c in range(len(COLUMNS)) for o in (Qt.SortOrder.DescendingOrder, Qt.SortOrder.AscendingOrder)]
    for round_ in range(1 + repeat):
        for column, order in clicks:
            (first if round_ == 0 else again).append(app_click(column, order))
            floor.append(floor_click(column, order))
    view.close()
    bare_view.close()
    floor_median = statistics.median(floor)
    return [
        f"{students:,}",
        f"{statistics.median(first):.1f} ms (max {max(first):.0f})",
        f"{statistics.median(again):.1f} ms (max {max(again):.0f})",
        f"{floor_median:.1f} ms (max {max(floor):.0f})",
        f"**{statistics.median(first) / floor_median:.2f}x** / {statistics.median(again) / floor_median:.2f}x",
        "<= 100 ms",
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1k,10k,100k")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    print(machine())
    rows = [measure(n, args.repeat) for n in sizes(args.sizes)]
    print(f"a header click, every column both ways (22 clicks), then {args.repeat} more rounds; medians")
    print(
        table(
            ("students", "app, first click", "app, again", "floor (bare sort+reset+repaint)", "ratio", "target"),
            rows,
        )
    )
    print(machine())


if __name__ == "__main__":
    main()
