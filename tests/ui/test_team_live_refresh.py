"""Seeing each other's work on a server (issue 13, item 4): a colleague's save, made through another
session on the same server database, shows in this window's student list and attention list within two
seconds, without F5 (LISTEN/NOTIFY; tests/ui/test_two_coordinators_window.py shows the same on a file)."""

from __future__ import annotations

import time
from collections.abc import Iterator
from datetime import date
from typing import Any

import pytest

from coordinator_app.services.portfolio import mark_received
from coordinator_app.services.students import update_student
from coordinator_app.services.workspace import Workspace
from tests.ui.conftest import OFFSCREEN_NOISE, TODAY, Cohort

pytestmark = [OFFSCREEN_NOISE, pytest.mark.slow]


@pytest.fixture
def office(postgres_server: Any, programmes: Any) -> Iterator[dict[str, Any]]:
    """A server database set up by `server init` with the GUI tests' students, and two coordinators."""
    from coordinator_app.services.server_setup import add_user, init_server, role_names

    name = postgres_server.empty_database("live")
    owner = postgres_server.location(name)
    users = (f"anna_{name}", f"ben_{name}")
    init_server(owner.server)
    for user in users:
        add_user(owner.server, user, "coordinator", None)
    ws = Workspace.open(owner, programmes)
    ws.today = TODAY
    ids = Cohort.build(ws)
    cohort = Cohort(ws, ids)
    yield {
        "cohort": cohort,
        "anna": postgres_server.location(name, users[0]),
        "ben": postgres_server.location(name, users[1]),
        "anna_login": users[0],
    }
    ws.close()
    postgres_server.drop(name)
    for role in (*users, *role_names(owner.server)):
        if postgres_server.execute(f"SELECT 1 FROM pg_roles WHERE rolname = '{role}'"):
            postgres_server.execute(f'DROP OWNED BY "{role}"')
            postgres_server.execute(f'DROP ROLE "{role}"')


def test_a_colleagues_save_on_the_server_shows_in_the_list_and_the_attention_list_within_two_seconds(
    qtbot: Any, office: dict[str, Any], programmes: Any
) -> None:
    from coordinator_app.ui.main_window import MainWindow

    cohort: Cohort = office["cohort"]
    win = MainWindow(office["ben"], today=TODAY, programmes=programmes)
    qtbot.addWidget(win)
    win.resize(1366, 768)
    win.show()
    qtbot.waitUntil(lambda: win.is_ready and not win.session.busy, timeout=20000)
    model = win.students.model
    row = model.row_of(cohort.sanne)
    assert model.index(row, 1).data() == "de Jong, Sanne"
    overdue = cohort.item_id(cohort.anouk, "minor_internship", "list_of_agreements")

    def lines_about_anouk() -> list[str]:
        attention = win.attention.model
        return [
            attention.item(r).what for r in range(attention.rowCount()) if attention.item(r).student_id == cohort.anouk
        ]

    assert any("List of Agreements" in what or "agreements" in what.lower() for what in lines_about_anouk())
    before = len(lines_about_anouk())

    anna = Workspace.open(office["anna"], programmes)
    anna.today = TODAY
    try:
        update_student(anna, cohort.sanne, last_name="Jansen")  # Anna, in her own window
        saved = time.monotonic()
        qtbot.waitUntil(lambda: model.index(model.row_of(cohort.sanne), 1).data() == "Jansen, Sanne", timeout=2000)
        assert time.monotonic() - saved < 2.0
        assert f"{office['anna_login']} saved changes to 1 student" in win.statusBar().currentMessage()

        mark_received(anna, overdue, date(2025, 11, 20))  # the overdue List of Agreements came in
        saved = time.monotonic()
        qtbot.waitUntil(lambda: len(lines_about_anouk()) == before - 1, timeout=2000)
        assert time.monotonic() - saved < 2.0
    finally:
        anna.close()
    win.session.finish(10000)
