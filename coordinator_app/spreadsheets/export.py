"""Export a cohort (or any selection of students) to one Excel workbook.

`export_workbook` is a generator that yields `Progress`, so the GUI can run it in a worker
thread with a cancellable progress dialog. It writes to a hidden temporary file next to
the target and moves it into place only at the very end: a cancelled (generator closed)
or failed export leaves the target untouched and no temporary file behind.
"""

from __future__ import annotations

import os
import tempfile
from array import array
from collections.abc import Callable, Generator
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import select

from coordinator_app import __version__
from coordinator_app.domain.attention import Urgency
from coordinator_app.domain.errors import DomainError
from coordinator_app.domain.programme import Programme
from coordinator_app.domain.student import Evaluation
from coordinator_app.durable import replace_durably
from coordinator_app.services.attention import graduation_months, unsorted_attention_items
from coordinator_app.services.cohort_data import (
    Chunk,
    Record,
    evaluated_chunks,
    longest_text_values,
    nobody_in,
    padded,
    select_students,
)
from coordinator_app.services.dashboard import Scope, figures_in
from coordinator_app.services.lookup import find_programme
from coordinator_app.services.verdicts import STORED_COLUMNS, Stored, V, keep
from coordinator_app.services.workspace import Workspace
from coordinator_app.spreadsheets.attention_sheet import Attention, attention_columns, sorted_on_disk
from coordinator_app.spreadsheets.cells import Column, SheetWriter, discard
from coordinator_app.spreadsheets.dashboard_sheet import write_dashboard
from coordinator_app.spreadsheets.export_plan import SHEETS, TABLE_SHEETS, default_file_name, sheets_for
from coordinator_app.spreadsheets.round_trip import Ledger
from coordinator_app.spreadsheets.sheets import (
    DUE_SOON_DAYS,
    STUDENT_COLUMNS,
    academic_core_columns,
    cohort_label,
    course_columns,
    internship_columns,
    literature_columns,
    overview_columns,
    portfolio_columns,
)
from coordinator_app.spreadsheets.student_lines import Line, StudentLines

if TYPE_CHECKING:
    from openpyxl import Workbook
    from sqlalchemy.orm import Session

__all__ = [
    "DUE_SOON_DAYS",
    "SHEETS",
    "TABLE_SHEETS",
    "ExportError",
    "Progress",
    "default_file_name",
    "export_to",
    "export_workbook",
    "sheets_for",
]


# Students read, evaluated and written per round: a round's rows and verdicts are the export's
# largest part of memory (~16 MB for 1,000 students), and smaller rounds cost a few more queries.
EXPORT_CHUNK = 250


@dataclass
class Progress:
    done: int
    total: int
    message: str


@dataclass(frozen=True)
class SavedWorkbook:
    """What an export says at the end: what was saved where, and whether the workbook can be
    imported back (a very large one cannot: round_trip.Ledger.after_saving)."""

    said: str
    comes_back: bool


class ExportError(DomainError):
    """The workbook could not be written (folder missing, no permission, disk full)."""


def export_to(
    ws: Workspace,
    target: Path,
    *,
    programme: str | None = None,
    cohort: int | None = None,
    student_ids: list[int] | None = None,
    as_of: date | None = None,
) -> Path:
    """Run the export to the end (CLI, tests); returns the path written."""
    chosen = export_workbook(ws, target, programme=programme, cohort=cohort, student_ids=student_ids, as_of=as_of)
    for _ in chosen:
        pass
    return Path(target)


def _students(n: int) -> str:
    return f"{n:,} student{'' if n == 1 else 's'}"


class _NoSheet:
    """A sheet the selected programmes do not have: rows for it have nowhere to go."""

    def add(self, source: object) -> None:
        pass

    def finish(self) -> None:
        pass

    def highlight_status(self, header: str, red: str, amber: str) -> None:
        pass

    def highlight_positive(self, header: str) -> None:
        pass


class _Widths:
    """Widths that fit the longest value in the database (column widths precede the rows
    in a streamed sheet, so they are measured up front with one aggregate query per table)."""

    def __init__(self, session: Session) -> None:
        self.sizes = longest_text_values(session)

    def __call__(self, key: str, minimum: int = 6) -> int:
        return min(max(self.sizes.get(key, 0), minimum), 50)


class _Book:
    """The sheets (seven at most, their columns in spreadsheets/sheets.py) and how one student
    becomes rows on them."""

    def __init__(self, wb: Workbook, programmes: list[Programme], widths: _Widths, as_of: date) -> None:
        self.programmes = programmes
        self.as_of = as_of
        wanted = sheets_for(programmes)

        def sheet(
            title: str,
            columns: list[Column],
            frozen: int = STUDENT_COLUMNS,
            has: Callable[[Programme], object] = lambda p: True,
        ) -> SheetWriter | _NoSheet:
            if title not in wanted:
                return _NoSheet()
            pass_marks = {p.code: p.pass_mark for p in programmes if has(p)}  # whose grades land on the sheet
            return SheetWriter(wb, title, columns, frozen, pass_marks)

        self.overview = sheet("Overview", overview_columns(programmes, widths))
        self.courses = sheet("Courses", course_columns(widths))
        self.internships = sheet("Internships", internship_columns(widths), has=lambda p: p.internships)
        self.portfolio = sheet("Portfolio", portfolio_columns(widths))
        self.literature = sheet("Literature Study", literature_columns(widths), has=lambda p: p.literature_study)
        self.academic_core = sheet("Academic Core", academic_core_columns(widths))
        self.attention = sheet("Attention", attention_columns(widths), 1)
        # What the export wrote in the cells a coordinator may change, so the workbook can come back.
        self.ledger = Ledger(
            wb, "cohort workbook", {"as_of": as_of.isoformat(), "programmes": [p.code for p in programmes]}
        )
        self.courses = self.ledger.follow("Courses", self.courses)
        self.internships = self.ledger.follow("Internships", self.internships)
        self.portfolio = self.ledger.follow("Portfolio", self.portfolio)
        self.literature = self.ledger.follow("Literature Study", self.literature)
        self.by_code = {p.code: p for p in programmes}
        self.component_names: dict[tuple[str, str], str] = {}
        # Graduation candidates whose verdict is not stored (a new demo, an import): stored in rounds
        # after the rows, so the Attention sheet reads them instead of working out and holding them all.
        self.graduation_months = graduation_months(as_of, DUE_SOON_DAYS)
        self.unjudged: array[int] = array("q")

    # -- one student -------------------------------------------------------------------------
    def add_student(self, s: Record, chunk: Chunk, ev: Evaluation) -> None:
        student = StudentLines(s, self.by_code[s.programme], ev, chunk, self.as_of, self._component_name)
        for attempts in student.results.values():
            for result in attempts:
                self.courses.add(Line(student, result))
        self.overview.add(Line(student))
        for kind in ("minor", "major"):
            if kind in student.internships:
                self.internships.add(Line(student, student.internships[kind]))
        for item in student.items:
            self.portfolio.add(Line(student, item))
        if student.literature is not None:
            self.literature.add(Line(student, student.literature))
        for n, meeting in enumerate(chunk.meetings.get(s.id, ()), 1):
            self.academic_core.add(Line(student, (n, meeting)))

    def note_unjudged(self, s: Session, chunk: Chunk) -> None:
        """This round's students the Attention sheet asks a verdict of (a graduation month near the
        window, or passed for an active student) whose stored verdict is missing or does not fit."""
        first, last = self.graduation_months
        now = self.as_of.year * 100 + self.as_of.month
        candidates: dict[int, str] = {}
        for student in chunk.students:
            plan = chunk.plans.get(student.id)
            planned = plan.planned_year * 100 + plan.planned_month if plan else 0
            if plan and (first <= planned <= last or (student.status == "active" and planned <= now)):
                candidates[student.id] = student.programme
        if not candidates:
            return
        # Padded to one length, so every round sends the same SQL text (cohort_data.padded).
        wanted = padded(list(candidates))
        query = select(V.c.student_id, *STORED_COLUMNS).where(V.c.student_id.in_(wanted))
        stored = {row[0]: Stored(*row[1:]) for row in s.connection().execute(query)}
        for sid, code in candidates.items():
            found = stored.get(sid)
            if found is None or not found.fits(self.by_code[code], self.as_of):
                self.unjudged.append(sid)

    def _component_name(self, programme: Programme, key: str) -> str:
        """Looked up once per programme and key (it is asked for every course result and item)."""
        name = self.component_names.get((programme.code, key))
        if name is None:
            try:
                name = programme.component(key).name
            except KeyError:
                name = key.replace("_", " ").capitalize()
            self.component_names[(programme.code, key)] = name
        return name

    def finish(self) -> None:
        for part in (
            self.overview,
            self.courses,
            self.internships,
            self.portfolio,
            self.literature,
            self.academic_core,
            self.attention,
        ):
            part.finish()
        red, amber = Urgency.OVERDUE.label, Urgency.DUE_SOON.label
        self.portfolio.highlight_status("Status", red, amber)
        self.attention.highlight_status("Status", red, amber)
        self.overview.highlight_positive("Portfolio items overdue")


def _properties(
    wb: Any,  # a Workbook: its stubs miss custom_doc_props
    programmes: list[Programme],
    cohort: int | None,
    as_of: date,
    students: int,
) -> None:
    from openpyxl.packaging.custom import IntProperty, StringProperty

    names = ", ".join(p.name for p in programmes)
    cohort_text = f"cohort {cohort_label(cohort)}" if cohort else "all cohorts"
    props = wb.properties
    props.title = f"{names}: {cohort_text}"
    props.subject = names
    props.keywords = f"{', '.join(p.code for p in programmes)}; {cohort_text}"
    props.description = (
        f"Student progress as of {as_of:%d-%m-%Y}, {students} students. Made by Coordinator App {__version__}."
    )
    props.creator = "Coordinator App"
    props.created = props.modified = datetime.now().replace(microsecond=0)
    wb.custom_doc_props.append(StringProperty(name="Programme", value=", ".join(p.code for p in programmes)))
    wb.custom_doc_props.append(StringProperty(name="Cohort", value=cohort_label(cohort) if cohort else "all"))
    wb.custom_doc_props.append(StringProperty(name="As of", value=as_of.isoformat()))
    wb.custom_doc_props.append(IntProperty(name="Students", value=students))


def export_workbook(
    ws: Workspace,
    target: Path,
    *,
    programme: str | None = None,
    cohort: int | None = None,
    student_ids: list[int] | None = None,
    as_of: date | None = None,
) -> Generator[Progress, None, SavedWorkbook]:
    """Write the cohort workbook to `target`, yielding progress; close the generator to cancel. Its
    value is what the last step said (what was saved where, and whether it can come back)."""
    from openpyxl import Workbook

    target = Path(target)
    as_of = as_of or ws.as_of()
    code = find_programme(ws.programmes, programme).code if programme else None
    if not target.parent.is_dir():
        raise ExportError(f"The folder {target.parent} does not exist.", "target")
    try:
        fd, name = tempfile.mkstemp(prefix=f".{target.stem}.", suffix=".xlsx.part", dir=target.parent)
    except OSError as exc:
        raise ExportError(f"Cannot write in {target.parent}: {exc.strerror}.", "target") from exc
    os.close(fd)
    temporary = Path(name)
    wb = None
    finished = False
    try:
        with ws.read() as s:
            ids, present = select_students(s, code, cohort, student_ids)
            if not ids:
                what = "There are no students in this selection" if student_ids is not None else nobody_in(code, cohort)
                raise ExportError(f"{what}; nothing to export.")
            programmes = [p for c, p in sorted(ws.programmes.items()) if c in present]
            total = len(ids) + 2
            yield Progress(0, total, "Reading the students")
            wb = Workbook(write_only=True)
            book = _Book(wb, programmes, _Widths(s), as_of)
            done = 0
            for chunk, evaluations in evaluated_chunks(s, ids, ws.programmes, as_of, EXPORT_CHUNK):
                for student, ev in zip(chunk.students, evaluations):
                    book.add_student(student, chunk, ev)
                book.note_unjudged(s, chunk)
                done += len(chunk.students)
                del chunk, evaluations  # one group of students in memory at a time
                yield Progress(done, total, f"{done} of {len(ids)} students written")
            # The Dashboard sheet's figures, from the same transaction as the rows.
            chosen = None if student_ids is None else tuple(ids)
            figures = figures_in(s, ws.programmes, as_of, Scope(code, cohort, chosen))
        for start in range(0, len(book.unjudged), EXPORT_CHUNK):  # a round at a time: memory stays flat
            keep(ws, list(book.unjudged[start : start + EXPORT_CHUNK]), as_of)
        # The attention list covers the same programme and cohort (active students only), so
        # only an explicit selection of students needs filtering. Its graduation items read the
        # verdicts stored beside the data (services/verdicts.py), not ones kept from the rows above.
        wanted = None if student_ids is None else set(ids)
        items = unsorted_attention_items(ws, as_of, DUE_SOON_DAYS, code, cohort)
        for item in sorted_on_disk(i for i in items if wanted is None or i.student_id in wanted):
            book.attention.add(Attention(item, as_of))
        book.finish()
        write_dashboard(wb, figures)
        # The ledger stays the last sheet, after the Dashboard (made once the figures are known).
        book.ledger.move_last()
        _properties(wb, programmes, cohort, as_of, len(ids))
        yield Progress(total - 1, total, "Saving the workbook")
        try:
            wb.save(temporary)
            replace_durably(temporary, target)  # fsync, then rename: never an empty file after a power cut
        except OSError as exc:
            raise ExportError(
                f"Could not write {target}: {exc.strerror or exc}. Nothing was saved there.", "target"
            ) from exc
        finished = True
        too_large = book.ledger.after_saving()
        said = f"Saved {_students(len(ids))} to {target}{too_large}"
        yield Progress(total, total, said)
        return SavedWorkbook(said, comes_back=not too_large)
    finally:
        if not finished:
            discard(wb)
            temporary.unlink(missing_ok=True)
