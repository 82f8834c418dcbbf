"""The student list's "Overdue" filter and column say what the attention list beside it says: the
students with an overdue item on that list, in the same programme and cohort (the new-user trial
found IMIM: filter 0 students, attention list 5 overdue; PM: two graduated students in the filter
that the attention list leaves out)."""

from __future__ import annotations

from typing import Any

from coordinator_app.domain.attention import Urgency
from coordinator_app.services.graduation import plan_graduation
from coordinator_app.services.students import update_student
from coordinator_app.ui.changes import Changes, Kind
from coordinator_app.ui.list_rows import NUMBER, OVERDUE
from tests.ui.conftest import OFFSCREEN_NOISE, Cohort

pytestmark = OFFSCREEN_NOISE


def _choose_programme(window: Any, qtbot: Any, programme: str | None) -> None:
    box = window.students.programme_box
    box.setCurrentIndex(box.findData(programme) if programme else 0)
    box.activated.emit(box.currentIndex())
    qtbot.waitUntil(lambda: not window.session.busy, timeout=15000)  # the attention list read for it


def _shown(window: Any) -> dict[str, str]:
    """Student number -> the Overdue column's text, for every row the list shows."""
    model = window.students.model
    return {model.index(r, NUMBER).data(): model.index(r, OVERDUE).data() for r in range(model.rowCount())}


def _attention_overdue(window: Any) -> dict[str, int]:
    """Student number -> overdue lines, as the attention list shows them."""
    counts: dict[str, int] = {}
    for item in window.attention.model.items:
        if item.urgency is Urgency.OVERDUE:
            counts[item.student_number] = counts.get(item.student_number, 0) + 1
    return counts


def test_the_overdue_filter_shows_the_students_the_attention_list_has_overdue(
    window: Any, qtbot: Any, cohort: Cohort
) -> None:
    window.students.overdue_only.setChecked(True)
    for programme in ("IMIM", "PM", None):
        _choose_programme(window, qtbot, programme)
        expected = _attention_overdue(window)
        assert expected, programme  # each scope has something overdue
        assert _shown(window) == {number: str(n) for number, n in expected.items()}
        assert window.students.counts.text() == f"{len(expected)} of 4 students shown"
    # IMIM's items are admission flags, not portfolio items: Lars is overdue on both lists.
    _choose_programme(window, qtbot, "IMIM")
    assert set(_shown(window)) == {"s3100001"}


def test_a_graduated_student_is_not_overdue_in_the_list_either(window: Any, qtbot: Any, cohort: Cohort) -> None:
    ws = window.session.ws
    plan_graduation(ws, cohort.anouk, 2025, 10)  # a graduate's graduation date is that month's last working day
    update_student(ws, cohort.anouk, status="graduated")  # her List of Agreements stays open
    window.session.notify(Changes.of(Kind.STUDENT, [cohort.anouk]))
    qtbot.waitUntil(lambda: not window.session.busy, timeout=15000)
    assert all(i.student_id != cohort.anouk for i in window.attention.model.items)
    window.students.overdue_only.setChecked(True)
    assert "2712345" not in _shown(window)
    window.students.overdue_only.setChecked(False)
    assert _shown(window)["2712345"] == ""  # the column: nothing overdue on the attention list
