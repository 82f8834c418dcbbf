"""Overview: the student's details, EC progress per component towards 120, next deadlines, warnings."""

from __future__ import annotations

import html

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QGridLayout, QHBoxLayout, QLabel, QMessageBox, QProgressBar, QVBoxLayout, QWidget

from coordinator_app.domain.attention import Urgency
from coordinator_app.domain.field_labels import field_label
from coordinator_app.domain.graduation import planned_after_this_month
from coordinator_app.services.record_view import StudentRecord
from coordinator_app.services.students import STATUSES, update_student
from coordinator_app.ui.changes import Kind
from coordinator_app.ui.forms import FieldForm
from coordinator_app.ui.record.base import URGENCY_TEXT, RecordContext, RecordPage, counted, group, said_in, scrolling
from coordinator_app.ui.record.preferences import PreferencesBox
from coordinator_app.ui.util import DUE_SOON_COLOUR, OVERDUE_COLOUR, day


def student_edit(page: RecordPage, form: FieldForm, field: str, value: object, label: str) -> bool:
    """Change one student field through the service; undo sets the old value back. False when not saved."""
    record = page.ctx.record
    if record is None:
        return False
    ws, sid = page.ctx.ws, record.id
    # Notes are long: the Edit menu names the field only.
    text = "change notes" if field == "notes" else f"change {label} to {said_in(form, field, value)}"
    return page.ctx.attempt(
        form,
        field,
        text,
        lambda: update_student(ws, sid, **{field: value}),
        lambda old: (lambda: update_student(ws, sid, **old)) if old else None,
        kinds=Kind.STUDENT,
    )


class GraduatingNotReady:
    """Asks before a student the rules find not ready (the Graduation tab's blockers) is set to graduated:
    the Examination Board may decide otherwise, but a slip of the Status box should not graduate anyone."""

    SHOWN = 6  # blockers named; the rest counted

    @classmethod
    def ask(cls, parent: QWidget | None, name: str, blockers: tuple[str, ...]) -> bool:
        named = "".join(f"<li>{html.escape(b[:1].upper() + b[1:])}</li>" for b in blockers[: cls.SHOWN])
        more = len(blockers) - cls.SHOWN
        box = QMessageBox(
            QMessageBox.Icon.Warning,
            "Mark as graduated although not ready?",
            f"{html.escape(name)} is not ready to graduate ({counted(len(blockers), 'blocker')}):<ul>{named}</ul>"
            + (f"and {counted(more, 'more blocker')} on the Graduation tab.<br>" if more > 0 else "")
            + "Mark as graduated all the same (for example on the Examination Board's decision)?",
            QMessageBox.StandardButton.NoButton,
            parent,
        )
        box.setTextFormat(Qt.TextFormat.RichText)
        graduate = box.addButton("Mark graduated", QMessageBox.ButtonRole.AcceptRole)
        keep = box.addButton("Cancel", QMessageBox.ButtonRole.RejectRole)
        box.setDefaultButton(keep)  # Enter graduates nobody by accident
        box.setEscapeButton(keep)
        box.exec()
        return box.clickedButton() is graduate


class OverviewPage(RecordPage):
    key = "overview"
    title = "Overview"

    def __init__(self, ctx: RecordContext) -> None:
        super().__init__(ctx)
        inner = QWidget()
        columns = QHBoxLayout(inner)
        self.form = FieldForm(self)
        f = self.form
        f.text("student_number", "Student number")
        f.text("first_name", "First name")
        f.text("last_name", "Last name")
        f.text("email", "E-mail")
        f.choice("status", "Status", [(s, s) for s in STATUSES], allow_empty=False)
        self.specialization = f.choice("specialization", "Specialization", [])
        f.check("tuition_paid", "Tuition", "paid")
        f.check("enrolled", "Enrolled", "still enrolled")
        f.notes("notes", "Notes")
        f.committed.connect(self._commit)
        self.preferences = PreferencesBox(ctx)
        f.layout.insertRow(f.layout.rowCount() - 3, "Preferences", self.preferences)
        left = QVBoxLayout()
        left.addWidget(group("Student", f.layout))
        # A student who stopped: the attendance certificate, or why they cannot have one.
        self.certificate = QLabel()
        self.certificate.setObjectName("certificate")
        self.certificate.setWordWrap(True)
        self.certificate.setTextFormat(Qt.TextFormat.RichText)
        self.certificate.linkActivated.connect(lambda _link: self.ctx.make_certificate())
        self.certificate.hide()
        left.addWidget(self.certificate)
        left.addStretch(1)
        columns.addLayout(left, 5)

        right = QVBoxLayout()
        self.progress_grid = QGridLayout()
        self.progress_grid.setColumnStretch(1, 1)
        self.bars: list[tuple[QLabel, QProgressBar]] = []
        # The figures beside each bar, not on it: Qt draws a bar's own text half white on the fill and
        # half black on the rest, and "30 of 45 EC" read as "30 of 4? EC" (the new-user trial).
        self.figures: list[QLabel] = []
        self.total_bar = _bar("total_ec")
        self.total_figures = _figures("total_ec_text")
        progress_box = QVBoxLayout()
        progress_box.addLayout(self.progress_grid)
        right.addWidget(group("EC towards the degree", progress_box))
        self.deadlines = QLabel()
        self.deadlines.setWordWrap(True)
        self.deadlines.setTextFormat(Qt.TextFormat.RichText)
        dl = QVBoxLayout()
        dl.addWidget(self.deadlines)
        right.addWidget(group("Next deadlines", dl))
        self.warnings = QLabel()
        self.warnings.setObjectName("warnings")
        self.warnings.setWordWrap(True)
        self.warnings.setTextFormat(Qt.TextFormat.RichText)
        wl = QVBoxLayout()
        wl.addWidget(self.warnings)
        right.addWidget(group("Warnings", wl))
        right.addStretch(1)
        columns.addLayout(right, 6)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addWidget(scrolling(inner))
        self._programme: str | None = None

    def _commit(self, field: str, value: object) -> None:
        record = self.ctx.record
        if field == "status" and value == "graduated" and record is not None and not self._may_graduate(record):
            self.form.put_back(field, self.form.stored(field) or "")  # the record shows what is saved again
            return
        shown = self.ctx.record
        saved = student_edit(self, self.form, field, value, field_label("student", field))
        # A refused status (the message stays under the box) leaves the box at the saved status: a choice has
        # no typing to keep. After a colleague's save the record was read again and keeps the choice instead.
        if not saved and field == "status" and self.ctx.record is shown:
            self.form.put_back(field, self.form.stored(field) or "")

    def _may_graduate(self, record: StudentRecord) -> bool:
        """True when the rules find the student ready, or the coordinator says so. Without a planned month,
        or with one after this month, the save itself is refused with what to do
        (services/graduation.record_graduation): not asked."""
        readiness, planned = record.graduation.readiness, record.graduation.planned
        if readiness.ready or planned is None or planned_after_this_month(planned, self.ctx.ws.as_of()):
            return True
        name = f"{record.student.get('first_name', '')} {record.student.get('last_name', '')}".strip()
        return GraduatingNotReady.ask(self, name, tuple(readiness.blockers))

    def _build_bars(self, record: StudentRecord) -> None:
        while self.progress_grid.count():
            item = self.progress_grid.takeAt(0)
            shown = item.widget() if item is not None else None
            if shown is not None and shown not in (self.total_bar, self.total_figures):
                shown.deleteLater()
        self.bars, self.figures = [], []
        for row, progress in enumerate(record.evaluation.progress):
            label = QLabel(progress.name)
            bar = _bar(f"ec_{progress.key}")
            figures = _figures(f"ec_{progress.key}_text")
            self.progress_grid.addWidget(label, row, 0)
            self.progress_grid.addWidget(bar, row, 1)
            self.progress_grid.addWidget(figures, row, 2)
            self.bars.append((label, bar))
            self.figures.append(figures)
        total_label = QLabel("<b>Total</b>")
        self.progress_grid.addWidget(total_label, len(self.bars), 0)
        self.progress_grid.addWidget(self.total_bar, len(self.bars), 1)
        self.progress_grid.addWidget(self.total_figures, len(self.bars), 2)
        self._programme = record.programme.code

    def fill(self, record: StudentRecord) -> None:
        programme = record.programme
        combo = self.specialization
        combo.blockSignals(True)
        combo.clear()
        combo.addItem("(none yet)" if programme.specializations else "(not in this programme)", None)
        for spec in programme.specializations:
            combo.addItem(spec.name, spec.key)
        combo.blockSignals(False)
        self.form.set_enabled(bool(programme.specializations), ["specialization"])
        self.preferences.fill(record)
        self.form.layout.setRowVisible(self.preferences, bool(programme.specializations))
        self.form.fill({k: record.student.get(k) for k in self.form.editors})
        if self._programme != programme.code:
            self._build_bars(record)
        for (_label, bar), figures, progress in zip(self.bars, self.figures, record.evaluation.progress):
            bar.setMaximum(progress.required)
            bar.setValue(progress.earned)
            figures.setText(f"{progress.earned} of {progress.required} EC")
            bar.setToolTip(f"{progress.name}: {progress.earned} of {progress.required} EC")
        self.total_bar.setMaximum(programme.total_ec)
        self.total_bar.setValue(record.evaluation.ec_total)
        self.total_figures.setText(f"<b>{record.evaluation.ec_total} of {programme.total_ec} EC</b>")
        if record.next_deadlines:
            lines = []
            for item in record.next_deadlines:
                colour = {Urgency.OVERDUE: OVERDUE_COLOUR, Urgency.DUE_SOON: DUE_SOON_COLOUR}.get(item.urgency, "")
                style = f' style="color:{colour}"' if colour else ""
                component = item.component.replace("_", " ")
                lines.append(
                    f"<span{style}>{day(item.due)} &nbsp; {item.name} ({component}) — "
                    f"{URGENCY_TEXT[item.urgency]}</span>"
                )
            self.deadlines.setText("<br>".join(lines))
        else:
            self.deadlines.setText("Nothing open.")
        self._offer_certificate(record)
        warnings = list(record.evaluation.warnings)
        self.warnings.setText("<br>".join(f"⚠ {w}" for w in warnings) if warnings else "None.")

    def _offer_certificate(self, record: StudentRecord) -> None:
        if record.student.get("status") != "stopped":
            self.certificate.hide()
            return
        from coordinator_app.services.certificate import completed_parts, refusal

        reason = refusal(record)
        if reason is None:
            parts = completed_parts(record)
            ec = sum(p.ec for p in parts)
            self.certificate.setText(
                f'This student stopped: <a href="certificate">make the attendance certificate…</a> '
                f"({len(parts)} components completed, {ec} EC)"
            )
        else:
            self.certificate.setText(f"No attendance certificate: {html.escape(reason)}")
        self.certificate.show()


def _bar(name: str) -> QProgressBar:
    """An EC bar without text on it (its figures stand beside it, `_figures`)."""
    bar = QProgressBar()
    bar.setObjectName(name)
    bar.setTextVisible(False)
    return bar


def _figures(name: str) -> QLabel:
    """ "30 of 45 EC" beside its bar, in the window's own text colour on the window's background."""
    figures = QLabel()
    figures.setObjectName(name)
    figures.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
    return figures
