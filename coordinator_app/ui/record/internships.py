"""Internships (minor and major): placement, people, approval, planning, portfolio and marks."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from coordinator_app.domain.approvals import APPROVAL_STATUSES, is_decision
from coordinator_app.domain.errors import DomainError
from coordinator_app.domain.field_labels import field_label
from coordinator_app.domain.internships import TRAVEL_CODES
from coordinator_app.domain.marks import MARK_NAMES
from coordinator_app.domain.people import parse_date
from coordinator_app.domain.programme import Programme
from coordinator_app.domain.ranks import RANKS
from coordinator_app.services import internships as service
from coordinator_app.services.record_view import InternshipView, StudentRecord
from coordinator_app.services.register_links import HOST_OWN
from coordinator_app.ui.changes import Kind
from coordinator_app.ui.forms import DATE_HINT, FieldForm, error_label, fit_width
from coordinator_app.ui.record.base import (
    PortfolioTable,
    RecordContext,
    RecordPage,
    added_host,
    added_people,
    approval_date_first,
    cell,
    counted,
    group,
    hint,
    mark_received,
    said_in,
    scrolling,
    table,
)
from coordinator_app.ui.record.documents import portfolio_documents
from coordinator_app.ui.record.people import add_pickers
from coordinator_app.ui.undo import Created
from coordinator_app.ui.util import day, mark

RANK_CHOICES = [(key, name) for key, name in RANKS.items()]


class SharedHostChange:
    """Asks before a change of what belongs to a host (department, UMC answer, country) reaches other internships."""

    @classmethod
    def ask(cls, parent: QWidget | None, host: str, others: int, change: str) -> bool:
        box = QMessageBox(
            QMessageBox.Icon.Question,
            "Change the host for everyone placed there?",
            f"{host} is also the host of {counted(others, 'other internship')}. Its department, whether it "
            f"is a university medical center and its country belong to the host, so {change} changes "
            f"{'that internship' if others == 1 else 'those internships'} too.",
            QMessageBox.StandardButton.NoButton,
            parent,
        )
        change_all = box.addButton(f"Change all {others + 1}", QMessageBox.ButtonRole.AcceptRole)
        keep = box.addButton("Cancel", QMessageBox.ButtonRole.RejectRole)
        box.setDefaultButton(keep)  # Enter changes nobody's internship by accident
        box.setEscapeButton(keep)
        box.exec()
        return box.clickedButton() is change_all


class InternshipPanel(QWidget):
    """One internship (minor or major)."""

    def __init__(self, ctx: RecordContext, kind: str) -> None:
        super().__init__()
        self.ctx = ctx
        self.kind = kind
        self.view: InternshipView | None = None
        grid = QGridLayout(self)
        grid.setColumnStretch(0, 1)
        grid.setColumnStretch(1, 1)

        self.form = FieldForm(self)
        place = FieldForm(self)
        place.text("host", "Host")
        place.text("department", "Department")
        place.text("topic", "Topic")
        place.check("is_umc", "UMC", "at a university medical center")
        place.text("country", "Country")
        place.choice("travel_code", "Travel advice", [(c, c) for c in TRAVEL_CODES])
        place.check("international_office_notified", "International Office", "notified")
        people = FieldForm(self)
        people.text("daily_supervisor", "Daily supervisor", "type to choose from the people register")
        people.choice("daily_supervisor_rank", "  rank", RANK_CHOICES)
        people.text("daily_supervisor_email", "  e-mail")
        people.text("second_supervisor", "Second supervisor", "type to choose from the people register")
        people.choice("second_supervisor_rank", "  rank", RANK_CHOICES)
        people.text("second_supervisor_email", "  e-mail")
        people.text("assessor", "Amsterdam UMC assessor", "type to choose from the people register")
        people.choice("assessor_rank", "  rank", RANK_CHOICES)
        people.text("assessor_email", "  e-mail")
        people.choice("assessor_location", "  location", [("VUmc", "VUmc"), ("AMC", "AMC")])
        place.line("host").setPlaceholderText("type to choose from the host register")
        self.pickers = add_pickers(ctx, place, {"host": "hosts"}) + add_pickers(
            ctx, people, dict.fromkeys(("daily_supervisor", "second_supervisor", "assessor"), "people")
        )
        approval = FieldForm(self)
        approval.choice("approval_status", "Examination Board", [(s, s) for s in APPROVAL_STATUSES], allow_empty=False)
        approval.date("approval_date", "Decided on")
        planning = FieldForm(self)
        planning.date("start_date", "Start")
        planning.number("part_time_percent", "Part-time %", "100")
        planning.readonly("planned_end", "Planned end")
        planning.readonly("halfway", "Halfway")
        marks = FieldForm(self)
        marks.number("practical_mark", "Practical work", "1,0-10,0")
        marks.number("supervisor_report_mark", "Report (supervisor)")
        marks.number("assessor_report_mark", "Report (second assessor)")
        marks.number("presentation_mark", "Oral presentation")
        marks.date("marks_registered_on", "Marks registered on")
        marks.readonly("report_mean", "Written report (mean)")
        marks.readonly("final_mark", "Final mark")
        self.forms = (place, people, approval, planning, marks)
        for form in self.forms:
            form.committed.connect(lambda field, value, form=form: self._edit(form, field, value))

        self.status = QLabel()
        self.status.setWordWrap(True)
        self.status.setTextFormat(Qt.TextFormat.RichText)
        left = QVBoxLayout()
        left.addWidget(group("Placement", place.layout))
        left.addWidget(group("Supervisors and assessor", people.layout))
        left.addWidget(group("Approval", approval.layout))
        left.addStretch(1)

        # Interruptions push the planned end back.
        self.interruptions = table(["From", "Until", "Days", "Reason"])
        self.interruptions.setMinimumHeight(70)
        self.interruptions.setMaximumHeight(110)
        self.int_start = QLineEdit()
        self.int_start.setPlaceholderText(f"from ({DATE_HINT})")
        fit_width(self.int_start, f"until ({DATE_HINT})")
        self.int_end = QLineEdit()
        self.int_end.setPlaceholderText(f"until ({DATE_HINT})")
        fit_width(self.int_end, f"until ({DATE_HINT})")
        self.int_reason = QLineEdit()
        self.int_reason.setPlaceholderText("reason (holiday, optional course, ...)")
        self.int_add = QPushButton("Add")
        self.int_remove = QPushButton("Remove selected")
        # Two rows: the dates keep their full width without pushing the column past 1366x768.
        dates = QHBoxLayout()
        dates.addWidget(self.int_start)
        dates.addWidget(self.int_end)
        dates.addStretch(1)
        row = QHBoxLayout()
        for w in (self.int_reason, self.int_add, self.int_remove):
            row.addWidget(w)
        row.setStretch(0, 1)
        self.int_error = error_label(self)
        box = QVBoxLayout()
        box.addLayout(planning.layout)
        box.addWidget(QLabel("Interruptions"))
        box.addWidget(self.interruptions)
        box.addLayout(dates)
        box.addLayout(row)
        box.addWidget(self.int_error)
        self.int_add.clicked.connect(self._add_interruption)
        self.int_remove.clicked.connect(self._remove_interruption)

        self.portfolio = PortfolioTable(ctx)
        self.portfolio.received.connect(lambda item_id, when: mark_received(self.ctx, self.portfolio, item_id, when))
        self.documents = portfolio_documents(ctx, self.portfolio)
        right = QVBoxLayout()
        pbox = QVBoxLayout()
        pbox.addWidget(self.portfolio)
        pbox.addWidget(self.documents)
        pbox.addWidget(hint("Only a complete portfolio leads to registration of the grade and credits."))
        right.addWidget(group("Planning", box))
        right.addWidget(group("Marks", marks.layout))
        right.addStretch(1)
        # The portfolio, what the coordinator chases, first and across the whole width: its eight
        # items on one line each, every row in view.
        grid.addWidget(self.status, 0, 0, 1, 2)
        grid.addWidget(group("Portfolio", pbox), 1, 0, 1, 2)
        grid.addLayout(left, 2, 0)
        grid.addLayout(right, 2, 1)

    def fill(self, view: InternshipView, record: StudentRecord) -> None:
        self.view = view
        values = dict(view.fields)
        ev = view.evaluation
        plan = ev.schedule if ev else None
        values["planned_end"] = (
            f"{day(plan.planned_end)}  ({plan.weeks:g} weeks of work, {plan.length_days} days)"
            if plan
            else "set a start date"
        )
        values["halfway"] = day(plan.halfway) if plan else ""
        values["report_mean"] = mark(ev.mark.report) if ev and ev.mark.report is not None else ""
        if ev and ev.mark.final is not None:
            values["final_mark"] = f"{mark(ev.mark.final)} ({'pass' if ev.mark.passed() else 'fail'})"
        else:
            missing = ", ".join(MARK_NAMES.get(m, m) for m in ev.mark.missing) if ev else ""
            values["final_mark"] = f"missing: {missing}" if missing else ""
        for form in self.forms:
            form.fill({k: values.get(k) for k in form.editors})
        if not view.planned:
            self.status.setText(f"The {view.name.lower()} is not planned yet: fill in any field to plan it.")
        elif ev:
            approval = ev.approval_label
            portfolio = "portfolio complete" if ev.portfolio_complete else "portfolio not complete"
            self.status.setText(f"{approval} · {portfolio}" + ("".join(f"<br>⚠ {w}" for w in ev.warnings)))
        self.interruptions.setRowCount(len(view.interruptions))
        for r, period in enumerate(view.interruptions):
            self.interruptions.setItem(r, 0, cell(day(period.start), period.id))
            self.interruptions.setItem(r, 1, cell(day(period.end)))
            self.interruptions.setItem(r, 2, cell(str((period.end - period.start).days + 1)))
            self.interruptions.setItem(r, 3, cell(period.reason))
        self.int_error.hide()
        self.portfolio.fill(view.items, record.as_of)
        self.documents.fill(record.documents)

    def _edit(self, form: FieldForm, field: str, value: object) -> None:
        record = self.ctx.record
        if record is None:
            return
        ws, sid, kind = self.ctx.ws, record.id, self.kind
        label = field_label("internship", field)
        changes = {field: value}
        shown = said_in(form, field, value)
        if field.endswith("_id"):  # chosen from the register: named as the field now shows it
            label = field_label("internship", field[:-3])
            shown = form.line(field[:-3]).text()
        if (
            field == "approval_status"
            and isinstance(value, str)
            and is_decision(value)
            and not (self.view and self.view.fields.get("approval_date"))
        ):
            # Deciding needs a date: take the one typed in the form, if any.
            typed = form.line("approval_date").text().strip()
            if typed:
                changes["approval_date"] = typed
        if field in HOST_OWN and not self._host_change_agreed(field, value, shown):
            form.put_back(field, form.stored(field) or "")  # the record shows what is saved again
            return
        planned = bool(self.view and self.view.planned)

        def make_undo(old: dict[str, Any]) -> Callable[[], Any] | None:
            if not planned:
                # The first field planned the internship (and its portfolio): undo takes all that back.
                return lambda: service.unplan_internship(ws, sid, kind, added_people(old), added_host(old))
            return (lambda: service.update_internship(ws, sid, kind, **approval_date_first(old))) if old else None

        text = f"change {label} of the {self._name()} to {shown}"
        self.ctx.attempt(
            form,
            field,
            text,
            lambda: service.update_internship(ws, sid, kind, **changes),
            make_undo,
            kinds=Kind.INTERNSHIPS,
        )

    def _host_change_agreed(self, field: str, value: object, shown: str) -> bool:
        """True unless other internships share the chosen host and the coordinator does not want
        them changed too (how many: read with the record, services/record_view.InternshipView)."""
        others = self.view.host_shared_with if self.view else 0
        if not others or self.view is None:
            return True
        fields = self.view.fields
        host = ", ".join(part for part in (fields.get("host"), fields.get("department")) if part)
        if field == "is_umc":
            change = f"{'ticking' if value else 'unticking'} 'at a university medical center'"
        elif field == "country":
            change = f"setting the country to {shown}"
        else:
            change = f"setting the department to {shown or '(none)'}"
        return SharedHostChange.ask(self, host, others, change)

    def _name(self) -> str:
        """How the Edit menu names this internship ("minor internship")."""
        return self.view.name.lower() if self.view else f"{self.kind} internship"

    def _add_interruption(self) -> None:
        record = self.ctx.record
        if record is None:
            return
        try:
            start = parse_date(self.int_start.text(), "interruption")
            end = parse_date(self.int_end.text(), "interruption")
        except DomainError as exc:
            self.show_interruption_error(exc.message)
            return
        ws, sid, kind, reason = self.ctx.ws, record.id, self.kind, self.int_reason.text()

        class _Errors:
            def __init__(self, panel: InternshipPanel) -> None:
                self.panel = panel

            def show_error(self, _field: str | None, message: str) -> bool:
                self.panel.show_interruption_error(message)
                return True

            def clear_errors(self) -> None:
                self.panel.int_error.hide()

        made = Created(self.ctx.ids, "interruption")  # a redo adds it again, with a new id

        def make_undo(new_id: int) -> Callable[[], Any]:
            period = made.at(new_id)
            return lambda: period.gone(service.remove_interruption(ws, period.id))

        if self.ctx.attempt(
            _Errors(self),
            "interruption",
            f"add interruption {day(start)} - {day(end)} to the {self._name()}",
            lambda: service.add_interruption(ws, sid, kind, start, end, reason),
            make_undo,
            kinds=Kind.INTERNSHIPS,
        ):
            for edit in (self.int_start, self.int_end, self.int_reason):
                edit.clear()

    def _remove_interruption(self) -> None:
        row = self.interruptions.currentRow()
        if self.view is None or not 0 <= row < len(self.view.interruptions):
            self.show_interruption_error("Select an interruption to remove.")
            return
        period = self.view.interruptions[row]
        ws = self.ctx.ws
        remembered = self.ctx.ids.remember("interruption", period.id)
        self.ctx.attempt(
            None,
            "interruption",
            f"remove interruption {day(period.start)} - {day(period.end)} from the {self._name()}",
            lambda: remembered.gone(service.remove_interruption(ws, remembered.id)),
            lambda removed: lambda: remembered.moved_to(service.restore_interruption(ws, removed)),
            kinds=Kind.INTERNSHIPS,
        )

    def show_interruption_error(self, message: str) -> None:
        self.int_error.setText(message)
        self.int_error.show()


class InternshipsPage(RecordPage):
    key = "internships"
    title = "Internships"

    def __init__(self, ctx: RecordContext) -> None:
        super().__init__(ctx)
        self.inner = QTabWidget()
        self.panels = {"minor": InternshipPanel(ctx, "minor"), "major": InternshipPanel(ctx, "major")}
        self.inner.addTab(scrolling(self.panels["minor"]), "Minor internship")
        self.inner.addTab(scrolling(self.panels["major"]), "Major internship")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 4, 0, 0)
        layout.addWidget(self.inner)

    def applies(self, programme: Programme) -> bool:
        return programme.internships is not None

    def show_part(self, part: str) -> None:
        if part in self.panels:
            self.inner.setCurrentIndex(list(self.panels).index(part))

    def fill(self, record: StudentRecord) -> None:
        for kind, panel in self.panels.items():
            view = record.internships.get(kind)
            if view is not None:
                self.inner.setTabText(list(self.panels).index(kind), view.name)
                panel.fill(view, record)
