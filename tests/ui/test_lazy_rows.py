"""A whole list (more than EAGER rows) makes display texts and most sort keys when first needed: what it
shows and how it sorts is the same as when everything is made at once."""

from __future__ import annotations

import random
from typing import Any

import pytest
from PySide6.QtCore import Qt

from coordinator_app.services.student_list import STAGES, StudentRow
from coordinator_app.ui import list_rows
from coordinator_app.ui.list_rows import COLUMNS, NAME, prepare_rows
from coordinator_app.ui.student_model import StudentListModel
from tests.ui.conftest import OFFSCREEN_NOISE

pytestmark = OFFSCREEN_NOISE
NAMES = {"medical_imaging": "Medical Imaging"}


def _rows(count: int) -> list[StudentRow]:
    pick = random.Random(12).choice
    return [
        StudentRow(
            n,
            f"27{n:05d}",
            pick(["Anouk", "Émile", "Daan"]),
            pick(["de Vries", "Öztürk", "Bakker", "van Dijk"]),
            pick(["", f"s{n}@student.vu.nl", f"X{n}@UVA.nl"]),
            pick(["PM", "IMIM"]),
            pick([2023, 2024]),
            pick(["active", "graduated"]),
            pick([None, "medical_imaging"]),
            pick([0, 60, 120]),
            pick(STAGES),
            pick([None, (2026, 6), (2025, 8)]),
        )
        for n in range(1, count + 1)
    ]


def _shown(model: StudentListModel) -> list[tuple[Any, ...]]:
    return [tuple(model.data(model.index(r, c)) for c in range(len(COLUMNS))) for r in range(model.rowCount())]


@pytest.mark.slow
def test_a_whole_list_shows_and_sorts_as_if_everything_were_made_at_once(
    monkeypatch: pytest.MonkeyPatch, qtmodeltester: Any
) -> None:
    rows = _rows(list_rows.EAGER + 500)
    lazy = StudentListModel()
    lazy.set_rows(prepare_rows(rows, NAMES), NAMES)
    prepared = prepare_rows(rows, NAMES)
    assert prepared.display.count(None) == len(rows) and prepared.sort_keys[COLUMNS.index("E-mail")] is None
    monkeypatch.setattr(list_rows, "EAGER", 10**9)
    eager = StudentListModel()
    eager.set_rows(prepare_rows(rows, NAMES), NAMES)
    for column in range(len(COLUMNS)):
        for order in (Qt.SortOrder.AscendingOrder, Qt.SortOrder.DescendingOrder):
            lazy.sort(column, order)
            eager.sort(column, order)
            assert _shown(lazy)[:40] == _shown(eager)[:40], (COLUMNS[column], order)
            assert [lazy.student_id(r) for r in range(lazy.rowCount())] == [
                eager.student_id(r) for r in range(eager.rowCount())
            ]
    # An edited row keeps both in step, whichever keys were made.
    changed = rows[7]._replace(last_name="Aalders", email="new@student.vu.nl", ec_earned=99)
    for model in (lazy, eager):
        model.update_row(changed.id, changed)
        model.sort(NAME, Qt.SortOrder.AscendingOrder)
    assert _shown(lazy)[:50] == _shown(eager)[:50] and _shown(lazy)[0][1] == "Aalders, " + changed.first_name
    lazy.set_search("aalders")
    assert lazy.rowCount() == 1 and lazy.data(lazy.index(0, NAME)) == "Aalders, " + changed.first_name
    qtmodeltester.check(lazy, force_py=True)
