"""The search box finds a student by the name as the list shows it ("Meijer, Fatima"), as it is
written in a mail ("Fatima Meijer"), in any order of the words, and without the accents for every
word ("Lea Kim" finds Léa Kim): the new-user trial found nothing for "Meijer, Fatima" and "Lea Kim"."""

from __future__ import annotations

from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from coordinator_app.services.students import NewStudent, add_student
from coordinator_app.ui.list_rows import NUMBER, prepare_rows
from coordinator_app.ui.student_model import StudentListModel
from tests.ui.conftest import OFFSCREEN_NOISE, Cohort
from tests.ui.test_search_speed_rules import _row

pytestmark = OFFSCREEN_NOISE

ROWS = [
    _row(1, "2712345", "Anouk", "de Vries", "a.devries@student.vu.nl"),
    _row(2, "2600150", "Fatima", "Meijer", "f.meijer@student.vu.nl"),
    _row(3, "2600151", "Léa", "Kim", "lea.kim@student.vu.nl"),
    _row(4, "2600152", "Léa", "Müller", "lea.muller@student.vu.nl"),
    _row(5, "2600153", "Mohammed", "García", "m.garcia@student.vu.nl"),
    _row(6, "2600154", "Kim", "Jansen-Smit", "k.jansen@student.vu.nl"),
    _row(7, "2600155", "Daan", "de Bakker", "d.bakker@student.vu.nl"),
]


def _found(model: StudentListModel, typed: str) -> set[int]:
    model.set_search(typed)
    return {sid for sid in map(model.student_id, range(model.rowCount())) if sid is not None}


@pytest.mark.parametrize(
    "typed, expected",
    [
        ("Meijer, Fatima", {2}),
        ("meijer, fatima", {2}),
        ("Meijer,Fatima", {2}),
        ("Meijer Fatima", {2}),
        ("Fatima Meijer", {2}),
        ("Meijer,", {2}),
        ("Lea Kim", {3}),
        ("Kim, Léa", {3}),
        ("kim lea", {3}),
        ("Léa", {3, 4}),
        ("lea mull", {4}),
        ("Garcia, Mohammed", {5}),
        ("Mohammed Garc", {5}),
        ("Jansen Kim", {6}),
        ("Smit Kim", set()),  # a word after a hyphen is not a word start
        ("de Vries, Anouk", {1}),
        ("de v", {1}),  # as typed, still: not every "de" with a "v" somewhere in the e-mail
        ("de ", {1, 7}),
        ("2600150 fatima", {2}),
        ("Fatima Kim", set()),
    ],
)
def test_a_name_is_found_as_the_list_shows_it_in_any_order_without_accents(typed: str, expected: set[int]) -> None:
    model = StudentListModel()
    model.set_rows(prepare_rows(ROWS, {}))
    assert _found(model, typed) == expected


def test_typing_a_name_letter_by_letter_and_back_keeps_the_model_sound(qtmodeltester: Any) -> None:
    model = StudentListModel()
    model.set_rows(prepare_rows(ROWS, {}))
    qtmodeltester.check(model, force_py=True)
    typed = "Kim, Léa"
    for end in [*range(1, len(typed) + 1), *range(len(typed) - 1, -1, -1)]:
        model.set_search(typed[:end])
    assert _found(model, typed) == {3}


def test_the_window_finds_a_name_copied_from_its_own_list(window: Any, qtbot: Any, cohort: Cohort) -> None:
    add_student(cohort.ws, NewStudent("PM", 2025, "2799999", "Léa", "Kim", "lea.kim@student.vu.nl"))
    window.session.reload()
    qtbot.waitUntil(lambda: window.students.model.total == 5 and not window.session.busy, timeout=15000)
    model, search = window.students.model, window.students.search
    shown_as = {model.index(r, NUMBER).data(): model.index(r, 1).data() for r in range(model.rowCount())}
    for number in ("2712345", "2799999"):
        search.clear()
        QApplication.clipboard().setText(shown_as[number])  # "de Vries, Anouk", "Kim, Léa": copied from the list
        qtbot.keyClick(search, Qt.Key.Key_V, Qt.KeyboardModifier.ControlModifier)
        assert [model.index(r, NUMBER).data() for r in range(model.rowCount())] == [number]
    for typed in ("Lea Kim", "kim lea", "Anouk de Vries"):
        search.clear()
        qtbot.keyClicks(search, typed)
        assert model.rowCount() == 1, typed
        assert window.students.counts.text() == "1 of 5 students shown"
