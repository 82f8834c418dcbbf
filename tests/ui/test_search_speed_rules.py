"""The search box's speed rules (performance.md s.3) never change what it finds.

A keystroke looks remembered answers up, searches only within an answer already found, and
finds a text in a shared e-mail domain without scanning the students. These tests pin those
rules down and check, over random typing, edits, quick filters and sorts, that the list always
shows exactly what a brute-force search over the rows shows.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from PySide6.QtCore import Qt

from coordinator_app.services.student_list import StudentRow
from coordinator_app.ui import text_search
from coordinator_app.ui.list_rows import COHORT, EC, NUMBER, prepare_rows, search_key
from coordinator_app.ui.student_model import Filters, StudentListModel
from coordinator_app.ui.text_search import TextSearch
from tests.ui.conftest import OFFSCREEN_NOISE

pytestmark = OFFSCREEN_NOISE


def _row(
    sid: int, number: str, first: str, last: str, email: str, programme: str = "PM", status: str = "active"
) -> StudentRow:
    return StudentRow(sid, number, first, last, email, programme, 2024, status, None, sid % 7 * 6, "not planned", None)


ROWS = [
    _row(1, "2712345", "Anouk", "de Vries", "a.devries@student.vu.nl"),
    _row(2, "2798765", "Daan", "Bakker", "daan.bakker@student.vu.nl"),
    _row(3, "s3100001", "Lars", "Eriksson", "lars@student.rug.nl", "IMIM"),
    _row(4, "2600001", "Sanne", "de Jong", "s.dejong@student.vu.nl", status="graduated"),
    _row(5, "s3100002", "Emma", "Mulder", "emma.mulder@student.rug.nl", "IMIM"),
    _row(6, "2600002", "Jan", "Smit", "jan.smit@gmail.com"),
    _row(7, "2600003", "Noor", "Visser", ""),
]


def _model(rows: list[StudentRow] = ROWS) -> StudentListModel:
    model = StudentListModel()
    model.set_rows(prepare_rows(rows, {}))
    return model


def _ids(model: StudentListModel) -> list[int]:
    return [model.student_id(r) for r in range(model.rowCount())]  # type: ignore[misc]


def _fresh(rows: list[StudentRow], model: StudentListModel) -> list[int]:
    """What a new model, with nothing remembered, shows for the same rows, order and filters."""
    fresh = StudentListModel()
    fresh.set_rows(prepare_rows(rows, {}))
    column, order = model._sort
    fresh.sort(column, order)
    fresh.set_filters(model.filters)
    return _ids(fresh)


def _brute_force(rows: list[StudentRow], filters: Filters) -> set[int]:
    def quick(r: StudentRow) -> bool:
        return (filters.programme is None or r.programme == filters.programme) and (
            filters.status is None or r.status == filters.status
        )

    return {r.id for r in rows if quick(r) and found_by(filters.text, r)}


def found_by(text: str, r: StudentRow) -> bool:
    """What the search box finds, said plainly: the text (as search_text makes it) in the student's
    key, or two words or more (no @) each starting a word of the number or name, accents folded."""
    if text in "".join(search_key(r)):
        return True
    words = text.split()
    if len(words) < 2 or "@" in text:
        return False
    name = unicodedata.normalize("NFKD", f"{r.student_number} {r.first_name} {r.last_name}".lower())
    name_words = "".join(c for c in name if not unicodedata.combining(c)).split()
    return all(any(w.startswith(word) for w in name_words) for word in words)


@contextmanager
def _scans() -> Iterator[list[str]]:
    """The texts for which a TextSearch looked at the keys at all (rather than remembering)."""
    seen: list[str] = []
    original = text_search._Scan._search

    def counted(self: Any, text: str) -> list[int]:
        seen.append(text)
        return original(self, text)

    text_search._Scan._search = counted  # type: ignore[method-assign]
    try:
        yield seen
    finally:
        text_search._Scan._search = original  # type: ignore[method-assign]


# -- the rules ------------------------------------------------------------------------------------------


def test_backspace_and_retyping_are_look_ups_not_searches() -> None:
    model = _model()
    for end in range(1, 5):
        model.set_search("mull"[:end])
    with _scans() as seen:
        for end in (3, 2, 1, 0, 1, 2):
            model.set_search("mull"[:end])
    assert seen == []
    assert _ids(model) == [5]  # "mu": Emma Mulder


def test_typing_one_more_character_searches_only_the_students_shown() -> None:
    search = TextSearch()
    search.lay_out(
        ["2712345\tanouk de vries\ta.devries", "2798765\tdaan bakker\tdaan.bakker", "s3100001\tlars eriksson\tlars"],
        ["@student.vu.nl", "@student.vu.nl", "@student.rug.nl"],
    )
    assert search.find("r") == [0, 1, 2]  # every student: "r" is in "lars", "vries" and "bakker"
    examined: list[str] = []
    keys = search._own._keys

    class Spy(list):  # type: ignore[type-arg]
        def __getitem__(self, position: Any) -> Any:
            examined.append(keys[position])
            return keys[position]

    search._own._keys = Spy(keys)
    assert search.find("ri") == [0, 2]
    assert len(examined) == 3  # within the answer for "r", key by key
    examined.clear()
    assert search.find("rik") == [2]
    assert len(examined) == 2  # within the answer for "ri" only


def test_a_text_inside_a_shared_domain_stands_for_all_its_students_without_a_scan() -> None:
    model = _model()
    with _scans() as seen:
        model.set_search("student")  # every domain but gmail.com and the empty e-mail
        assert set(_ids(model)) == {1, 2, 3, 4, 5}
        model.set_search("e")  # not in gmail.com; Noor Visser has no e-mail
        assert set(_ids(model)) == {1, 2, 3, 4, 5, 7}
    assert "student" in seen  # the own parts are scanned: someone may be called "student"
    model.set_search("student.rug")
    assert set(_ids(model)) == {3, 5}
    model.set_search("s@student.vu")  # across the @: the whole key
    assert set(_ids(model)) == {1}
    model.set_search("@")
    assert set(_ids(model)) == {1, 2, 3, 4, 5, 6}


def test_the_own_part_is_not_scanned_when_every_student_shown_shares_a_domain_with_the_text() -> None:
    model = _model([r for r in ROWS if r.email.endswith("@student.vu.nl")])
    with _scans() as seen:
        model.set_search("student.v")
    assert seen == [] and set(_ids(model)) == {1, 2, 4}


# -- no stale answers ----------------------------------------------------------------------------------


def test_after_a_rename_backspace_shows_what_a_fresh_search_shows() -> None:
    rows = list(ROWS)
    model = _model(rows)
    model.sort(NUMBER)  # an edit keeps its place; a fresh list sorts it anew
    for end in range(1, 5):
        model.set_search("jong"[:end])
    assert _ids(model) == [4]
    rows[1] = rows[1]._replace(last_name="Jongeneel")
    model.update_row(2, rows[1])
    assert _ids(model) == _fresh(rows, model) == [4, 2]
    model.set_search("jon")  # remembered before the rename: must not come back stale
    assert _ids(model) == _fresh(rows, model) == [4, 2]
    rows[1] = rows[1]._replace(
        email="d.jongeneel@student.rug.nl",  # a new domain for a student
        student_number="s3999999",
    )
    model.update_row(2, rows[1])
    model.set_search("student.rug")
    assert set(_ids(model)) == {2, 3, 5}
    model.set_search("s39")
    assert _ids(model) == [2]


def test_after_a_quick_filter_or_a_sort_backspace_shows_what_a_fresh_search_shows() -> None:
    model = _model()
    for end in range(1, 4):
        model.set_search("de "[:end])
    model.set_filters(Filters(text="de ", status="graduated"))
    assert _ids(model) == [4]
    model.set_search("de")
    assert _ids(model) == _fresh(ROWS, model) == [4]
    model.set_filters(Filters(text="de"))
    model.sort(NUMBER, Qt.SortOrder.DescendingOrder)
    model.set_search("d")
    assert _ids(model) == _fresh(ROWS, model)
    assert _ids(model) == [5, 3, 2, 1, 4]  # number order, descending (no "d" for Jan or Noor)


def test_a_student_without_email_or_with_a_newline_in_a_name_is_found_like_any_other() -> None:
    rows = [*ROWS, _row(8, "2600004", "Ann\nMarie", "Bos", "am.bos@student.vu.nl")]
    model = _model(rows)
    model.set_search("visser")
    assert _ids(model) == [7]
    model.set_search("ann marie")
    assert _ids(model) == [8]
    assert model.index(model.row_of(8), 0).data() == "2600004"


def test_a_common_text_is_scanned_for_after_a_few_hits(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(text_search, "_FEW_HITS", 2)
    model = _model()
    model.set_search("00")  # five students: str.find gives up after two
    assert set(_ids(model)) == {3, 4, 5, 6, 7}
    model.set_search("2600")
    assert set(_ids(model)) == {4, 6, 7}


def test_rare_domains_stay_in_the_own_part(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(text_search, "_DOMAINS", 1)  # only the most common domain is shared
    model = _model()
    model.set_search("gmail")
    assert _ids(model) == [6]
    model.set_search("student.rug")
    assert set(_ids(model)) == {3, 5}
    model.set_search("vu.nl")
    assert set(_ids(model)) == {1, 2, 4}


# -- random typing, edits, filters and sorts -------------------------------------------------------------

_LETTERS = "ade@.s2 "
_NAMES = st.text(alphabet="adeDE s", min_size=1, max_size=6)
_EMAILS = st.one_of(
    st.just(""),
    st.builds(
        lambda local, domain: f"{local}@{domain}",
        st.text(alphabet="ade.s", min_size=1, max_size=4),
        st.sampled_from(["student.vu.nl", "student.rug.nl", "gmail.com", "d.se"]),
    ),
)
_STUDENTS = st.lists(
    st.tuples(
        st.text(alphabet="s0123", min_size=1, max_size=4),
        _NAMES,
        _NAMES,
        _EMAILS,
        st.sampled_from(["PM", "IMIM"]),
        st.sampled_from(["active", "graduated"]),
    ),
    min_size=0,
    max_size=12,
)
_STEPS = st.lists(
    st.one_of(
        st.tuples(st.just("type"), st.sampled_from(_LETTERS)),
        st.tuples(st.just("backspace"), st.just("")),
        st.tuples(st.just("paste"), st.text(alphabet=_LETTERS, min_size=2, max_size=4)),
        st.tuples(st.just("rename"), st.tuples(st.integers(0, 11), _NAMES, _EMAILS)),
        st.tuples(st.just("remove"), st.integers(0, 11)),
        st.tuples(
            st.just("filter"),
            st.tuples(st.sampled_from([None, "PM", "IMIM"]), st.sampled_from([None, "active", "graduated"])),
        ),
        st.tuples(st.just("sort"), st.tuples(st.sampled_from([NUMBER, EC, COHORT]), st.booleans())),
    ),
    max_size=40,
)


@pytest.mark.slow
@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(students=_STUDENTS, steps=_STEPS, rare=st.sampled_from([1, 255]), few=st.sampled_from([1, 3000]))
def test_the_list_always_shows_what_a_brute_force_search_shows(
    students: list[StudentRow], steps: list[tuple[str, Any]], rare: int, few: int
) -> None:
    original = text_search._DOMAINS, text_search._FEW_HITS
    # Also with domains kept in the own part, and with str.find giving up for a scan after one hit.
    text_search._DOMAINS, text_search._FEW_HITS = rare, few
    try:
        rows = [
            _row(i + 1, number + str(i), first, last, email, programme, status)
            for i, (number, first, last, email, programme, status) in enumerate(students)
        ]
        model = _model(rows)
        model.sort(NUMBER)  # renames must not move a student: not by name
        typed = ""
        for step, value in steps:
            if step == "type":
                typed += value
                model.set_search(typed)
            elif step == "backspace":
                typed = typed[:-1]
                model.set_search(typed)
            elif step == "paste":  # select all, paste: not one more character
                typed = value
                model.set_search(typed)
            elif step == "rename" and rows:  # names and e-mail only: the sort keys stay
                index, last, email = value
                changed = rows[index % len(rows)]._replace(last_name=last, email=email)
                rows[index % len(rows)] = changed
                model.update_row(changed.id, changed)
            elif step == "remove" and rows:
                gone = rows.pop(value % len(rows))
                model.update_row(gone.id, None)
            elif step == "filter":
                programme, status = value
                model.set_filters(Filters(text=typed, programme=programme, status=status))
            elif step == "sort":
                column, descending = value
                model.sort(column, Qt.SortOrder.DescendingOrder if descending else Qt.SortOrder.AscendingOrder)
            shown = _ids(model)
            assert set(shown) == _brute_force(rows, model.filters), (step, value, typed)
            assert shown == _fresh(rows, model)
            assert all(model.row_of(sid) == r for r, sid in enumerate(shown))
    finally:
        text_search._DOMAINS, text_search._FEW_HITS = original
