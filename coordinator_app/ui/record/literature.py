"""Literature Study: subject, supervisor, assessor, approval, start, survey outline, marks and result."""

from __future__ import annotations

import html
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QGridLayout, QLabel, QVBoxLayout, QWidget

from coordinator_app.domain.approvals import APPROVAL_STATUSES, is_decision
from coordinator_app.domain.field_labels import field_label
from coordinator_app.domain.marks import MARK_NAMES
from coordinator_app.domain.programme import Programme
from coordinator_app.services import internships as service
from coordinator_app.services.record_view import StudentRecord
from coordinator_app.ui.changes import Kind
from coordinator_app.ui.forms import FieldForm
from coordinator_app.ui.record.base import (
    PortfolioTable,
    RecordContext,
    RecordPage,
    added_people,
    approval_date_first,
    group,
    mark_received,
    said_in,
    scrolling,
)
from coordinator_app.ui.record.documents import portfolio_documents
from coordinator_app.ui.record.internships import RANK_CHOICES
from coordinator_app.ui.record.people import add_pickers
from coordinator_app.ui.util import day, mark


class LiteraturePage(RecordPage):
    key = "literature"
    title = "Literature Study"

    def __init__(self, ctx: RecordContext) -> None:
        super().__init__(ctx)
        inner = QWidget()
        grid = QGridLayout(inner)
        grid.setColumnStretch(0, 1)
        grid.setColumnStretch(1, 1)
        plan = FieldForm(self)
        plan.text("subject", "Subject")
        plan.text("supervisor", "Supervisor", "type to choose from the people register")
        plan.text("supervisor_email", "  e-mail")
        plan.text("assessor", "Amsterdam UMC assessor", "type to choose from the people register")
        plan.choice("assessor_rank", "  rank", RANK_CHOICES)
        plan.text("assessor_email", "  e-mail")
        self.pickers = add_pickers(ctx, plan, {"supervisor": "people", "assessor": "people"})
        plan.choice("approval_status", "Examination Board", [(s, s) for s in APPROVAL_STATUSES], allow_empty=False)
        plan.date("approval_date", "Decided on")
        plan.date("start_date", "Start")
        plan.readonly("planned_end", "Planned end")
        marks = FieldForm(self)
        marks.number("outline_mark", "Research outline")
        marks.number("supervisor_report_mark", "Report (supervisor)")
        marks.number("assessor_report_mark", "Report (UMC assessor)")
        marks.number("presentation_mark", "Oral presentation")
        marks.date("marks_registered_on", "Marks registered on")
        marks.readonly("report_mean", "Report (mean)")
        marks.readonly("result", "Result")
        self.forms = (plan, marks)
        for form in self.forms:
            form.committed.connect(lambda field, value, form=form: self._edit(form, field, value))
        self.status = QLabel()
        self.status.setWordWrap(True)
        self.status.setTextFormat(Qt.TextFormat.RichText)
        left = QVBoxLayout()
        left.addWidget(self.status)
        left.addWidget(group("Plan and approval", plan.layout))
        left.addStretch(1)
        self.portfolio = PortfolioTable(ctx)
        self.portfolio.received.connect(lambda item_id, when: mark_received(self.ctx, self.portfolio, item_id, when))
        right = QVBoxLayout()
        pbox = QVBoxLayout()
        pbox.addWidget(self.portfolio)
        self.documents = portfolio_documents(ctx, self.portfolio, self._study)
        pbox.addWidget(self.documents)
        right.addWidget(group("Survey outline and report", pbox))
        right.addWidget(group("Marks", marks.layout))
        right.addStretch(1)
        grid.addLayout(left, 0, 0)
        grid.addLayout(right, 0, 1)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addWidget(scrolling(inner))

    def applies(self, programme: Programme) -> bool:
        return programme.literature_study is not None

    def fill(self, record: StudentRecord) -> None:
        view = record.literature
        if view is None:
            return
        values = dict(view.fields)
        values["planned_end"] = day(view.planned_end) if view.planned_end else "set a start date"
        result = view.mark
        values["report_mean"] = mark(result.report) if result and result.report is not None else ""
        if result and result.final is not None:
            values["result"] = f"{mark(result.final)} ({'pass' if result.passed() else 'fail'})"
        elif result:
            values["result"] = "missing: " + ", ".join(MARK_NAMES.get(m, m) for m in result.missing)
        else:
            values["result"] = ""
        for form in self.forms:
            form.fill({k: values.get(k) for k in form.editors})
        if not view.planned:
            self.status.setText("The Literature Study is not planned yet: fill in any field to plan it.")
        else:
            ev = record.evaluation
            # Say what is missing, as the internship tab does; then what is wrong.
            text = (
                "<b>Complete</b>"
                if view.complete
                else "Not complete yet; missing: " + "; ".join(html.escape(m) for m in ev.literature_missing)
            )
            self.status.setText(text + "".join(f"<br>⚠ {html.escape(w)}" for w in ev.literature_warnings))
        self.portfolio.fill(view.items, record.as_of)
        self.documents.fill(record.documents)

    def _study(self) -> tuple[str, int, str] | None:
        """With no item selected, documents go to the Literature Study itself (once planned)."""
        record = self.ctx.record
        study = record.literature if record else None
        study_id = study.fields.get("id") if study and study.planned else None
        return ("literature_study", study_id, "the Literature Study") if study_id is not None else None

    def _edit(self, form: FieldForm, field: str, value: object) -> None:
        record = self.ctx.record
        if record is None:
            return
        ws, sid = self.ctx.ws, record.id
        changes = {field: value}
        if field == "approval_status" and isinstance(value, str) and is_decision(value):
            typed = form.line("approval_date").text().strip()
            if typed and not (record.literature and record.literature.fields.get("approval_date")):
                changes["approval_date"] = typed
        planned = bool(record.literature and record.literature.planned)

        def make_undo(old: dict[str, Any]) -> Callable[[], Any] | None:
            if not planned:
                # The first field planned the Literature Study (and its portfolio): undo takes all that back.
                return lambda: service.unplan_literature_study(ws, sid, added_people(old))
            return (lambda: service.update_literature_study(ws, sid, **approval_date_first(old))) if old else None

        label = field_label("literature_study", field)
        shown = said_in(form, field, changes[field])
        if field.endswith("_id"):  # chosen from the register: named as the field now shows it
            label = field_label("literature_study", field[:-3])
            shown = form.line(field[:-3]).text()
        text = f"change {label} of the Literature Study to {shown}"
        self.ctx.attempt(
            form,
            field,
            text,
            lambda: service.update_literature_study(ws, sid, **changes),
            make_undo,
            kinds=Kind.LITERATURE,
        )
