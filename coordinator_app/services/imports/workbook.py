"""A workbook the app exported, back with a coordinator's changes: the review, then the changes made.

The spreadsheet side (spreadsheets/round_trip.py) hands over each cell a coordinator may have
changed as an `Edit`: where it is, which part of which record it belongs to, what the export wrote
there and what the file holds now. The review reads every such cell as the service would
(services/imports/workbook_parts.py) and sorts it:

- the same value as exported (or as the app has now): not a change;
- changed in the file while the app still has what was exported: a change, old -> new;
- changed in the file AND in the app since the export (to something else): a conflict, shown and
  never applied: the app's value stays;
- refused by the rules: named by sheet, row and column with the rule's own words.

The rules are asked by rehearsing every change through its service in one transaction that is
rolled back (`Workspace.rehearse`). Applying makes the accepted changes through the same services
in ONE transaction (`Workspace.together`), after checking that nothing they touch changed since
the review, and returns what takes them back again as one step (the window's undo).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, joinedload

from coordinator_app.domain.errors import DomainError
from coordinator_app.domain.values import CellValue
from coordinator_app.services.imports.cells import one_of
from coordinator_app.services.imports.plan import ImportRefused
from coordinator_app.services.imports.workbook_parts import (
    Current,
    Undo,
    change,
    changeable,
    keys_of,
    read_cell,
    read_current,
    shown,
)
from coordinator_app.services.snapshot import JUDGED_AT_COMMIT
from coordinator_app.services.workspace import Workspace
from coordinator_app.store import models as m

CHANGE, CONFLICT, REFUSED = "change", "conflict", "refused"
_UNREADABLE = object()  # an exported value the rules no longer read (never equal to anything)


@dataclass(frozen=True)
class Place:
    """A cell of the file, as the coordinator finds it again."""

    sheet: str
    row: int
    column: str  # the column's header
    cell: str = ""  # "H12"

    def __str__(self) -> str:
        return f"{self.sheet}, row {self.row}, {self.column}"


@dataclass(frozen=True)
class Edit:
    """One cell of an exported part of a record: what the export wrote and what the file holds now."""

    place: Place
    part: str  # workbook_parts.RESULT, INTERNSHIP, ...
    key: tuple[Any, ...]  # (student id, ...): the part's natural key
    field: str
    exported: CellValue  # what the export wrote
    value: CellValue  # what the file holds now


@dataclass
class ReviewLine:
    """One line of the review: a change, a conflict or a refusal, per student and field."""

    place: Place
    status: str  # CHANGE | CONFLICT | REFUSED
    student_number: str = ""
    student: str = ""
    what: str = ""  # the part of the record: "PM-PERS attempt 2", "Minor internship", ...
    exported: str = ""  # what the export wrote
    old: str = ""  # what the app has now
    new: str = ""  # what the file holds
    reason: str = ""
    part: str = ""
    key: tuple[Any, ...] = ()
    field: str = ""
    old_value: Any = None
    new_value: Any = None
    stored: dict[str, Any] = dataclasses.field(default_factory=dict, repr=False)  # the whole part as the app has it

    def __str__(self) -> str:
        who = f"{self.student_number} {self.what}: " if self.student_number else ""
        if self.status == CHANGE:
            return f"{self.place}: {who}{self.old or '(empty)'} -> {self.new or '(empty)'}"
        if self.status == CONFLICT:
            return (
                f"{self.place}: {who}changed in the app since the export ({self.exported or '(empty)'} -> "
                f"{self.old or '(empty)'}) and in the file (-> {self.new or '(empty)'}); the app's value stays"
            )
        return f"{self.place}: {who}{self.reason.rstrip('.')}"


@dataclass
class Review:
    """What importing a workbook would do; nothing written yet."""

    source: str
    lines: list[ReviewLine] = field(default_factory=list)
    unchanged: int = 0  # parts of records read back with nothing changed

    def of(self, status: str) -> list[ReviewLine]:
        return [line for line in self.lines if line.status == status]

    @property
    def changes(self) -> list[ReviewLine]:
        return self.of(CHANGE)

    @property
    def conflicts(self) -> list[ReviewLine]:
        return self.of(CONFLICT)

    @property
    def refused(self) -> list[ReviewLine]:
        return self.of(REFUSED)

    def summary(self) -> str:
        students = len({line.student_number for line in self.changes})
        return (
            f"{_count(len(self.changes), 'change')} for {_count(students, 'student')}, "
            f"{_count(len(self.conflicts), 'conflict')}, {len(self.refused)} refused"
        )


def _count(n: int, word: str) -> str:
    return f"{n:,} {word}{'' if n == 1 else 's'}"


def review_workbook(
    ws: Workspace, edits: Iterable[Edit], source: str, problems: Iterable[tuple[Place, str]] = ()
) -> Review:
    """Sort every edited cell into change, conflict or refusal (module docstring); nothing is written.
    `problems`: what the file side already refused (a row the export did not have, a repeated row)."""
    review = Review(source)
    review.lines.extend(ReviewLine(place, REFUSED, reason=reason) for place, reason in problems)
    edits = list(edits)
    with ws.read() as s:
        current = read_current(s, ws.programmes, keys_of((e.part, *e.key) for e in edits))
    touched: set[tuple[Any, ...]] = set()
    for edit in edits:
        line = _sort(edit, current.get((edit.part, *edit.key)))
        if line is not None:
            review.lines.append(line)
            touched.add((edit.part, *edit.key))
    review.unchanged = len({(e.part, *e.key) for e in edits} - touched)
    _rehearse(ws, review)
    review.lines.sort(key=lambda line: (line.place.sheet, line.place.row, line.place.column))
    return review


def _sort(edit: Edit, now: Current | None) -> ReviewLine | None:
    place = edit.place
    if not changeable(edit.part, edit.field):
        return ReviewLine(place, REFUSED, reason="this column is not read back into the app; change it there")
    if now is None:
        return ReviewLine(
            place,
            REFUSED,
            reason="this part of the record is no longer in the app (removed or deleted since the export)",
        )
    line = ReviewLine(
        place, CHANGE, now.student_number, now.student, now.what, part=edit.part, key=edit.key, stored=now.values
    )
    line.field = edit.field
    try:
        new = read_cell(edit.part, edit.field, edit.value)
    except DomainError as exc:
        line.status, line.reason, line.new = REFUSED, exc.message, _cell_text(edit.value)
        return line
    try:
        exported = read_cell(edit.part, edit.field, edit.exported)
    except DomainError:
        exported = _UNREADABLE
    stored = now.values.get(edit.field)
    if new in (exported, stored):
        return None  # as exported (only written differently), or the app has it already
    line.exported = "" if exported is _UNREADABLE else shown(edit.field, exported)
    line.old, line.new = shown(edit.field, stored), shown(edit.field, new)
    line.old_value, line.new_value = stored, new
    if stored != exported:
        line.status = CONFLICT
    return line


def _cell_text(value: object) -> str:
    return "" if value is None else str(value).strip()


def _groups(lines: Iterable[ReviewLine]) -> dict[tuple[Any, ...], list[ReviewLine]]:
    groups: dict[tuple[Any, ...], list[ReviewLine]] = {}
    for line in lines:
        groups.setdefault((line.part, *line.key), []).append(line)
    return groups


def _rehearse(ws: Workspace, review: Review) -> None:
    """Each part's changes through its service, in a transaction that is rolled back: a change the
    rules refuse becomes a refusal with the rule's words, and the others of that part are tried again."""
    groups = _groups(review.changes)
    if not groups:
        return
    with ws.rehearse() as s:
        s.info[JUDGED_AT_COMMIT] = True  # rolled back: nobody needs the EC totals in between
        held = _hold(s, groups)  # noqa: F841 (kept alive for the loop)
        for (part, *key), lines in groups.items():
            pending = list(lines)
            while pending:
                try:
                    change(ws, part, tuple(key), _new(pending), _now(pending))
                    break
                except DomainError as exc:
                    blamed = [line for line in pending if line.field == exc.field] or pending
                    for line in blamed:
                        line.status, line.reason = REFUSED, exc.message
                    pending = [line for line in pending if line not in blamed]


def _hold(session: Session, groups: dict[tuple[Any, ...], list[ReviewLine]]) -> list[m.Student]:
    """The batch's students with their programme and cohort, read in one query and held for the
    batch: the session keeps an object only while something refers to it, so without this every
    action's service read its student and programme again."""
    ids = {int(key[1]) for key in groups}
    S = m.Student
    return list(
        session.scalars(select(S).where(one_of(S.id, ids)).options(joinedload(S.programme), joinedload(S.cohort)))
    )


def _new(lines: list[ReviewLine]) -> dict[str, Any]:
    return {line.field: line.new_value for line in lines}


def _now(lines: list[ReviewLine]) -> dict[str, Any]:
    return {**lines[0].stored, **{line.field: line.old_value for line in lines}}


@dataclass
class Applied:
    """The changes a workbook made, and the calls that take them back (in reverse order)."""

    review: Review
    undos: list[Undo]
    changed: int
    skipped: int
    conflicts: int

    def summary(self) -> str:
        students = len({line.student_number for line in self.review.changes})
        text = f"{_count(self.changed, 'change')} for {_count(students, 'student')} imported"
        if self.conflicts:
            text += f"; {_count(self.conflicts, 'conflict')} kept the app's value"
        if self.skipped:
            text += f"; {self.skipped} refused cells skipped"
        return text


def apply_review(ws: Workspace, review: Review, *, skip_rejected: bool = False) -> Applied:
    """Make the review's changes in ONE transaction (all or nothing), through the services. Refused
    while cells are refused unless `skip_rejected`; conflicts are never applied. Refused when a
    value to change was changed in the app since the review."""
    refused = review.refused
    if refused and not skip_rejected:
        shown_lines = "; ".join(str(line) for line in refused[:5])
        more = f" (and {len(refused) - 5} more)" if len(refused) > 5 else ""
        raise ImportRefused(
            f"Nothing was imported: {_count(len(refused), 'cell')} of {review.source} "
            f"{'is' if len(refused) == 1 else 'are'} refused: {shown_lines}{more}.",
            skippable=True,
        )
    lines = review.changes
    if not lines:
        raise ImportRefused(f"Nothing to import: {review.source} changes nothing the app has.")
    undos: list[Undo] = []
    with ws.together() as s:
        s.info[JUDGED_AT_COMMIT] = True  # each student judged once, by the commit
        held = _hold(s, _groups(lines))  # noqa: F841 (kept alive for the loop)
        now = read_current(s, ws.programmes, keys_of((line.part, *line.key) for line in lines))
        for line in lines:
            stored = now.get((line.part, *line.key))
            if stored is None or stored.values.get(line.field) != line.old_value:
                raise ImportRefused(
                    f"Nothing was imported: {line.place} ({line.student_number} {line.what}) was changed in the "
                    "app since the review. Check the file again."
                )
        for (part, *key), group in _groups(lines).items():
            try:
                undos.append(change(ws, part, tuple(key), _new(group), _now(group)))
            except DomainError as exc:
                raise ImportRefused(f"Nothing was imported: {group[0].place}: {exc.message}") from exc
        ws.audit(s, "import workbook", "import", None, None, "file", None, review.source)
    return Applied(review, undos, len(lines), len(refused), len(review.conflicts))


def undo_applied(ws: Workspace, applied: Applied) -> None:
    """Take back everything one imported workbook changed, in one transaction (the window's undo)."""
    with ws.together() as s:
        s.info[JUDGED_AT_COMMIT] = True
        for undo in reversed(applied.undos):
            undo()
        ws.audit(s, "undo import workbook", "import", None, None, "file", applied.review.source, None)


def students_of(applied: Applied) -> list[int]:
    """The students an import changed (the window reads them again)."""
    return sorted({int(line.key[0]) for line in applied.review.changes})
