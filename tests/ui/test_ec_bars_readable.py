"""The EC bars of a record's overview carry no text over their fill: Qt drew "30 of 45 EC" half white
on blue and half black on white, so it read "30 of 4? EC" (the new-user trial). The figures stand
beside each bar, in the window's text colour."""

from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import QLabel, QProgressBar

from tests.ui.conftest import OFFSCREEN_NOISE, Cohort

pytestmark = OFFSCREEN_NOISE


def test_each_ec_bar_has_its_figures_beside_it_not_on_it(window: Any, cohort: Cohort) -> None:
    window.open_student(cohort.anouk, "overview")
    page = window.record_pane.view.pages["overview"]
    bars = page.findChildren(QProgressBar)
    assert bars and all(bar.isVisible() and not bar.isTextVisible() for bar in bars)
    for bar in bars:
        figures = page.findChild(QLabel, f"{bar.objectName()}_text")
        assert figures is not None and figures.isVisible(), bar.objectName()
        assert figures.text().replace("<b>", "").replace("</b>", "") == f"{bar.value()} of {bar.maximum()} EC"
        # Beside the bar, on the window's background: not over the fill.
        assert not figures.geometry().intersects(bar.geometry())
    total = page.findChild(QLabel, "total_ec_text")
    assert "of 120 EC" in total.text()
