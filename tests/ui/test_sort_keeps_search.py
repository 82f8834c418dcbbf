"""Sorting the student list with keys made at load and the search left laid out (issue 12).

A sort only sorts: the keys were made with the rows, an order made once is kept, and the text
search is not laid out again (ui/ordered_search.py maps its answers to the order shown). Whatever
the sequence of sorts, searches, quick filters and edits, the list must show what a plain
filter-then-sort of the rows shows.
"""

from __future__ import annotations

import string
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st
from PySide6.QtCore import Qt

from coordinator_app.services.student_list import StudentRow
from coordinator_app.ui import text_search
from coordinator_app.ui.list_rows import COLUMNS, NUMBER, SORT_KEYS, prepare_rows, search_text
from coordinator_app.ui.student_model import Filters, StudentListModel
from tests.ui.test_search_speed_rules import found_by

ASC, DESC = Qt.SortOrder.AscendingOrder, Qt.SortOrder.DescendingOrder
FIRST = ("Anna", "Émile", "jan", "Öykü", "Piet")
LAST = ("de Vries", "Bakker", "van der Berg", "Öztürk", "El Amrani", "bakker")


def _row(n: int, pick: list[int]) -> StudentRow:
    return StudentRow(
        id=n + 1,
        student_number=f"s{pick[0] % 7:03d}{n % 3}",  # ties on purpose: the number breaks them
        first_name=FIRST[pick[1] % len(FIRST)],
        last_name=LAST[pick[2] % len(LAST)],
        email=f"{string.ascii_lowercase[pick[3] % 26]}{n}@{('student.rug.nl', 'umcg.nl', 'Mail.com')[pick[4] % 3]}",
        programme=("PM", "IMIM")[pick[5] % 2],
        cohort=2022 + pick[6] % 3,
        status=("active", "stopped")[pick[7] % 2],
        specialization=(None, "cancer", "neuro")[pick[8] % 3],
        ec_earned=pick[9] % 4 * 30,
        stage=("not planned", "minor", "major planned")[pick[10] % 3],
        graduation=(None, (2026, 1), (2025, 12))[pick[11] % 3],
    )


def _expected(rows: list[StudentRow], column: int, order: Qt.SortOrder, text: str, filters: Filters) -> list[int]:
    """A plain filter, then sort by (column, then number in both directions)."""
    kept = [r for r in rows if found_by(text, r) and (filters.programme is None or r.programme == filters.programme)]
    kept.sort(key=lambda r: r.student_number)
    # Overdue is the attention list's count, none read here: 0 for everyone, so number order.
    kept.sort(key=SORT_KEYS.get(column, lambda _r: 0), reverse=order == DESC)
    return [r.id for r in kept]


def _shown(model: StudentListModel) -> list[int]:
    return [model.student_id(row) for row in range(model.rowCount())]  # type: ignore[misc]


picks = st.lists(st.integers(0, 1000), min_size=13, max_size=13)
steps = st.lists(
    st.one_of(
        st.tuples(st.just("sort"), st.integers(0, len(COLUMNS) - 1), st.sampled_from([ASC, DESC])),
        st.tuples(st.just("search"), st.sampled_from(["", "a", "an", "s00", "@umcg", "bakker", "ö", "zz", "1"])),
        st.tuples(st.just("programme"), st.sampled_from([None, "PM", "IMIM"])),
        st.tuples(st.just("edit"), st.integers(0, 60), picks),
        st.tuples(st.just("remove"), st.integers(0, 60)),
        st.tuples(st.just("add"), picks),
    ),
    max_size=14,
)


@settings(max_examples=100, deadline=None)
@given(rows=st.lists(picks, min_size=1, max_size=60), steps=steps)
def test_the_list_shows_a_plain_filter_then_sort_after_any_steps(rows: list[list[int]], steps: list[Any]) -> None:
    current = [_row(n, pick) for n, pick in enumerate(rows)]
    model = StudentListModel()
    model.set_rows(prepare_rows(current, {}))
    column, order, text, filters = 1, ASC, "", Filters()
    model.sort(column, order)
    for step in steps:
        if step[0] == "sort":
            _, column, order = step
            model.sort(column, order)
            model.sort(column, order)  # Qt 6's sortByColumn asks twice
        elif step[0] == "search":
            text = step[1]
            model.set_search(text)
        elif step[0] == "programme":
            filters = Filters(text=text, programme=step[1])
            model.set_filters(filters)
        elif step[0] == "remove":
            if len(current) > 1:
                gone = current.pop(step[1] % len(current))
                model.update_row(gone.id, None)
        elif step[0] == "add":
            new = _row(len(current), step[1])._replace(id=max(r.id for r in current) + 1)
            current.append(new)
            model.update_row(new.id, new)
        else:
            n = step[1] % len(current)
            current[n] = _row(n, step[2])._replace(id=current[n].id)
            model.update_row(current[n].id, current[n])
            model.sort(column, DESC if order == ASC else ASC)  # an edit keeps its place until the next sort
            model.sort(column, order)
        assert _shown(model) == _expected(current, column, order, search_text(text), filters), step


def test_a_sort_does_not_lay_the_search_out_again(monkeypatch: Any) -> None:
    rows = [_row(n, [n * 7 + k for k in range(13)]) for n in range(200)]
    model = StudentListModel()
    model.set_rows(prepare_rows(rows, {}))
    model.set_search("a")
    laid_out: list[int] = []
    original = text_search.TextSearch.lay_out

    def counting(self: Any, owns: Any, domains: Any) -> None:
        laid_out.append(1)
        original(self, owns, domains)

    monkeypatch.setattr(text_search.TextSearch, "lay_out", counting)
    for column in range(len(COLUMNS)):
        model.sort(column, DESC)
        assert _shown(model) == _expected(rows, column, DESC, "a", Filters())
    assert laid_out == []
    model.set_filters(Filters(text="a", programme="PM"))  # other rows: laid out anew
    assert laid_out == [1]


def test_the_second_of_two_same_sorts_changes_nothing() -> None:
    model = StudentListModel()
    model.set_rows(prepare_rows([_row(n, [n * 3 + k for k in range(13)]) for n in range(50)], {}))
    layouts: list[int] = []
    model.layoutChanged.connect(lambda *_: layouts.append(1))
    model.sort(NUMBER, DESC)
    model.sort(NUMBER, DESC)
    assert layouts == [1]
