"""The Dashboard tab: how the programme and cohort chosen in the window are doing, in five charts.

EC earned, where students are, specialization places taken (of 20 each), portfolio items overdue
by kind, graduations planned month by month (services/dashboard.py computes the figures). Built
only when the tab is first shown (the window adds an empty page), read off the GUI thread, and
read again when the scope or the data changes while it is shown (or when it is shown next).
Clicking a bar (or Enter on it) shows its students in the student list.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QGridLayout, QLabel, QScrollArea, QVBoxLayout, QWidget

from coordinator_app.ui.dashboard.bar_chart import BarChart, ChartBar

if TYPE_CHECKING:
    from PySide6.QtGui import QShowEvent

    from coordinator_app.services.dashboard import Bar, CohortFigures, Figure
    from coordinator_app.services.workspace import Workspace
    from coordinator_app.ui.changes import Changes
    from coordinator_app.ui.session import WorkspaceSession

ORDER = ("where", "ec", "places", "overdue", "graduations")


class DashboardView(QWidget):
    """`students_wanted(ids, label)`: a bar was clicked; the window narrows the student list to them."""

    students_wanted = Signal(object, str)

    def __init__(self, session: WorkspaceSession, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.figures: CohortFigures | None = None
        self._scope: tuple[str | None, int | None, str] = (None, None, "All programmes, all cohorts")
        self._generation = 0
        self._stale = True
        layout = QVBoxLayout(self)
        self.summary = QLabel("Reading the figures…")
        self.summary.setObjectName("dashboard_summary")
        layout.addWidget(self.summary)
        holder = QWidget()
        grid = QGridLayout(holder)
        grid.setContentsMargins(0, 0, 0, 0)
        self.charts: dict[str, BarChart] = {}
        for n, key in enumerate(ORDER):
            chart = BarChart()
            chart.setObjectName(f"chart_{key}")
            chart.bar_clicked.connect(lambda index, k=key: self._clicked(k, index))
            self.charts[key] = chart
            grid.addWidget(chart, n // 2, n % 2, Qt.AlignmentFlag.AlignTop)
        grid.setRowStretch(len(ORDER) // 2 + 1, 1)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        scroll.setWidget(holder)
        layout.addWidget(scroll, 1)
        session.opened.connect(lambda _ws: self._invalidate())
        session.changed.connect(self._changed)

    # -- when to read ----------------------------------------------------------------------------------
    def set_scope(self, programme: str | None, cohort: int | None, label: str) -> None:
        self._scope = (programme, cohort, label)
        self._invalidate()

    def _changed(self, _changes: Changes) -> None:
        self._invalidate()

    def _invalidate(self) -> None:
        """Read again now if shown, else when next shown (a hidden dashboard costs nothing)."""
        self._stale = True
        if self.isVisible():
            self.refresh()

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if self._stale:
            self.refresh()

    def refresh(self) -> None:
        if self.session.ws is None:
            return
        self._stale = False
        self._generation += 1
        generation = self._generation
        programme, cohort, _label = self._scope
        self.summary.setText("Reading the figures…")

        def load(ws: Workspace) -> CohortFigures:
            from coordinator_app.services.dashboard import Scope, cohort_figures

            return cohort_figures(ws, Scope(programme, cohort))

        def done(figures: CohortFigures) -> None:
            if generation == self._generation:
                self.show_figures(figures)

        self.session.run(load, done, "Reading the dashboard's figures…")

    # -- showing -----------------------------------------------------------------------------------------
    def show_figures(self, figures: CohortFigures) -> None:
        self.figures = figures
        self.summary.setText(
            f"{self._scope[2]}: {figures.students:,} students, as of {figures.as_of:%a %d-%m-%Y}. "
            "Click a bar to show its students in the list."
        )
        for figure in figures.figures:
            chart = self.charts[figure.key]
            chart.set_bars(figure.title, [_chart_bar(b) for b in figure.bars], figure.unit, figure.note)

    def _clicked(self, key: str, index: int) -> None:
        figures = self.figures
        if figures is None:
            return
        figure = figures.figure(key)
        bar = figure.bars[index]
        label = f"{_short(figure)}: {bar.label}"

        def load(ws: Workspace) -> list[int]:
            from coordinator_app.services.dashboard import students_of

            return students_of(ws, figures, bar)

        self.session.run(load, lambda ids: self.students_wanted.emit(ids, label), "Finding the students…")


def _chart_bar(bar: Bar) -> ChartBar:
    return ChartBar(bar.label, bar.count, bar.limit)


def _short(figure: Figure) -> str:
    return {
        "ec": "EC earned",
        "where": "Where",
        "places": "Places",
        "overdue": "Overdue",
        "graduations": "Graduating",
    }.get(figure.key, figure.title)
