"""The export reads the cohort one group of students at a time and evaluates each student once.

Memory stays flat with the cohort's size only if no group outlives the next one and nothing
per student is collected for later: the Attention sheet reads the stored verdicts and is sorted
on disk.
"""

from __future__ import annotations

import gc
import weakref
from enum import Enum
from pathlib import Path

import openpyxl
import pytest

from coordinator_app.services import cohort_data
from coordinator_app.services.attention import attention_items
from coordinator_app.services.cohort_data import evaluated_chunks, select_students
from coordinator_app.spreadsheets.export import DUE_SOON_DAYS, export_to
from tests.spreadsheets.conftest import TODAY


def _attention_rows(path: Path) -> list[dict]:  # type: ignore[type-arg]
    """The Attention sheet's rows by column name (columns may be added; names stay)."""
    sheet = openpyxl.load_workbook(path, read_only=True)["Attention"]
    rows = sheet.iter_rows(values_only=True)
    headers = next(rows)
    return [dict(zip(headers, row)) for row in rows]


@pytest.mark.slow
def test_attention_sheet_reuses_the_overview_evaluations(
    demo_workspace, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Every student is evaluated once (for the Overview); the Attention sheet's graduation
    check reads the verdicts stored beside the data (the attention list below kept them) instead
    of evaluating the students again, and nothing per student is kept for it."""
    with demo_workspace.read() as s:
        students = len(select_students(s)[0])
    expected = attention_items(demo_workspace, TODAY, DUE_SOON_DAYS)
    assert any(i.component == "Graduation" for i in expected), "the demo must have graduation items to check"
    calls = []
    original = cohort_data.evaluate

    def counted(*args, **kwargs):  # type: ignore[no-untyped-def]
        calls.append(1)
        return original(*args, **kwargs)

    monkeypatch.setattr(cohort_data, "evaluate", counted)  # every evaluation of a group goes through it
    target = export_to(demo_workspace, tmp_path / "cohort.xlsx", as_of=TODAY)
    assert len(calls) == students
    rows = _attention_rows(target)
    # Same items, same order, same text as the attention list that evaluates by itself.
    assert [(r["Student number"], r["Component"], r["Item"]) for r in rows] == [
        (i.student_number, i.component, i.what) for i in expected
    ]


def test_attention_sheet_of_a_selection_lists_only_those_students(demo_workspace, tmp_path: Path) -> None:
    everyone = attention_items(demo_workspace, TODAY, DUE_SOON_DAYS)
    chosen = sorted({i.student_id for i in everyone})[:3]
    numbers = {i.student_number for i in everyone if i.student_id in chosen}
    rows = _attention_rows(export_to(demo_workspace, tmp_path / "few.xlsx", as_of=TODAY, student_ids=chosen))
    assert rows and {r["Student number"] for r in rows} == numbers
    assert len(rows) == sum(1 for i in everyone if i.student_id in chosen)


@pytest.mark.slow
def test_one_group_of_students_in_memory_at_a_time(demo_workspace) -> None:
    """A group is released before the next one is read (the caller drops it as well)."""
    with demo_workspace.read() as s:
        ids, _ = select_students(s)
        groups = evaluated_chunks(s, ids, demo_workspace.programmes, TODAY, size=40)
        chunk, evaluations = next(groups)
        first = weakref.ref(chunk)
        del chunk, evaluations
        next(groups)
        gc.collect()
        assert first() is None
        groups.close()


def test_selection_is_compact_and_in_reading_order(demo_workspace) -> None:
    from sqlalchemy import select

    from coordinator_app.store import models as m

    with demo_workspace.read() as s:
        ids, programmes = select_students(s)
        rows = s.execute(
            select(m.Student.id, m.Programme.code, m.Cohort.start_year, m.Student.student_number)
            .join(m.Programme, m.Student.programme_id == m.Programme.id)
            .join(m.Cohort, m.Student.cohort_id == m.Cohort.id)
        ).all()
        few, few_programmes = select_students(s, student_ids=[rows[0][0]])
    assert ids.typecode == "q"  # 8 bytes a student, not a row tuple
    assert list(ids) == [r[0] for r in sorted(rows, key=lambda r: (r[1], r[2], r[3]))]
    assert programmes == {r[1] for r in rows}
    assert list(few) == [rows[0][0]] and few_programmes == {rows[0][1]}


class _Status(str, Enum):
    FORMULA = "=1+1"
    PLAIN = "overdue"


def test_sheet_writer_treats_str_subclasses_and_control_characters_like_text(tmp_path: Path) -> None:
    from openpyxl import Workbook

    from coordinator_app.spreadsheets.cells import Column, SheetWriter

    wb = Workbook(write_only=True)
    sheet = SheetWriter(wb, "Test", [Column("A"), Column("B"), Column("C"), Column("D", "int")])
    sheet.append((_Status.FORMULA, _Status.PLAIN, "bell\x07 and\ttab", True))
    sheet.append(("", "caf\u00e9\u00a0noir", "\x01", 3))
    sheet.finish()
    wb.save(tmp_path / "w.xlsx")
    rows = list(openpyxl.load_workbook(tmp_path / "w.xlsx")["Test"].iter_rows(min_row=2))
    first, second = rows
    assert first[0].value == "=1+1" and first[0].data_type == "s" and first[0].quotePrefix
    assert first[1].value == "overdue" and first[2].value == "bell and\ttab" and first[3].value == "yes"
    assert second[0].value is None and second[1].value == "caf\u00e9\u00a0noir" and second[2].value is None
    assert second[3].value == 3 and second[3].number_format == "0"


def test_the_attention_sheet_needs_no_stored_verdicts(
    demo_workspace, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A database where no verdict is stored yet (a new demo, one from before they were kept): the
    export stores the missing ones a round at a time after the rows, so the Attention sheet works
    none out (and holds none), and lists what the attention list lists, in its order."""
    from coordinator_app.services import attention
    from coordinator_app.store import models as m

    worked_out: list[int] = []
    original = attention.verdicts_for

    def counted(*args, **kwargs):  # type: ignore[no-untyped-def]
        verdicts, fresh = original(*args, **kwargs)
        worked_out.extend(fresh)
        return verdicts, fresh

    monkeypatch.setattr(attention, "verdicts_for", counted)

    with demo_workspace.keep_derived() as s:
        s.execute(m.table(m.Readiness).delete())
    with demo_workspace.read() as s:
        assert s.execute(m.table(m.Readiness).select()).first() is None
    rows = _attention_rows(export_to(demo_workspace, tmp_path / "cohort.xlsx", as_of=TODAY))
    # The export stored the verdicts it found missing, a round at a time, before the Attention
    # sheet asked for them (the attention list would otherwise work them all out and hold them).
    with demo_workspace.read() as s:
        assert s.execute(m.table(m.Readiness).select()).first() is not None
    assert worked_out == []
    expected = attention_items(demo_workspace, TODAY, DUE_SOON_DAYS)
    assert any(i.component == "Graduation" for i in expected)
    assert [(r["Student number"], r["Component"], r["Item"]) for r in rows] == [
        (i.student_number, i.component, i.what) for i in expected
    ]


def test_every_round_of_students_sends_the_same_sql_texts(
    demo_workspace, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The sqlite3 driver keeps a prepared statement (~100 KB with a few hundred values) for each of
    the last 128 SQL texts a connection ran. An IN list whose length changed from round to round (the
    people chosen around a group, the graduation candidates whose verdict is looked up) made a new text
    almost every round: the export's memory grew round after round up to that bound (5 MB at 10,000
    students, ~17 MB at 100,000). Now such lists are padded to a few lengths: over twelve rounds each
    query is sent as at most two texts."""
    import re
    from collections import Counter

    from sqlalchemy import event

    from coordinator_app.services.cohort_data import padded
    from coordinator_app.spreadsheets import export as export_module

    assert padded([5]) == [5] * 64 and padded(list(range(65))) == [*range(65), *[64] * 63]
    monkeypatch.setattr(export_module, "EXPORT_CHUNK", 10)
    with demo_workspace.read() as s:
        assert len(select_students(s)[0]) >= 110  # eleven rounds or more
    seen: set[str] = set()

    def note(conn, cursor, statement, parameters, context, executemany) -> None:  # type: ignore[no-untyped-def]
        seen.add(statement)

    event.listen(demo_workspace.engine, "before_cursor_execute", note)
    try:
        export_to(demo_workspace, tmp_path / "cohort.xlsx", as_of=TODAY)
    finally:
        event.remove(demo_workspace.engine, "before_cursor_execute", note)
    # The same query with its IN list of another length: the same text once the list is one "?".
    texts = Counter(re.sub(r"\?(, \?)*", "?", text) for text in seen)
    assert max(texts.values()) <= 2, [text[:80] for text, n in texts.items() if n > 2]
