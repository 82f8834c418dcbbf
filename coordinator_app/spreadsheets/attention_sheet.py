"""The Attention sheet: the attention list's items in its order, sorted on disk.

The items come kind by kind (services/attention.py `unsorted_attention_items`) and the sheet wants
them by due date: 30,000 items at 100,000 students took ~20 MB as a sorted list. They go into a
private temporary SQLite database instead (SQLite keeps at most its small page cache in memory and
spills the rest to a file it deletes on close) and come back sorted, one row at a time, so the
export's memory stays flat whatever the number of students.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterable, Iterator
from datetime import date
from operator import attrgetter
from typing import NamedTuple

from coordinator_app.domain.attention import AttentionItem, Urgency
from coordinator_app.spreadsheets.cells import Column
from coordinator_app.spreadsheets.sheets import cohort_label

Widths = Callable[..., int]


class Attention(NamedTuple):
    """One row of the Attention sheet: an item and the day the workbook is as of."""

    item: AttentionItem
    as_of: date


def attention_columns(widths: Widths) -> list[Column]:
    """Days in words a coordinator reads without a sign: late items count up, others down."""

    def days(a: Attention) -> int:
        return a.item.days_from(a.as_of)

    return [
        Column("Due", "date", value=attrgetter("item.due")),
        Column("Status", width=9, value=lambda a: a.item.urgency.label),
        Column("Days late", "int", value=lambda a: -days(a) if days(a) < 0 else None),
        Column("Days left", "int", value=lambda a: days(a) if days(a) >= 0 else None),
        Column("Student number", width=widths("student.student_number", 10), value=attrgetter("item.student_number")),
        Column("Name", width=30, value=attrgetter("item.student_name")),
        Column("Programme", width=9, value=attrgetter("item.programme")),
        Column("Cohort", width=9, value=lambda a: cohort_label(a.item.cohort)),
        Column("Component", width=18, value=attrgetter("item.component")),
        Column("Item", width=50, wrap=True, value=attrgetter("item.what")),
    ]


# The attention list's order (domain.attention.sort_key: due, student number, component, what),
# then the order the items came in, as Python's stable sort keeps it. SQLite compares text as
# UTF-8 bytes, which orders like Python's code points.
_TABLE = """CREATE TABLE item (
    due INTEGER, student_number TEXT, component TEXT, what TEXT, n INTEGER,
    student_id INTEGER, student_name TEXT, programme TEXT, cohort INTEGER,
    urgency TEXT, tab TEXT, part TEXT, key TEXT)"""
_ADD = "INSERT INTO item VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
_SORTED = "SELECT * FROM item ORDER BY due, student_number, component, what, n"


def _row(n: int, i: AttentionItem) -> tuple[object, ...]:
    return (
        i.due.toordinal(),
        i.student_number,
        i.component,
        i.what,
        n,
        i.student_id,
        i.student_name,
        i.programme,
        i.cohort,
        i.urgency.value,
        i.tab,
        i.part,
        i.key,
    )


def sorted_on_disk(items: Iterable[AttentionItem]) -> Iterator[AttentionItem]:
    """`items` in the attention list's order, never all in memory at once."""
    con = sqlite3.connect("")  # "": a private temporary database, on disk past its page cache
    try:
        con.execute(_TABLE)
        con.executemany(_ADD, (_row(n, i) for n, i in enumerate(items)))
        for due, number, component, what, _n, sid, name, programme, cohort, level, tab, part, key in con.execute(
            _SORTED
        ):
            yield AttentionItem(
                date.fromordinal(due),
                sid,
                number,
                name,
                programme,
                cohort,
                component,
                what,
                Urgency(level),
                tab,
                part,
                key,
            )
    finally:
        con.close()
