"""The student list's columns: which show by default, how wide, and the chooser for the rest.

At 1366x768 the list has ~530 pixels. Eleven columns at readable widths need twice that, so
the list shows what a coordinator scans every day (number, name, programme, cohort, status,
EC, overdue) sized to their text in the window's own font, the name column taking what is
left (a longer name is cut, whole in its tooltip); e-mail, specialization, internship and
graduation are one right-click on the header (or View > Columns) away. What the coordinator
chooses is kept with the window's state.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QHeaderView, QMenu, QTableView, QWidget

from coordinator_app.ui.list_rows import (
    COHORT,
    COLUMNS,
    EC,
    EMAIL,
    GRADUATION,
    NAME,
    NUMBER,
    OVERDUE,
    PROGRAMME,
    SPECIALIZATION,
    STAGE,
    STATUS,
)

SHOWN_BY_DEFAULT = (NUMBER, NAME, PROGRAMME, COHORT, STATUS, EC, OVERDUE)
ALWAYS_SHOWN = (NUMBER, NAME)
# The widest value a column usually holds (measured in the list's font, not guessed in pixels).
SAMPLES = {
    NUMBER: "s3100184",
    NAME: "Andersson, Maximilian",
    EMAIL: "maximilian.vandenberg@student.rug.nl",
    PROGRAMME: "IMIM",
    COHORT: "2024-2025",
    STATUS: "graduated",
    SPECIALIZATION: "Personalized Oncology",
    STAGE: "major planned",
    EC: "120",
    GRADUATION: "Sep 2026",
    OVERDUE: "12",
}
CELL_PADDING = 8  # the cell's margins and the grid line
HEADER_PADDING = 10  # the header section's margins
NAME_FLOOR = 110  # the name column gives way down to this for another column's sort arrow


class ListColumns:
    """Widths, visibility and the column chooser of the student list's header."""

    def __init__(self, view: QTableView) -> None:
        self.view = view
        self.header = view.horizontalHeader()
        self._fitting = False
        # Until the coordinator drags a column, the name column keeps filling the list as the window
        # or the splitter changes size; their own widths are theirs (and saved).
        self.following = True

    def text_width(self, column: int) -> int:
        cells = self.view.fontMetrics().horizontalAdvance(SAMPLES[column]) + CELL_PADDING
        title = self.header.fontMetrics().horizontalAdvance(COLUMNS[column]) + HEADER_PADDING
        return max(cells, title)

    def sorted_width(self, column: int) -> int:
        """Wide enough for the title and the sort arrow beside it."""
        return max(self.text_width(column), self.header.sectionSizeFromContents(column).width())

    def set_defaults(self) -> None:
        """Every column as wide as its text; only the everyday ones shown."""
        self._fitting = True
        try:
            self._set_defaults()
        finally:
            self._fitting = False
        self.following = True

    def _set_defaults(self) -> None:
        for column in range(len(COLUMNS)):
            self.header.resizeSection(column, self.text_width(column))
            self.header.setSectionHidden(column, column not in SHOWN_BY_DEFAULT)
        sorted_column = self.header.sortIndicatorSection()
        if 0 <= sorted_column < len(COLUMNS):
            self.header.resizeSection(sorted_column, self.sorted_width(sorted_column))

    def fit(self) -> None:
        """The name column takes the width the others leave (never less than a long name needs),
        so the shown columns fill the list without a sideways scroll bar."""
        others = sum(
            self.header.sectionSize(c) for c in range(len(COLUMNS)) if c != NAME and not self.header.isSectionHidden(c)
        )
        # The vertical scroll bar is counted even before a long list has made it appear.
        inside = self.view.width() - 2 * self.view.frameWidth() - self.view.verticalScrollBar().sizeHint().width()
        room = inside - others
        self._fitting = True
        try:
            self.header.resizeSection(NAME, max(room, self.text_width(NAME)))
        finally:
            self._fitting = False

    def sort_changed(self, column: int) -> None:
        """The sorted column gets room for its arrow, from the name column while that has room to spare."""
        need = self.sorted_width(column) - self.header.sectionSize(column)
        if need <= 0 or column == NAME:
            return
        self._fitting = True
        try:
            self.header.resizeSection(column, self.header.sectionSize(column) + need)
            spare = self.header.sectionSize(NAME) - NAME_FLOOR
            if spare > 0:
                self.header.resizeSection(NAME, self.header.sectionSize(NAME) - min(spare, need))
        finally:
            self._fitting = False

    # -- the chooser -------------------------------------------------------------------------------
    def menu(self, parent: QWidget | None = None) -> QMenu:
        """A tick per column (number and name always shown) and a way back to the defaults."""
        menu = QMenu("&Columns", parent)
        menu.aboutToShow.connect(lambda: self._fill(menu))
        self._fill(menu)
        return menu

    def _fill(self, menu: QMenu) -> None:
        menu.clear()
        for column, title in enumerate(COLUMNS):
            action = QAction(title, menu)
            action.setCheckable(True)
            action.setChecked(not self.header.isSectionHidden(column))
            action.setEnabled(column not in ALWAYS_SHOWN)
            action.toggled.connect(lambda on, c=column: self.show_column(c, on))
            menu.addAction(action)
        menu.addSeparator()
        reset = QAction("Show the usual columns", menu)
        reset.triggered.connect(self.reset)
        menu.addAction(reset)

    def show_column(self, column: int, shown: bool) -> None:
        if column in ALWAYS_SHOWN:
            return
        self._fitting = True
        try:
            self.header.setSectionHidden(column, not shown)
            if shown and self.header.sectionSize(column) < self.text_width(column):
                self.header.resizeSection(column, self.text_width(column))
        finally:
            self._fitting = False
        if self.following:
            self.fit()

    def reset(self) -> None:
        self.set_defaults()
        self.fit()

    def _resized_by_hand(self, *_args: object) -> None:
        if not self._fitting:
            self.following = False

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Resize and self.following:
            self.fit()
        return False

    def install(self) -> None:
        """Right-click on the header opens the chooser; the name column follows the list's width."""
        from PySide6.QtCore import Qt

        self.header.sectionResized.connect(self._resized_by_hand)
        self._filter = _Forward(self)
        self.view.installEventFilter(self._filter)
        self.header.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        chooser = self.menu(self.view)  # one menu, refilled each time it opens
        self.header.customContextMenuRequested.connect(lambda pos: chooser.exec(self.header.mapToGlobal(pos)))
        self.header.sortIndicatorChanged.connect(lambda column, _order: self.sort_changed(column))
        self.header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)


class _Forward(QObject):
    """Hands the list's resize events to ListColumns (which is not a QObject itself)."""

    def __init__(self, columns: ListColumns) -> None:
        super().__init__(columns.view)
        self.columns = columns

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        return self.columns.eventFilter(watched, event)
