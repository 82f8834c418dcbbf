"""A PM student's ranking of the specializations (first, second, third choice) on the Overview, and
why the last allocation gave them what it did. Each change is one step on the undo stack."""

from __future__ import annotations

from PySide6.QtWidgets import QComboBox, QGridLayout, QLabel, QVBoxLayout, QWidget

from coordinator_app.services.allocation import set_preferences
from coordinator_app.services.record_view import StudentRecord
from coordinator_app.ui.changes import Kind
from coordinator_app.ui.forms import error_label
from coordinator_app.ui.record.base import RecordContext

CHOICES = ("1st", "2nd", "3rd")


class PreferencesBox(QWidget):
    def __init__(self, ctx: RecordContext) -> None:
        super().__init__()
        self.ctx = ctx
        self.names: dict[str, str] = {}
        # One choice a line: three side by side cut the specializations' names at 1366 pixels.
        row = QGridLayout()
        row.setContentsMargins(0, 0, 0, 0)
        row.setColumnStretch(1, 1)
        self.combos: list[QComboBox] = []
        for n, word in enumerate(CHOICES):
            combo = QComboBox()
            combo.setObjectName(f"preference{n + 1}")
            combo.setAccessibleName(f"{word} choice")
            combo.setToolTip(f"The student's {word} choice of specialization")
            combo.activated.connect(lambda _i: self._changed())
            row.addWidget(QLabel(word), n, 0)
            row.addWidget(combo, n, 1)
            self.combos.append(combo)
        self.error = error_label(self)
        self.explanation = QLabel()
        self.explanation.setObjectName("allocationExplanation")
        self.explanation.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(row)
        layout.addWidget(self.error)
        layout.addWidget(self.explanation)
        self._shown: tuple[str, ...] = ()

    def fill(self, record: StudentRecord) -> None:
        specs = record.programme.specializations
        self.names = {sp.key: sp.name for sp in specs}
        for n, combo in enumerate(self.combos):
            combo.blockSignals(True)
            combo.clear()
            combo.addItem(f"({CHOICES[n]} choice)", None)
            for sp in specs:
                combo.addItem(sp.name, sp.key)
            wanted = record.preferences[n] if n < len(record.preferences) else None
            combo.setCurrentIndex(max(combo.findData(wanted), 0))
            combo.blockSignals(False)
        self._shown = record.preferences
        self.error.hide()
        self.explanation.setText(f"Allocation: {record.allocation}" if record.allocation else "")
        self.explanation.setVisible(bool(record.allocation))

    def chosen(self) -> tuple[str, ...]:
        return tuple(c.currentData() for c in self.combos if c.currentData())

    def _changed(self) -> None:
        record, ranked = self.ctx.record, self.chosen()
        if record is None or ranked == self._shown:
            return
        ws, sid = self.ctx.ws, record.id
        said = ", ".join(self.names.get(k, k) for k in ranked) or "none"
        self.ctx.attempt(
            self,
            "preferences",
            f"change specialization preferences to {said}",
            lambda: set_preferences(ws, sid, ranked),
            lambda before: lambda: set_preferences(ws, sid, before),
            kinds=Kind.STUDENT,
        )

    # -- what ctx.attempt needs to show a refusal ----------------------------------------------------------
    def show_error(self, _field: str | None, message: str) -> bool:
        self.error.setText(message)
        self.error.show()
        return True

    def clear_errors(self) -> None:
        self.error.hide()
