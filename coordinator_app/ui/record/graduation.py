"""Graduation: planned month, computed date and deadline, readiness with every blocker, ceremony."""

from __future__ import annotations

import html
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QListView,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from coordinator_app.services import graduation as service
from coordinator_app.services.record_view import GraduationView, StudentRecord
from coordinator_app.ui.changes import Kind
from coordinator_app.ui.forms import FieldForm
from coordinator_app.ui.record.base import RecordContext, RecordPage, counted, group, hint, scrolling
from coordinator_app.ui.util import DONE_COLOUR, MONTHS, OVERDUE_COLOUR, day, long_month


def _deadline_text(g: GraduationView) -> str:
    """The planned month's deadline and where it comes from (entered, the programme's schedule, or
    the computed default), so a default is never taken for the programme's word."""
    if g.deadline is None or g.schedule is None:
        return ""
    return f"{day(g.deadline)}  ({g.schedule.source.value})"


class GraduationPage(RecordPage):
    key = "graduation"
    title = "Graduation"

    def __init__(self, ctx: RecordContext) -> None:
        super().__init__(ctx)
        inner = QWidget()
        layout = QHBoxLayout(inner)
        self.form = FieldForm(self, QFormLayout())
        month_row = QWidget()
        row = QHBoxLayout(month_row)
        row.setContentsMargins(0, 0, 0, 0)
        self.month = QComboBox()
        for number, name in enumerate(MONTHS, start=1):
            self.month.addItem(name, number)
        self.year = QSpinBox()
        self.year.setRange(1990, 2100)
        self.plan_button = QPushButton("Plan")
        row.addWidget(self.month)
        row.addWidget(self.year)
        row.addWidget(self.plan_button)
        row.addStretch(1)
        self.form.add_row("month", "Planned month", month_row)
        self.form.errors["year"] = self.form.errors["month"]
        self.form.editors["year"] = self.year
        self.form.readonly("graduation_date", "Graduation date")
        deadline_row = QWidget()
        row = QHBoxLayout(deadline_row)
        row.setContentsMargins(0, 0, 0, 0)
        self.deadline = QLabel()
        self.deadline.setObjectName("deadline")
        self.deadline.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.schedule_button = QPushButton("Schedule…")
        self.schedule_button.setToolTip(
            "The programme's deadline per graduation month: enter or change one (Edit > Graduation deadlines)"
        )
        self.schedule_button.clicked.connect(lambda: self.ctx.show_deadlines())
        row.addWidget(self.deadline)
        row.addWidget(self.schedule_button)
        row.addStretch(1)
        self.form.add_row("deadline", "Deadline final products", deadline_row)
        self.form.editors["deadline"] = self.deadline
        self.form.readonly("ceremony", "Ceremony")
        self.attends = QCheckBox("attends the ceremony (mandatory)")
        self.form.add_row("attends_ceremony", "Attendance", self.attends)
        self.attends.clicked.connect(self._attendance)
        self.plan_button.clicked.connect(self._plan)
        left = QVBoxLayout()
        left.addWidget(group("Planning", self.form.layout))
        left.addWidget(
            hint(
                "The graduation date is the last working day of the month the programme is "
                "completed. Ceremonies are held in January, June and September; a graduate attends "
                "the first one after the graduation month. All final products are due by the month's "
                "deadline: the programme's schedule, or 4 weeks before the date (a week earlier in "
                "July, November, December). All marks must be registered 4 weeks before the "
                "graduation date."
            )
        )
        left.addStretch(1)
        self.ready = QLabel()
        self.ready.setObjectName("readiness")
        self.ready.setTextFormat(Qt.TextFormat.RichText)
        self.ready.setWordWrap(True)
        self.blockers = QListWidget()
        self.blockers.setObjectName("blockers")
        # A blocker is a sentence with two dates ("last mark registered ..., after ... (4 weeks before
        # the graduation date)"): wrapped inside the box, read whole without scrolling sideways.
        self.blockers.setWordWrap(True)
        self.blockers.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.blockers.setResizeMode(QListView.ResizeMode.Adjust)
        right = QVBoxLayout()
        box = QVBoxLayout()
        box.addWidget(self.ready)
        box.addWidget(self.blockers)
        right.addWidget(group("Readiness", box))
        layout.addLayout(left, 1)
        layout.addLayout(right, 1)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addWidget(scrolling(inner))

    def fill(self, record: StudentRecord) -> None:
        g = record.graduation
        year, month = g.planned or (record.cohort + record.programme.duration_years, 8)
        self.year.setValue(year)
        self.month.setCurrentIndex(month - 1)
        self.form.fill(
            {
                "graduation_date": day(g.graduation_date) if g.graduation_date else "no month planned",
                "deadline": _deadline_text(g),
                "ceremony": long_month(g.ceremony) if g.ceremony else "",
            }
        )
        self.attends.setEnabled(g.planned is not None)
        self.attends.setChecked(bool(g.attends))
        readiness = g.readiness
        if readiness.ready:
            text = f"<b style='color:{DONE_COLOUR}'>✔ Ready to graduate</b>"
        else:
            text = f"<b style='color:{OVERDUE_COLOUR}'>Not ready: {counted(len(readiness.blockers), 'blocker')}</b>"
        # A month that passed unready, a student past the nominal years: what to do next.
        flags = [f.sentence for f in record.evaluation.flags if f.tab == "graduation"]
        self.ready.setText(text + "".join(f"<br>⚠ {html.escape(s)}" for s in flags))
        self.blockers.clear()
        for blocker in readiness.blockers:
            item = QListWidgetItem(f"✘ {blocker[:1].upper()}{blocker[1:]}")
            item.setForeground(QBrush(QColor(OVERDUE_COLOUR)))
            self.blockers.addItem(item)
        if g.graduated_on:
            self.blockers.addItem(QListWidgetItem(f"Graduated on {day(g.graduated_on)}"))

    def _plan(self) -> None:
        record = self.ctx.record
        if record is None:
            return
        ws, sid = self.ctx.ws, record.id
        year, month = self.year.value(), self.month.currentData()

        def make_undo(before: tuple[int, int] | None) -> Callable[[], Any] | None:
            if before == (year, month):
                return None  # planned again as it was: nothing to undo
            if before is None:
                return lambda: service.clear_graduation_plan(ws, sid)
            return lambda: service.plan_graduation(ws, sid, *before)

        self.ctx.attempt(
            self.form,
            "month",
            f"plan graduation in {long_month((year, month))}",
            lambda: service.plan_graduation(ws, sid, year, month),
            make_undo,
            kinds=Kind.GRADUATION,
        )

    def _attendance(self, checked: bool) -> None:
        record = self.ctx.record
        if record is None:
            return
        ws, sid = self.ctx.ws, record.id
        self.ctx.attempt(
            self.form,
            "attends_ceremony",
            "mark as attending the ceremony" if checked else "mark as not attending the ceremony",
            lambda: service.set_attendance(ws, sid, checked),
            lambda before: lambda: service.set_attendance(ws, sid, before),
            kinds=Kind.GRADUATION,
        )
