"""A horizontal bar chart drawn with QPainter: a title, a label per bar, the bar and its number.

Chosen over Qt Charts and pyqtgraph by measure (docs/gui.md, "Dashboard"): five of these are
painted in a few milliseconds, need no library beyond PySide6-Essentials, and add nothing to the
bundle. A bar may carry a limit (a specialization's 20 places): its track is drawn to the limit
and the number says "17 of 20".

Mouse: hovering a bar names it in a tooltip; a click emits `bar_clicked(index)`. Keyboard: Tab
into the chart, Up/Down choose a bar, Enter or Space clicks it.
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import QPointF, QRectF, QSize, Qt, Signal
from PySide6.QtGui import QColor, QFont, QFontMetricsF, QKeyEvent, QMouseEvent, QPainter, QPaintEvent, QPen
from PySide6.QtWidgets import QSizePolicy, QToolTip, QWidget

BAR = QColor("#3b6ea8")
BAR_HOVER = QColor("#24507f")
TRACK = QColor("#e8ecf1")
OVER = QColor("#b3261e")
TEXT = QColor("#202124")
MUTED = QColor("#5f6368")
FOCUS = QColor("#f2a900")
PADDING = 8.0


@dataclass(frozen=True)
class ChartBar:
    label: str
    value: int
    limit: int | None = None


class BarChart(QWidget):
    bar_clicked = Signal(int)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.title = ""
        self.unit = ""
        self.note = ""
        self.bars: list[ChartBar] = []
        self.hovered: int | None = None
        self.current = 0  # the bar the keyboard is on
        self.setMouseTracking(True)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self._title_font = QFont(self.font())
        self._title_font.setBold(True)

    # -- what it shows ------------------------------------------------------------------------------
    def set_bars(self, title: str, bars: list[ChartBar], unit: str = "", note: str = "") -> None:
        self.title, self.bars, self.unit, self.note = title, list(bars), unit, note
        self.hovered = None
        self.current = min(self.current, max(len(self.bars) - 1, 0))
        self.setAccessibleName(title)
        self.setToolTip(title)
        self.setAccessibleDescription(
            note or "; ".join(f"{b.label}: {b.value}" + (f" of {b.limit}" if b.limit else "") for b in self.bars)
        )
        self.updateGeometry()
        self.update()

    def value_text(self, bar: ChartBar) -> str:
        return f"{bar.value:,} of {bar.limit:,}" if bar.limit is not None else f"{bar.value:,}"

    # -- geometry ---------------------------------------------------------------------------------------
    def _row_height(self) -> float:
        return QFontMetricsF(self.font()).height() + 8

    def _top(self) -> float:
        return QFontMetricsF(self._title_font).height() + 2 * PADDING

    def _only_note(self) -> bool:
        """Nothing to draw but the note ("Nothing overdue."): bars of nothing say less than it does."""
        return bool(self.note) and not any(b.value for b in self.bars)

    def sizeHint(self) -> QSize:
        rows = 1 if self._only_note() else max(len(self.bars), 1)
        return QSize(360, int(self._top() + rows * self._row_height() + PADDING))

    def minimumSizeHint(self) -> QSize:
        return QSize(240, self.sizeHint().height())

    def _label_width(self) -> float:
        metrics = QFontMetricsF(self.font())
        widest = max((metrics.horizontalAdvance(b.label) for b in self.bars), default=0.0)
        return min(widest + PADDING, self.width() * 0.45)

    def _value_width(self) -> float:
        metrics = QFontMetricsF(self.font())
        return max((metrics.horizontalAdvance(self.value_text(b)) for b in self.bars), default=0.0) + PADDING

    def bar_rect(self, index: int) -> QRectF:
        """Where bar `index` is drawn at its full length (the track), in widget coordinates."""
        row = self._row_height()
        left = PADDING + self._label_width()
        right = self.width() - PADDING - self._value_width()
        return QRectF(left, self._top() + index * row + 3, max(right - left, 10.0), row - 6)

    def bar_at(self, point: QPointF) -> int | None:
        row = self._row_height()
        index = int((point.y() - self._top()) // row)
        return index if 0 <= index < len(self.bars) and point.y() >= self._top() else None

    def _scale(self) -> float:
        return float(max((max(b.value, b.limit or 0) for b in self.bars), default=0) or 1)

    # -- painting --------------------------------------------------------------------------------------
    def paintEvent(self, _event: QPaintEvent) -> None:
        p = QPainter(self)
        p.setRenderHint(QPainter.RenderHint.Antialiasing, False)
        p.setFont(self._title_font)
        p.setPen(TEXT)
        title = QFontMetricsF(self._title_font).elidedText(
            self.title, Qt.TextElideMode.ElideRight, self.width() - 2 * PADDING
        )
        p.drawText(QRectF(PADDING, PADDING, self.width() - 2 * PADDING, self._top() - PADDING), title)
        p.setFont(self.font())
        if self._only_note():
            p.setPen(MUTED)
            p.drawText(QRectF(PADDING, self._top(), self.width() - 2 * PADDING, self._row_height()), self.note)
            return
        scale = self._scale()
        label_width = self._label_width()
        metrics = QFontMetricsF(self.font())
        for index, bar in enumerate(self.bars):
            track = self.bar_rect(index)
            row = QRectF(PADDING, track.top() - 3, label_width - PADDING / 2, track.height() + 6)
            p.setPen(TEXT)
            label = metrics.elidedText(bar.label, Qt.TextElideMode.ElideRight, row.width())
            p.drawText(row, int(Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignRight), label)
            if bar.limit is not None:
                p.fillRect(QRectF(track.left(), track.top(), track.width() * bar.limit / scale, track.height()), TRACK)
            length = track.width() * bar.value / scale
            colour = OVER if bar.limit is not None and bar.value > bar.limit else BAR
            p.fillRect(
                QRectF(track.left(), track.top(), length, track.height()),
                BAR_HOVER if index == self.hovered else colour,
            )
            if self.hasFocus() and index == self.current:
                p.setPen(QPen(FOCUS, 2))
                p.drawRect(QRectF(track.left() - 2, track.top() - 2, max(length, 4) + 4, track.height() + 4))
            p.setPen(MUTED if bar.value == 0 else TEXT)
            value = QRectF(track.left() + length + 4, track.top() - 3, self.width(), track.height() + 6)
            p.drawText(value, int(Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignLeft), self.value_text(bar))

    # -- mouse and keyboard ----------------------------------------------------------------------------
    def _tip(self, index: int) -> str:
        bar = self.bars[index]
        unit = self.unit or "students"
        if bar.value == 0:
            return f"{bar.label}: none"
        return f"{bar.label}: {self.value_text(bar)} {unit}. Click to show these students in the list."

    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        index = self.bar_at(event.position())
        if index != self.hovered:
            self.hovered = index
            self.setCursor(
                Qt.CursorShape.PointingHandCursor
                if index is not None and self.bars[index].value
                else Qt.CursorShape.ArrowCursor
            )
            self.update()
        if index is not None:
            QToolTip.showText(event.globalPosition().toPoint(), self._tip(index), self)

    def leaveEvent(self, _event: object) -> None:
        self.hovered = None
        self.update()

    def mousePressEvent(self, event: QMouseEvent) -> None:
        index = self.bar_at(event.position())
        if event.button() == Qt.MouseButton.LeftButton and index is not None:
            self.current = index
            self.activate(index)

    def activate(self, index: int) -> None:
        if 0 <= index < len(self.bars) and self.bars[index].value:
            self.bar_clicked.emit(index)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        key = event.key()
        if key in (Qt.Key.Key_Down, Qt.Key.Key_Up) and self.bars:
            step = 1 if key == Qt.Key.Key_Down else -1
            self.current = max(0, min(len(self.bars) - 1, self.current + step))
            self.update()
            return
        if key in (Qt.Key.Key_Return, Qt.Key.Key_Enter, Qt.Key.Key_Space):
            self.activate(self.current)
            return
        super().keyPressEvent(event)
