"""IMIM: universities of year 1 and 2, the English test at admission, the participation fee."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QHBoxLayout, QLabel, QVBoxLayout, QWidget

from coordinator_app.domain.field_labels import field_label
from coordinator_app.domain.programme import Programme
from coordinator_app.services.record_view import StudentRecord
from coordinator_app.ui.forms import FieldForm
from coordinator_app.ui.record.base import RecordContext, RecordPage, group, hint, scrolling
from coordinator_app.ui.record.overview import student_edit
from coordinator_app.ui.util import DONE_COLOUR, OVERDUE_COLOUR


class ImimPage(RecordPage):
    key = "imim"
    title = "IMIM"

    def __init__(self, ctx: RecordContext) -> None:
        super().__init__(ctx)
        inner = QWidget()
        layout = QHBoxLayout(inner)
        self.form = FieldForm(self)
        f = self.form
        self.year1 = f.choice("year1_university", "Year 1 at", [])
        self.year2 = f.choice("year2_university", "Year 2 at", [])
        self.test = f.choice("english_test", "English test", [])
        f.number("english_overall", "Overall score")
        f.number("english_lowest_section", "Lowest section")
        f.check("participation_fee_paid", "Participation fee", "paid to the coordination office")
        f.committed.connect(lambda field, value: student_edit(self, f, field, value, field_label("student", field)))
        left = QVBoxLayout()
        left.addWidget(group("Universities and admission", f.layout))
        left.addWidget(
            hint(
                "Year 1 at Uppsala, Heidelberg or Groningen; year 2 at Groningen or Uppsala, at a "
                "different university from year 1. Bench to Bedside and Back (BBB1-3), the research "
                "projects and the degree project are on the Courses tab."
            )
        )
        left.addStretch(1)
        self.problems = QLabel()
        self.problems.setObjectName("imim_problems")
        self.problems.setWordWrap(True)
        self.problems.setTextFormat(Qt.TextFormat.RichText)
        right = QVBoxLayout()
        box = QVBoxLayout()
        box.addWidget(self.problems)
        right.addWidget(group("Checks", box))
        right.addStretch(1)
        layout.addLayout(left, 1)
        layout.addLayout(right, 1)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addWidget(scrolling(inner))
        self._programme: str | None = None

    def applies(self, programme: Programme) -> bool:
        return programme.imim is not None

    def fill(self, record: StudentRecord) -> None:
        rules = record.programme.imim
        assert rules is not None
        if self._programme != record.programme.code:
            for combo, values in (
                (self.year1, [(u, u) for u in rules.year1_universities]),
                (self.year2, [(u, u) for u in rules.year2_universities]),
                (self.test, [(t.kind, t.name) for t in rules.english_tests.values()]),
            ):
                combo.blockSignals(True)
                combo.clear()
                combo.addItem("", None)
                for value, text in values:
                    combo.addItem(text, value)
                combo.blockSignals(False)
            self._programme = record.programme.code
        self.form.fill({k: record.student.get(k) for k in self.form.editors})
        problems = [f.sentence for f in record.evaluation.flags if f.tab == "imim"]
        if problems:
            self.problems.setText("<br>".join(f"<span style='color:{OVERDUE_COLOUR}'>✘ {p}</span>" for p in problems))
        else:
            self.problems.setText(
                f"<span style='color:{DONE_COLOUR}'>✔ Universities, English test and fee in order.</span>"
            )
