"""Courses: every course with all attempts (resits included), recording grades, optional courses."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QSignalBlocker, Qt
from PySide6.QtGui import QBrush, QColor, QStandardItem, QStandardItemModel
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QFormLayout,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QTreeView,
    QVBoxLayout,
    QWidget,
)

from coordinator_app.domain.approvals import OPTIONAL_COURSE_STATUSES
from coordinator_app.domain.errors import DomainError
from coordinator_app.domain.people import parse_optional_date
from coordinator_app.services import courses as course_service
from coordinator_app.services.record_view import StudentRecord
from coordinator_app.ui.changes import Kind
from coordinator_app.ui.forms import DATE_HINT, FieldForm, error_label, fit_width
from coordinator_app.ui.record.base import RecordContext, RecordPage, cell, counted, group, hint, scrolling, table
from coordinator_app.ui.undo import Created
from coordinator_app.ui.util import DONE_COLOUR, OVERDUE_COLOUR, day

RESULT_ROLE = Qt.ItemDataRole.UserRole + 1
# "Entered on": the day the grade was typed or imported, next to the exam date (not a registration).
COURSE_COLUMNS = ["Course", "EC", "Attempt", "Exam", "Grade", "Result", "Entered on"]
CHOOSE_COURSE = "Choose a course…"
# What an empty exam date means (domain/grades.check_exam_date refuses an exam after today).
EXAM_DATE_HINT = (
    "Exam date left empty: the scheduled exam date is used (for a resit, the resit's date). "
    "An exam after today cannot have a result yet: then give the day the exam was taken."
)


class CoursesPage(RecordPage):
    key = "courses"
    title = "Courses"

    def __init__(self, ctx: RecordContext) -> None:
        super().__init__(ctx)
        inner = QWidget()
        layout = QVBoxLayout(inner)
        self.ec_label = QLabel()
        self.ec_label.setObjectName("ec_label")
        self.ec_label.setWordWrap(True)
        layout.addWidget(self.ec_label)

        self.model = QStandardItemModel(0, len(COURSE_COLUMNS), self)
        self.model.setHorizontalHeaderLabels(COURSE_COLUMNS)
        self.tree = QTreeView()
        self.tree.setModel(self.model)
        self.tree.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.tree.setAlternatingRowColors(True)
        self.tree.setUniformRowHeights(True)
        self.tree.setMinimumHeight(260)
        self.tree.header().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.tree.header().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.tree.header().setStretchLastSection(False)
        layout.addWidget(self.tree, 1)

        # Record a result: course, grade (7,5 or 7.5 or NS), optional exam date.
        self.grade_form = FieldForm(self, QFormLayout())
        entry = QWidget()
        rows = QVBoxLayout(entry)
        rows.setContentsMargins(0, 0, 0, 0)
        # The course on a row of its own, as wide as the longest name: beside the grade and the
        # buttons it was cut to "Personalized Medicine (PI" at 1366x768.
        self.course = QComboBox()
        self.course.setObjectName("course")
        self.course.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        rows.addWidget(self.course)
        row = QHBoxLayout()
        row.setContentsMargins(0, 0, 0, 0)
        rows.addLayout(row)
        self.grade = QLineEdit()
        self.grade.setObjectName("grade")
        self.grade.setPlaceholderText("7,5 or NS")
        fit_width(self.grade, "7,5 or NS")
        self.exam = QLineEdit()
        self.exam.setObjectName("exam_date")
        self.exam.setPlaceholderText(f"exam date ({DATE_HINT})")
        self.exam.setToolTip(EXAM_DATE_HINT)
        fit_width(self.exam, f"exam date ({DATE_HINT})")
        self.record_button = QPushButton("Record result")
        self.delete_button = QPushButton("Delete selected attempt")
        row.addWidget(self.grade)
        row.addWidget(self.exam)
        row.addWidget(self.record_button)
        row.addWidget(self.delete_button)
        row.addStretch(1)
        # A wrong exam date has its own message line (and red outline): the field in fault is marked.
        exam_error = error_label(entry)
        rows.addWidget(exam_error)
        rows.addWidget(hint(EXAM_DATE_HINT))
        self.grade_form.add_row("grade", "Result", entry)  # one row: the message lands under it
        entry.setObjectName("grade_entry")
        self.grade.setObjectName("grade")
        self.grade_form.editors["grade"] = self.grade
        self.grade_form.editors["exam_date"] = self.exam
        self.grade_form.errors["exam_date"] = exam_error
        layout.addWidget(group("Record a result", self.grade_form.layout))
        self._form_for: int | None = None  # the student whose result the form holds
        self.grade.returnPressed.connect(self._record)
        self.exam.returnPressed.connect(self._record)
        self.record_button.clicked.connect(self._record)
        self.delete_button.clicked.connect(self._delete)
        self.tree.selectionModel().selectionChanged.connect(self._select_course)

        # Optional courses: Examination Board approval beforehand; outside VU a credit form.
        self.optional = table(["Optional course", "EC", "Approval", "Decided", "Outside VU", "Credit form"])
        self.optional.setMinimumHeight(90)
        self.optional.setMaximumHeight(150)
        self.optional_form = FieldForm(self, QFormLayout())
        opt = QWidget()
        grid = QGridLayout(opt)
        grid.setContentsMargins(0, 0, 0, 0)
        self.opt_course = QComboBox()
        self.opt_course.setObjectName("optional_course")
        self.opt_status = QComboBox()
        for status in OPTIONAL_COURSE_STATUSES:
            self.opt_status.addItem(status, status)
        self.opt_date = QLineEdit()
        self.opt_date.setPlaceholderText(f"decided on ({DATE_HINT})")
        self.opt_external = QCheckBox("outside VU")
        self.opt_form_received = QCheckBox("credit form received")
        self.opt_save = QPushButton("Save approval")
        self.opt_save.setToolTip("Choose an optional course first: the form then shows what is stored for it")
        self._optional_for: int | None = None  # the student whose course choice the form keeps
        # The course on a row of its own, as wide as its longest name (the names are long, "Advanced
        # Statistical Methods in Translational Research (AM_1234)"): a cut name is the wrong course chosen.
        self.opt_course.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        grid.addWidget(self.opt_course, 0, 0, 1, 4, Qt.AlignmentFlag.AlignLeft)
        grid.addWidget(self.opt_status, 1, 0)
        grid.addWidget(self.opt_date, 1, 1)
        grid.addWidget(self.opt_save, 1, 3)
        grid.addWidget(self.opt_external, 2, 0)
        grid.addWidget(self.opt_form_received, 2, 1)
        self.optional_form.add_row("approval", "Approval", opt)
        self.ext_name = QLineEdit()
        self.ext_name.setPlaceholderText("name of a course outside the programme")
        self.ext_ec = QSpinBox()
        self.ext_ec.setRange(1, 30)
        self.ext_ec.setValue(6)
        self.ext_ec.setSuffix(" EC")
        self.ext_add = QPushButton("Add course")
        ext = QWidget()
        ext_row = QHBoxLayout(ext)
        ext_row.setContentsMargins(0, 0, 0, 0)
        ext_row.addWidget(self.ext_name, 1)
        ext_row.addWidget(self.ext_ec)
        ext_row.addWidget(self.ext_add)
        self.optional_form.add_row("course", "Other course", ext)
        opt_box = QVBoxLayout()
        opt_box.addWidget(self.optional)
        opt_box.addLayout(self.optional_form.layout)
        opt_box.addWidget(
            hint(
                "An optional course counts once approved beforehand and passed; a course "
                "outside VU also needs the credit registration form."
            )
        )
        self.optional_group = group("Optional courses", opt_box)
        layout.addWidget(self.optional_group)
        self.opt_save.clicked.connect(self._save_optional)
        self.ext_add.clicked.connect(self._add_external)
        self.optional.itemSelectionChanged.connect(self._select_optional)
        self.opt_course.currentIndexChanged.connect(lambda _i: self._show_stored_approval())
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addWidget(scrolling(inner))

    # -- showing ---------------------------------------------------------------------------------
    def fill(self, record: StudentRecord) -> None:
        self.record = record
        ev = record.evaluation
        self.ec_label.setText(
            f"<b>{ev.ec_total} of {record.programme.total_ec} EC</b> earned · " + _progress_text(record)
        )
        if self._form_for != record.id:
            # Another student: nothing typed for the last one may be recorded for this one.
            chosen = None
            self.grade.clear()
            self.exam.clear()
        else:
            chosen = self.course.currentData()
        self._form_for = record.id
        self.course.clear()
        self.course.addItem(CHOOSE_COURSE, None)
        self.model.removeRows(0, self.model.rowCount())
        component = None
        for line in record.courses:
            if line.component_name != component:
                component = line.component_name
                heading = [QStandardItem(component)] + [QStandardItem("") for _ in COURSE_COLUMNS[1:]]
                font = heading[0].font()
                font.setBold(True)
                heading[0].setFont(font)
                for item in heading:
                    item.setSelectable(False)
                self.model.appendRow(heading)
            self.course.addItem(f"{line.name} ({line.code})", line.code)
            status = "passed" if line.passed else ("" if not line.attempts else "not passed")
            top = [
                QStandardItem(f"{line.name}  ({line.code})"),
                QStandardItem(str(line.ec)),
                QStandardItem(""),
                QStandardItem(""),
                QStandardItem(line.result),
                QStandardItem(status),
                QStandardItem(""),
            ]
            top[0].setData(line.code, Qt.ItemDataRole.UserRole)
            top[5].setForeground(QBrush(QColor(DONE_COLOUR if line.passed else OVERDUE_COLOUR)))
            for attempt in line.attempts:
                if attempt.passed is None:
                    result = "resit registered" if attempt.attempt > 1 else "registered"
                else:
                    result = "pass" if attempt.passed else "fail"
                children = [
                    QStandardItem(""),
                    QStandardItem(""),
                    QStandardItem(str(attempt.attempt)),
                    QStandardItem(day(attempt.exam_date)),
                    QStandardItem(attempt.grade),
                    QStandardItem(result),
                    QStandardItem(day(attempt.registered_on)),
                ]
                children[0].setData(line.code, Qt.ItemDataRole.UserRole)
                children[0].setData(attempt.result_id, RESULT_ROLE)
                top[0].appendRow(children)
            self.model.appendRow(top)
        self.tree.expandAll()
        index = self.course.findData(chosen)
        self.course.setCurrentIndex(max(index, 0))
        self.grade_form.clear_errors()
        self._fill_optional(record)

    def _fill_optional(self, record: StudentRecord) -> None:
        has_optional = any(c.component == "optional" for c in record.programme.courses)
        self.optional_group.setVisible(has_optional)
        self.optional.setRowCount(len(record.optional))
        for r, line in enumerate(record.optional):
            self.optional.setItem(r, 0, cell(f"{line.name} ({line.code})", line.code))
            self.optional.setItem(r, 1, cell(str(line.ec)))
            self.optional.setItem(r, 2, cell(line.status))
            self.optional.setItem(r, 3, cell(day(line.decided_on)))
            self.optional.setItem(r, 4, cell("yes" if line.external else "no"))
            self.optional.setItem(
                r, 5, cell("received" if line.credit_form_received else ("missing" if line.external else ""))
            )
        # The course chosen stays while the same student is shown (after a save, say); another
        # student starts with no course chosen, so Save cannot touch a course nobody picked.
        chosen = self.opt_course.currentData() if self._optional_for == record.id else None
        self._optional_for = record.id
        blocker = QSignalBlocker(self.opt_course)
        self.opt_course.clear()
        self.opt_course.addItem("Choose an optional course…", None)
        for code, name, external in record.optional_choices:
            self.opt_course.addItem(f"{name} ({code})" + ("  · outside VU" if external else ""), code)
        self.opt_course.setCurrentIndex(max(self.opt_course.findData(chosen), 0))
        blocker.unblock()
        self._show_stored_approval()
        self.optional_form.clear_errors()

    def _show_stored_approval(self) -> None:
        """The form shows what is stored for the course it names (a course not chosen yet: a new
        request), and Save is possible only once a course is chosen."""
        code = self.opt_course.currentData()
        record = getattr(self, "record", None)
        line = next((o for o in record.optional if o.code == code), None) if record and code else None
        external = next((e for c, _n, e in record.optional_choices if c == code), False) if record and code else False
        self.opt_status.setCurrentIndex(max(self.opt_status.findData(line.status if line else "requested"), 0))
        self.opt_date.setText(day(line.decided_on) if line else "")
        self.opt_external.setChecked(line.external if line else external)
        self.opt_form_received.setChecked(line.credit_form_received if line else False)
        for widget in (self.opt_status, self.opt_date, self.opt_external, self.opt_form_received, self.opt_save):
            widget.setEnabled(code is not None)

    def _select_course(self) -> None:
        index = self.tree.currentIndex()
        if not index.isValid():
            return
        code = index.siblingAtColumn(0).data(Qt.ItemDataRole.UserRole)
        if code:
            self.course.setCurrentIndex(max(self.course.findData(code), 0))

    def _select_optional(self) -> None:
        row = self.optional.currentRow()
        if not 0 <= row < len(self.record.optional):
            return
        line = self.record.optional[row]
        self.opt_course.setCurrentIndex(max(self.opt_course.findData(line.code), 0))
        self._show_stored_approval()  # also when the row names the course already chosen

    # -- editing ---------------------------------------------------------------------------------
    def _course_name(self, code: str) -> str:
        for line in self.record.courses:
            if line.code == code:
                return line.name
        for optional in self.record.optional:
            if optional.code == code:
                return optional.name
        return next((name for c, name, _external in self.record.optional_choices if c == code), code)

    def _student_name(self) -> str:
        return f"{self.record.student['first_name']} {self.record.student['last_name']}"

    def _record(self) -> None:
        code = self.course.currentData()
        self.grade_form.clear_errors()
        if not code:
            self.grade_form.show_error("grade", "Choose the course first.")
            return
        ws, sid, text, ids = self.ctx.ws, self.record.id, self.grade.text(), self.ctx.ids
        name, student = self._course_name(code), self._student_name()
        try:
            when = parse_optional_date(self.exam.text(), "exam_date")
        except DomainError as exc:
            self.grade_form.show_error("exam_date", exc.message)
            return
        # A redo records the grade again and may create the attempt (and its resit) anew.
        result, resit = Created(ids, "course_result"), Created(ids, "course_result")

        def do() -> course_service.GradeRecorded:
            return course_service.record_grade(ws, sid, code, text, exam_date=when)

        def make_undo(recorded: course_service.GradeRecorded) -> Callable[[], Any]:
            row = result.at(recorded.result_id)
            new_resit = resit.at(recorded.resit_id) if recorded.resit_id is not None else None

            def undo() -> None:
                course_service.undo_grade(
                    ws, recorded._replace(result_id=row.id, resit_id=new_resit.id if new_resit else None)
                )
                # What undo_grade deleted: the new attempt and the resit registration it made.
                if recorded.previous is None:
                    row.gone(None)
                if new_resit is not None:
                    new_resit.gone(None)

            return undo

        passed_before = next((line.result for line in self.record.courses if line.code == code and line.passed), None)
        if self.ctx.attempt(
            self.grade_form,
            "grade",
            # Undo may come when another student is shown: the Edit menu names whose grade it is.
            lambda recorded: f"record grade {recorded.grade} for {student}, {name}",
            do,
            make_undo,
            kinds=Kind.RESULTS,
        ):
            self.grade.clear()
            self.exam.clear()
            if passed_before is not None:
                # Often a correction typed as a new grade: say what happened and how to take it back.
                self.ctx.message(
                    f"{name} was already passed with {passed_before}, so this grade is recorded as a "
                    "new attempt. To correct the earlier grade instead: Undo (Ctrl+Z), delete that "
                    "attempt and record the right grade."
                )

    def selected_result_id(self) -> int | None:
        index = self.tree.currentIndex()
        return index.siblingAtColumn(0).data(RESULT_ROLE) if index.isValid() else None

    def _delete(self) -> None:
        result_id = self.selected_result_id()
        if result_id is None:
            self.grade_form.show_error("grade", "Select an attempt (a line under a course) to delete it.")
            return
        ws = self.ctx.ws
        row = self.ctx.ids.remember("course_result", result_id)
        code = self.tree.currentIndex().siblingAtColumn(0).data(Qt.ItemDataRole.UserRole)
        number = self.tree.currentIndex().siblingAtColumn(2).data()
        self.ctx.attempt(
            self.grade_form,
            "grade",
            f"delete attempt {number} of {self._course_name(code)} for {self._student_name()}",
            lambda: row.gone(course_service.delete_attempt(ws, row.id)),
            lambda deleted: lambda: row.moved_to(course_service.restore_attempt(ws, deleted)),
            kinds=Kind.RESULTS,
        )

    def _save_optional(self) -> None:
        code = self.opt_course.currentData()
        if not code:
            self.optional_form.show_error("approval", "Choose an optional course first.")
            return
        ws, sid = self.ctx.ws, self.record.id
        try:
            decided = parse_optional_date(self.opt_date.text(), "decided_on")
        except DomainError as exc:
            self.optional_form.show_error("approval", exc.message)
            return
        status, external, form = (
            self.opt_status.currentData(),
            self.opt_external.isChecked(),
            self.opt_form_received.isChecked(),
        )

        def make_undo(before: course_service.OptionalChoice | None) -> Callable[[], Any] | None:
            if before == course_service.OptionalChoice(status, decided, external, form):
                return None  # saved as it was: nothing to undo
            if before is None:
                return lambda: course_service.withdraw_optional_course(ws, sid, code)
            return lambda: course_service.set_optional_course(
                ws, sid, code, before.status, before.decided_on, before.external, before.credit_form_received
            )

        self.ctx.attempt(
            self.optional_form,
            "approval",
            f"set {self._course_name(code)} to {status}",
            lambda: course_service.set_optional_course(ws, sid, code, status, decided, external, form),
            make_undo,
            kinds=Kind.RESULTS,
        )

    def _add_external(self) -> None:
        ws, sid, name, ec = self.ctx.ws, self.record.id, self.ext_name.text(), self.ext_ec.value()
        if self.ctx.attempt(
            self.optional_form,
            "course",
            f"add course {' '.join(name.split())}",
            lambda: course_service.add_external_course(ws, sid, name, ec),
            lambda code: lambda: course_service.remove_external_course(ws, sid, code),
            kinds=Kind.RESULTS,
        ):
            self.ext_name.clear()


def _progress_text(record: StudentRecord) -> str:
    """What the programme counts: PM's compulsory courses (4 passed open the minor internship);
    a programme without them (IMIM) shows the EC of each of its course components."""
    ev = record.evaluation
    if record.programme.compulsory_course_codes:
        return f"{counted(ev.compulsory_passed, 'compulsory course')} passed"
    kinds = {c.key: c.kind for c in record.programme.components}
    return " · ".join(f"{p.name} {p.earned} of {p.required} EC" for p in ev.progress if kinds.get(p.key) == "courses")
