"""GUI fixtures: private QSettings, a small database with realistic cases, the real main window."""

from __future__ import annotations

import os
import time
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QSettings
from sqlalchemy import select

from coordinator_app import APP_NAME, ORGANISATION, ORGANISATION_DOMAIN
from coordinator_app.services.courses import record_grade
from coordinator_app.services.internships import update_internship
from coordinator_app.services.students import NewStudent, add_student, update_student
from coordinator_app.services.workspace import Workspace
from coordinator_app.store import models as m
from tests.conftest import built_once

TODAY = date(2025, 11, 24)
# The offscreen platform plugin (tests only) cannot pass window size hints on; not our warning.
# Nor raise a popup (the registers' type-ahead list) or let it grab the keyboard.
OFFSCREEN_NOISE = pytest.mark.qt_log_ignore(
    "This plugin does not support propagateSizeHints",
    "This plugin does not support raise",
    "This plugin does not support grabbing the keyboard",
)


@pytest.fixture(autouse=True)
def _private_settings(qapp: Any, tmp_path: Path) -> Iterator[None]:
    """QSettings go to a temp folder: tests never read or write the developer's settings."""
    qapp.setApplicationName(APP_NAME)
    qapp.setOrganizationName(ORGANISATION)
    qapp.setOrganizationDomain(ORGANISATION_DOMAIN)
    QSettings.setDefaultFormat(QSettings.Format.IniFormat)
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, str(tmp_path / "settings"))
    QSettings().clear()
    yield
    QSettings().clear()


class Cohort:
    """Ids of the students the GUI tests work on."""

    NAMES = ("anouk", "daan", "sanne", "lars")

    def __init__(self, ws: Workspace, ids: dict[str, int]) -> None:
        self.ws = ws
        self.anouk, self.daan, self.sanne, self.lars = (ids[name] for name in self.NAMES)

    @classmethod
    def build(cls, ws: Workspace) -> dict[str, int]:
        """Add the students to `ws`; their ids by name."""
        # A PM student whose minor internship started 1 November: the List of Agreements
        # was due 15 November and is overdue on 24 November.
        anouk = add_student(
            ws, NewStudent("PM", 2024, "2712345", "Anouk", "de Vries", "a.devries@student.vu.nl", "medical_imaging")
        )
        for code in ("PM-PERS", "PM-DSB", "PM-BCRR", "PM-IMGP"):
            record_grade(ws, anouk, code, "7")
        update_internship(
            ws,
            anouk,
            "minor",
            host="Amsterdam UMC",
            is_umc=True,
            approval_status="approved",
            approval_date="2025-10-01",
            start_date="2025-11-01",
        )
        daan = add_student(ws, NewStudent("PM", 2025, "2798765", "Daan", "Bakker", "daan.bakker@student.vu.nl"))
        sanne = add_student(ws, NewStudent("PM", 2025, "2711111", "Sanne", "de Jong", "s.dejong@student.vu.nl"))
        lars = add_student(ws, NewStudent("IMIM", 2024, "s3100001", "Lars", "Eriksson", "lars@student.rug.nl"))
        update_student(ws, lars, year1_university="Uppsala")
        return {"anouk": anouk, "daan": daan, "sanne": sanne, "lars": lars}

    def item_id(self, student_id: int, component: str, kind: str) -> int:
        with self.ws.read() as s:
            return s.scalar(
                select(m.PortfolioItem.id).where(
                    m.PortfolioItem.student_id == student_id,
                    m.PortfolioItem.component == component,
                    m.PortfolioItem.kind == kind,
                )
            )  # type: ignore[return-value]

    def grades(self, student_id: int, code: str) -> list[tuple[int, float | None, bool]]:
        with self.ws.read() as s:
            return [
                tuple(r)
                for r in s.execute(  # type: ignore[misc]
                    select(m.CourseResult.attempt, m.CourseResult.grade, m.CourseResult.no_show)
                    .join(m.Course)
                    .where(m.CourseResult.student_id == student_id, m.Course.code == code)
                    .order_by(m.CourseResult.attempt)
                )
            ]

    def student(self, student_id: int) -> m.Student | None:
        with self.ws.read() as s:
            row = s.get(m.Student, student_id)
            if row is not None:
                s.expunge(row)
            return row

    def everything(self) -> dict[str, list[tuple[Any, ...]]]:
        """Every row of every table: proves a refused edit wrote nothing (the audit trail included)."""
        with self.ws.read() as s:
            return {
                name: [tuple(r) for r in s.execute(select(t).order_by(*t.primary_key.columns))]
                for name, t in m.Base.metadata.tables.items()
            }


@pytest.fixture(scope="session")
def cohort_database(tmp_path_factory: pytest.TempPathFactory, programmes: Any) -> tuple[Path, dict[str, int]]:
    """The cohort's database, built once per session (per xdist worker); each test works on a copy."""
    ids: dict[str, int] = {}

    def build(path: Path) -> None:
        ws = Workspace.open(path, programmes)
        ws.today = TODAY
        try:
            ids.update(Cohort.build(ws))
        finally:
            ws.close()

    return built_once(tmp_path_factory, "gui.sqlite", build), ids


@pytest.fixture
def cohort(make_workspace: Any, cohort_database: tuple[Path, dict[str, int]]) -> Cohort:
    path, ids = cohort_database
    return Cohort(make_workspace("gui.sqlite", copy_of=path), ids)


@pytest.fixture
def window(qtbot: Any, cohort: Cohort, programmes: Any) -> Any:
    """The real main window on the test database, open and filled, attention list loaded."""
    from coordinator_app.ui.main_window import MainWindow

    win = MainWindow(cohort.ws.path, today=TODAY, programmes=programmes)
    qtbot.addWidget(win)
    win.resize(1366, 768)
    win.show()
    # The attention list is read from the moment the database opens: once nothing runs any more, it shows.
    qtbot.waitUntil(lambda: win.is_ready and not win.session.busy, timeout=15000)
    assert win.attention.summary.text().startswith("All programmes, all cohorts:")
    win.activateWindow()  # keyboard shortcuts reach only the active window
    qtbot.waitUntil(win.isActiveWindow, timeout=5000)
    yield win
    win.session.wait(10000)


@pytest.fixture
def record_view(qtbot: Any, cohort: Cohort) -> Iterator[Any]:
    """A student's record on its own (ui/record/view.RecordView), shown at a laptop's size; what it
    started is waited for and its undo history cleared at the end."""
    from coordinator_app.ui.record.view import RecordView
    from tests.ui.session_helpers import session_on

    session = session_on(cohort.ws)
    view = RecordView(session)
    qtbot.addWidget(view)
    view.resize(1366, 768)
    view.show()
    yield view
    session.wait(10000)
    session.undo_stack.clear()


def real_start_environment(tmp_path: Path) -> dict[str, str]:
    """The environment of a real start in a child process: offscreen, its data and settings in
    `tmp_path`, and the launcher's clock so the app reports its start-up times."""
    return dict(
        os.environ,
        QT_QPA_PLATFORM="offscreen",
        COORDINATOR_APP_DATA=str(tmp_path / "data"),
        XDG_CONFIG_HOME=str(tmp_path / "config"),
        COORDINATOR_APP_REPORT_START=repr(time.time()),
    )
