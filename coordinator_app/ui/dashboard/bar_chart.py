"""A horizontal bar chart drawn by Qt Charts (PySide6-Addons' QtCharts): a title, a label per bar,
the bar and its number.

Qt Charts was chosen by measure (docs/gui.md, "Dashboard": start-up, bundle, install). A bar may
carry a limit (a specialization's 20 places): it is then drawn stacked, the places taken within the
limit, any taken over it (red), and the places still free as a light track up to the limit; its
label says "17 of 20". The first bar is drawn at the top.

Mouse: hovering a bar names it in a tooltip; a click emits `bar_clicked(index)`. Keyboard: Tab
into the chart, Up/Down choose a bar (shown selected), Enter or Space clicks it.
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCharts import (
    QAbstractBarSeries,
    QBarCategoryAxis,
    QBarSet,
    QChart,
    QChartView,
    QHorizontalBarSeries,
    QHorizontalStackedBarSeries,
    QValueAxis,
)
from PySide6.QtCore import QMargins, QPointF, QRectF, QSize, Qt, Signal
from PySide6.QtGui import QColor, QCursor, QFocusEvent, QFont, QFontMetrics, QKeyEvent, QPainter
from PySide6.QtWidgets import QGraphicsSimpleTextItem, QSizePolicy, QToolTip, QWidget

BAR = QColor("#3b6ea8")
TRACK = QColor("#e8ecf1")
OVER = QColor("#b3261e")
TEXT = QColor("#202124")
MUTED = QColor("#5f6368")
FOCUS = QColor("#f2a900")


@dataclass(frozen=True)
class ChartBar:
    label: str
    value: int
    limit: int | None = None


class BarChart(QChartView):
    bar_clicked = Signal(int)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.title = ""
        self.unit = ""
        self.note = ""
        self.bars: list[ChartBar] = []
        self.current = 0  # the bar the keyboard is on
        self._sets: list[QBarSet] = []
        self._categories: QBarCategoryAxis | None = None
        chart = QChart()
        chart.legend().hide()
        chart.setBackgroundRoundness(0)
        chart.setMargins(QMargins(4, 4, 4, 4))
        title_font = QFont(self.font())
        title_font.setBold(True)
        chart.setTitleFont(title_font)
        chart.setTitleBrush(TEXT)
        self.setChart(chart)
        self._note = QGraphicsSimpleTextItem(chart)  # said instead of bars of nothing
        self._note.setBrush(MUTED)
        self._note.setFont(self.font())
        self._note.hide()
        self.setRenderHint(QPainter.RenderHint.Antialiasing, False)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)

    # -- what it shows ------------------------------------------------------------------------------
    def set_bars(self, title: str, bars: list[ChartBar], unit: str = "", note: str = "") -> None:
        self.title, self.bars, self.unit, self.note = title, list(bars), unit, note
        self.current = min(self.current, max(len(self.bars) - 1, 0))
        self.setAccessibleName(title)
        self.setToolTip(title)
        self.setAccessibleDescription(
            note or "; ".join(f"{b.label}: {b.value}" + (f" of {b.limit}" if b.limit else "") for b in self.bars)
        )
        self._draw()
        self.setFixedHeight(self.sizeHint().height())
        self.updateGeometry()

    def value_text(self, bar: ChartBar) -> str:
        return f"{bar.value:,} of {bar.limit:,}" if bar.limit is not None else f"{bar.value:,}"

    def _only_note(self) -> bool:
        """Nothing to draw but the note ("Nothing overdue."): bars of nothing say less than it does."""
        return bool(self.note) and not any(b.value for b in self.bars)

    def _draw(self) -> None:
        chart = self.chart()
        chart.removeAllSeries()
        for axis in chart.axes():
            chart.removeAxis(axis)
        self._sets = []
        self._categories = None
        chart.setTitle(_escaped(self.title))
        self._note.setText(self.note)
        self._note.setPos(12, QFontMetrics(chart.titleFont()).height() + 16)
        self._note.setVisible(self._only_note() or not self.bars)
        if self._note.isVisible():
            return
        # Qt Charts puts the first category at the bottom: the bars go in bottom-up.
        shown = list(reversed(self.bars))
        limited = any(b.limit is not None for b in self.bars)
        series: QAbstractBarSeries
        if limited:
            series = QHorizontalStackedBarSeries()
            within, over, free = QBarSet("taken"), QBarSet("over"), QBarSet("free")
            for bar in shown:
                limit = bar.limit if bar.limit is not None else bar.value
                within.append(min(bar.value, limit))
                over.append(max(bar.value - limit, 0))
                free.append(max(limit - bar.value, 0))
            for bar_set, colour in ((within, BAR), (over, OVER), (free, TRACK)):
                bar_set.setColor(colour)
                bar_set.setBorderColor(colour)
                series.append(bar_set)
            labels = [(b.label, f" ({self.value_text(b)})") for b in shown]
        else:
            series = QHorizontalBarSeries()
            values = QBarSet(self.unit or "students")
            values.append([b.value for b in shown])
            values.setColor(BAR)
            values.setBorderColor(BAR)
            values.setLabelColor(TEXT)
            series.append(values)
            series.setLabelsVisible(True)
            series.setLabelsPosition(QAbstractBarSeries.LabelsPosition.LabelsOutsideEnd)
            series.setLabelsFormat("@value")
            labels = [(b.label, "") for b in shown]
        series.setBarWidth(0.7)
        for bar_set in series.barSets():
            bar_set.setSelectedColor(FOCUS)
            bar_set.clicked.connect(self._clicked)
            bar_set.hovered.connect(self._hovered)
            self._sets.append(bar_set)
        chart.addSeries(series)
        categories = QBarCategoryAxis()
        self._categories = categories
        categories.append(self._fitting(labels))
        categories.setLabelsColor(TEXT)
        categories.setGridLineVisible(False)
        categories.setTruncateLabels(False)  # the whole label: the axis takes the width it needs
        chart.addAxis(categories, Qt.AlignmentFlag.AlignLeft)
        series.attachAxis(categories)
        scale = max((max(b.value, b.limit or 0) for b in self.bars), default=0) or 1
        axis = QValueAxis()
        # Room after the longest bar for its number.
        axis.setRange(0, scale if limited else scale * 1.18)
        axis.setVisible(False)
        axis.setGridLineVisible(False)
        chart.addAxis(axis, Qt.AlignmentFlag.AlignBottom)
        series.attachAxis(axis)
        self._show_current()

    # -- labels ----------------------------------------------------------------------------------------
    def _label_room(self) -> float:
        """Labels get up to 24 average characters (a 1366-pixel screen's half-column holds that and a bar);
        Qt Charts lays the plot out beside them."""
        return QFontMetrics(self.font()).averageCharWidth() * 24.0

    def _fitting(self, labels: list[tuple[str, str]]) -> list[str]:
        """Each (name, number) label, the name elided when the two are wider than the room for labels
        (its tooltip says it whole). Two labels elided alike get a different number of spaces:
        categories must differ."""
        metrics = QFontMetrics(self.font())
        room = int(self._label_room())
        fitted: list[str] = []
        for name, number in labels:
            text = (
                metrics.elidedText(name, Qt.TextElideMode.ElideRight, room - metrics.horizontalAdvance(number)) + number
            )
            while text in fitted:
                text += " "
            fitted.append(text)
        return fitted

    # -- geometry ---------------------------------------------------------------------------------------
    def _row_height(self) -> int:
        return QFontMetrics(self.font()).height() + 10

    def sizeHint(self) -> QSize:
        title = QFontMetrics(self.chart().titleFont()).height()
        if self._only_note() or not self.bars:
            return QSize(360, 2 * title + 24)
        return QSize(360, title + 28 + len(self.bars) * self._row_height())

    def minimumSizeHint(self) -> QSize:
        return QSize(240, self.sizeHint().height())

    def bar_rect(self, index: int) -> QRectF:
        """Where bar `index` is drawn, in the coordinates of the view's viewport (which takes the mouse)."""
        bar = self.bars[index]
        row = len(self.bars) - 1 - index
        chart = self.chart()
        length = max(bar.value, bar.limit or 0, 0)
        start = self.mapFromScene(chart.mapToScene(chart.mapToPosition(QPointF(0, row - 0.35))))
        end = self.mapFromScene(chart.mapToScene(chart.mapToPosition(QPointF(length, row + 0.35))))
        return QRectF(QPointF(start), QPointF(end)).normalized()

    # -- mouse and keyboard ----------------------------------------------------------------------------
    def _index(self, row: int) -> int:
        return len(self.bars) - 1 - row

    def _tip(self, index: int) -> str:
        bar = self.bars[index]
        unit = self.unit or "students"
        if bar.value == 0:
            return f"{bar.label}: none"
        return f"{bar.label}: {self.value_text(bar)} {unit}. Click to show these students in the list."

    def _hovered(self, inside: bool, row: int) -> None:
        if not inside:
            self.setCursor(Qt.CursorShape.ArrowCursor)
            return
        index = self._index(row)
        clickable = 0 <= index < len(self.bars) and self.bars[index].value > 0
        self.setCursor(Qt.CursorShape.PointingHandCursor if clickable else Qt.CursorShape.ArrowCursor)
        if 0 <= index < len(self.bars):
            QToolTip.showText(QCursor.pos(), self._tip(index), self)

    def _clicked(self, row: int) -> None:
        index = self._index(row)
        self.current = index
        self._show_current()
        self.activate(index)

    def activate(self, index: int) -> None:
        if 0 <= index < len(self.bars) and self.bars[index].value:
            self.bar_clicked.emit(index)

    def _show_current(self) -> None:
        """The bar the keyboard is on, shown selected while the chart has the focus."""
        for bar_set in self._sets:
            bar_set.deselectAllBars()
            if self.hasFocus() and self.bars:
                bar_set.selectBar(self._index(self.current))

    def focusInEvent(self, event: QFocusEvent) -> None:
        super().focusInEvent(event)
        self._show_current()

    def focusOutEvent(self, event: QFocusEvent) -> None:
        super().focusOutEvent(event)
        self._show_current()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        key = event.key()
        if key in (Qt.Key.Key_Down, Qt.Key.Key_Up) and self.bars:
            step = 1 if key == Qt.Key.Key_Down else -1
            self.current = max(0, min(len(self.bars) - 1, self.current + step))
            self._show_current()
            return
        if key in (Qt.Key.Key_Return, Qt.Key.Key_Enter, Qt.Key.Key_Space):
            self.activate(self.current)
            return
        super().keyPressEvent(event)


def _escaped(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
