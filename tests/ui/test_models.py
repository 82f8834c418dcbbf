"""Every Qt model passes QAbstractItemModelTester; the list filters and sorts inside the model."""

from __future__ import annotations

import sys
from datetime import date
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, Qt

from coordinator_app.domain.attention import AttentionItem, Urgency
from coordinator_app.services.student_list import StudentRow
from coordinator_app.ui.attention_view import DUE, KIND, STUDENT, AttentionModel
from coordinator_app.ui.list_rows import EC, NAME, NUMBER, OVERDUE, prepare_rows
from coordinator_app.ui.student_model import Filters, StudentListModel
from tests.ui.conftest import OFFSCREEN_NOISE, Cohort

pytestmark = OFFSCREEN_NOISE

# The last value of each is the student's overdue items on the attention list (OVERDUE_COUNTS).
ROWS = [
    StudentRow(*row[:-1])
    for row in [
        (
            1,
            "2712345",
            "Anouk",
            "de Vries",
            "a.devries@student.vu.nl",
            "PM",
            2024,
            "active",
            "medical_imaging",
            60,
            "minor",
            None,
            1,
        ),
        (
            2,
            "2798765",
            "Daan",
            "Bakker",
            "daan.bakker@student.vu.nl",
            "PM",
            2025,
            "active",
            None,
            0,
            "not planned",
            None,
            0,
        ),
        (
            3,
            "s3100001",
            "Lars",
            "Eriksson",
            "lars@student.rug.nl",
            "IMIM",
            2024,
            "active",
            None,
            45,
            "not planned",
            (2026, 6),
            0,
        ),
        (
            4,
            "2600001",
            "Sanne",
            "de Jong",
            "s.dejong@student.vu.nl",
            "PM",
            2022,
            "graduated",
            "biomarkers_medicines",
            120,
            "major",
            (2025, 6),
            0,
        ),
    ]
]


def _model() -> StudentListModel:
    model = StudentListModel()
    model.set_rows(prepare_rows(ROWS, {"medical_imaging": "Medical Imaging"}))
    return model


def test_the_student_list_model_passes_the_model_tester(qtmodeltester: Any) -> None:
    model = _model()
    qtmodeltester.check(model, force_py=True)
    model.set_search("de")
    model.sort(EC, Qt.SortOrder.DescendingOrder)
    model.set_filters(Filters(text="de", programme="PM", status="graduated"))
    # Remembered answers (Backspace) and a rename that makes the search forget them (the tester,
    # connected above, checks every reset on the way).
    model.set_filters(Filters())
    for text in ("d", "de", "de ", "de", "d", "s3", "s", "student.rug", ""):
        model.set_search(text)
    model.update_row(2, ROWS[1]._replace(last_name="de Bakker"))
    model.set_search("de b")
    assert [model.student_id(r) for r in range(model.rowCount())] == [2]
    # The attention list's overdue counts arriving: shown, filtered on, sorted by, changed under both.
    model.set_search("")
    model.set_overdue({1: 2, 3: 1})
    assert [model.index(r, OVERDUE).data() for r in range(model.rowCount())].count("") == 2
    model.set_filters(Filters(overdue_only=True))
    assert {model.student_id(r) for r in range(model.rowCount())} == {1, 3}
    model.sort(OVERDUE, Qt.SortOrder.DescendingOrder)
    assert [model.student_id(r) for r in range(model.rowCount())] == [1, 3]
    model.set_overdue({3: 4, 2: 1})
    assert [model.student_id(r) for r in range(model.rowCount())] == [3, 2]
    model.set_filters(Filters())
    model.set_overdue({})
    qtmodeltester.check(model, force_py=True)
    empty = StudentListModel()
    qtmodeltester.check(empty, force_py=True)


def test_search_sort_and_quick_filters_in_the_model() -> None:
    model = _model()
    # Sorted by surname as Dutch lists do: "de Jong" under J.
    assert [model.index(r, NAME).data() for r in range(model.rowCount())] == [
        "Bakker, Daan",
        "Eriksson, Lars",
        "de Jong, Sanne",
        "de Vries, Anouk",
    ]
    model.set_search("de")
    assert model.rowCount() == 4  # every e-mail has "student" in it
    model.set_search("de ")
    assert {model.student_id(r) for r in range(model.rowCount())} == {1, 4}
    model.set_search("de v")  # narrowing searches the shown rows only
    assert [model.student_id(r) for r in range(model.rowCount())] == [1]
    model.set_search("")
    model.sort(EC, Qt.SortOrder.DescendingOrder)
    assert [model.student_id(r) for r in range(model.rowCount())] == [4, 1, 3, 2]
    model.set_overdue({1: 1})  # the attention list's count
    model.set_filters(Filters(overdue_only=True))
    assert [model.student_id(r) for r in range(model.rowCount())] == [1]
    model.set_filters(Filters(graduation=(2026, 6)))
    assert [model.student_id(r) for r in range(model.rowCount())] == [3]
    model.set_filters(Filters(specialization="medical_imaging"))
    assert model.index(0, 6).data() == "Medical Imaging"
    model.set_filters(Filters(cohort=2024, programme="IMIM"))
    assert [model.student_id(r) for r in range(model.rowCount())] == [3]


def test_an_edited_student_keeps_its_place_and_shows_the_new_values() -> None:
    model = _model()
    model.sort(NUMBER)
    model.update_row(2, ROWS[1]._replace(ec_earned=6))
    row = model.row_of(2)
    assert model.index(row, EC).data() == "6"
    model.update_row(2, None)
    assert model.row_of(2) is None and model.total == 3


def test_the_selection_follows_its_student_when_sorting(qtbot: Any) -> None:
    from PySide6.QtWidgets import QTableView

    model = _model()
    view = QTableView()
    qtbot.addWidget(view)
    view.setModel(model)
    view.selectRow(model.row_of(3))
    model.sort(EC, Qt.SortOrder.AscendingOrder)
    assert model.student_id(view.currentIndex().row()) == 3


def _items() -> list[AttentionItem]:
    return [
        AttentionItem(
            date(2025, 11, 15),
            1,
            "2712345",
            "Anouk de Vries",
            "PM",
            2024,
            "Minor internship",
            "List of Agreements (A)",
            Urgency.OVERDUE,
            "internships",
        ),
        AttentionItem(
            date(2025, 12, 1),
            2,
            "2798765",
            "Daan Bakker",
            "PM",
            2025,
            "Academic Core",
            "mentor meetings: 0 of 2 held",
            Urgency.DUE_SOON,
            "academic_core",
        ),
        AttentionItem(
            date(2025, 11, 30),
            1,
            "2712345",
            "Anouk de Vries",
            "PM",
            2024,
            "Literature Study",
            "Survey Outline",
            Urgency.DUE_SOON,
            "literature",
        ),
    ]


def test_the_attention_model_passes_the_model_tester_and_sorts(qtmodeltester: Any) -> None:
    model = AttentionModel()
    model.set_items(_items(), date(2025, 11, 24))
    qtmodeltester.check(model, force_py=True)
    assert [model.index(r, DUE).data() for r in range(3)] == ["15-11-2025", "30-11-2025", "01-12-2025"]
    assert model.index(0, 1).data() == "9 days late"
    model.sort(KIND)
    assert [model.item(r).component for r in range(3)] == ["Academic Core", "Literature Study", "Minor internship"]
    model.sort(STUDENT)
    assert [model.item(r).student_name for r in range(3)] == ["Anouk de Vries", "Anouk de Vries", "Daan Bakker"]
    qtmodeltester.check(model, force_py=True)


def test_the_record_tab_models_pass_the_model_tester(window: Any, cohort: Cohort, qtmodeltester: Any) -> None:
    window.open_student(cohort.anouk, "courses")
    pages = window.record_pane.view.pages
    qtmodeltester.check(pages["courses"].model, force_py=True)
    qtmodeltester.check(pages["courses"].optional.model(), force_py=True)
    for page in ("internships", "academic_core", "graduation", "history"):
        window.record_pane.view.show_tab(page)
    panel = pages["internships"].panels["minor"]
    qtmodeltester.check(panel.portfolio.table.model(), force_py=True)
    qtmodeltester.check(panel.interruptions.model(), force_py=True)
    qtmodeltester.check(pages["history"].table.model(), force_py=True)
    qtmodeltester.check(pages["academic_core"].meetings.model(), force_py=True)
    assert pages["graduation"].blockers.count() > 0  # not ready: what blocks it, listed
    qtmodeltester.check(pages["graduation"].blockers.model(), force_py=True)


def test_the_backup_list_and_the_import_refusals_pass_the_model_tester(
    qtbot: Any, cohort: Cohort, tmp_path: Any, qtmodeltester: Any
) -> None:
    from coordinator_app.services.backups import back_up_now
    from coordinator_app.ui.backup_dialog import RestoreDialog
    from coordinator_app.ui.exchange import ImportDialog
    from coordinator_app.ui.jobs import JobRunner

    back_up_now(cohort.ws)
    restore = RestoreDialog(cohort.ws)
    qtbot.addWidget(restore)
    assert restore.table.rowCount() >= 1
    qtmodeltester.check(restore.table.model(), force_py=True)
    source = tmp_path / "new.csv"
    source.write_text("Student number,First name,Surname,Programme,Cohort\n12,Bad,Number,PM,2025\n", "utf-8")
    dialog = ImportDialog(None, cohort.ws, JobRunner())
    qtbot.addWidget(dialog)
    dialog.path.setText(str(source))
    dialog.check()
    qtbot.waitUntil(lambda: dialog.preview is not None, timeout=10000)
    assert dialog.refusals.rowCount() == 1
    qtmodeltester.check(dialog.refusals.model(), force_py=True)


class _NoneModel(QAbstractTableModel):
    """Returns None for every cell, as every idiomatic model does for roles it does not serve."""

    def rowCount(self, parent: QModelIndex = QModelIndex()) -> int:
        return 0 if parent.isValid() else 3

    def columnCount(self, parent: QModelIndex = QModelIndex()) -> int:
        return 0 if parent.isValid() else 3

    def data(self, index: QModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        return None


def test_returning_none_from_data_does_not_drop_references_to_none() -> None:
    """PySide6 6.12.0 loses one reference to None per call here and then crashes the
    interpreter on Python 3.11 (performance.md s.1). This guards any upgrade."""
    for model in (_NoneModel(), _model()):
        index = model.index(0, 0)
        before = sys.getrefcount(None)
        for _ in range(1000):
            index.data(Qt.ItemDataRole.ToolTipRole)  # through C++ QModelIndex::data -> Python data()
        after = sys.getrefcount(None)
        assert before - after < 100, f"None lost {before - after} references in 1,000 calls"


def test_accented_names_sort_with_their_letter_not_after_z() -> None:
    rows = [
        StudentRow(10 + n, f"27000{n}", first, last, "", "PM", 2025, "active", None, 0, "not planned", None)
        for n, (first, last) in enumerate(
            [
                ("Zoë", "Zwart"),
                ("Ömer", "Öztürk"),
                ("Aoife", "Ó Briain"),
                ("Émile", "Peeters"),
                ("Eva", "Peeters"),
                ("Pim", "de Ost"),
            ]
        )
    ]
    model = StudentListModel()
    model.set_rows(prepare_rows(rows, {}))
    model.sort(NAME)
    assert [model.index(r, NAME).data() for r in range(model.rowCount())] == [
        "Ó Briain, Aoife",
        "de Ost, Pim",
        "Öztürk, Ömer",
        "Peeters, Émile",
        "Peeters, Eva",
        "Zwart, Zoë",
    ]


def test_an_attention_line_cut_off_by_its_column_shows_whole_as_a_tooltip() -> None:
    model = AttentionModel()
    model.set_items(_items(), date(2025, 11, 24))
    what = next(c for c in range(model.columnCount()) if model.headerData(c, Qt.Orientation.Horizontal) == "What")
    assert model.index(0, what).data(Qt.ItemDataRole.ToolTipRole) == "List of Agreements (A)"
