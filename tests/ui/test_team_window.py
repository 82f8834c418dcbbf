"""The window in team mode: a database it may only read (a file on a network share; a viewer's login on
a server) has every edit control off and says why; File > Connect to server builds the address and
keeps the password only in the keyring; the settings never hold a password."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from PySide6.QtWidgets import QLabel

from coordinator_app.location import Location
from coordinator_app.store import network_share
from coordinator_app.ui import settings as saved
from coordinator_app.ui.read_only import editable_controls
from tests.ui.conftest import OFFSCREEN_NOISE, TODAY, Cohort

pytestmark = OFFSCREEN_NOISE


def _open(qtbot: Any, database: Path | Location, programmes: Any) -> Any:
    from coordinator_app.ui.main_window import MainWindow

    win = MainWindow(database, today=TODAY, programmes=programmes)
    qtbot.addWidget(win)
    win.resize(1366, 768)
    win.show()
    qtbot.waitUntil(lambda: win.is_ready and not win.session.busy, timeout=20000)
    return win


def _every_tab_is_locked(qtbot: Any, win: Any, student_id: int) -> None:
    assert win.record_pane.show_student(student_id)
    view = win.record_pane.view
    for index in range(view.tabs.count()):
        if view.tabs.isTabVisible(index):
            view.tabs.setCurrentIndex(index)
            qtbot.wait(10)  # the lock's re-check of controls a tab turned on runs in the next turn
            assert editable_controls(view) == [], view.tabs.tabText(index)
    assert view.attempt(None, None, "change", lambda: pytest.fail("the service was called"), kinds=0) is False
    assert "nothing can be saved" in view.message_text()


def _says_why(win: Any, words: str) -> None:
    label = win.findChild(QLabel, "readOnly")
    assert label is not None and label.isVisible() and "Read only" in label.text()
    assert words in label.toolTip()
    assert "(read only)" in win.windowTitle()
    acts = win.acts
    assert not any(a.isEnabled() for a in (acts.new, acts.remove, acts.removed, acts.import_file, acts.restore))
    assert all(a.isEnabled() for a in (acts.export, acts.back_up, acts.reload, acts.deadlines))
    chosen = win.selection  # the Students menu: what only reads stays, what writes (reminders are recorded) is off
    assert not any(
        a.isEnabled() for a in (chosen.remind, chosen.received, chosen.approval, chosen.graduation, chosen.mentor)
    )
    assert all(a.isEnabled() for a in (chosen.export, chosen.copy, chosen.calendar))


def test_a_database_on_a_network_share_opens_read_only_with_every_edit_control_off(
    qtbot: Any, cohort: Cohort, programmes: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = cohort.ws.path
    cohort.ws.close()
    (tmp_path / "mountinfo").write_text(
        f"22 1 8:1 / / rw - ext4 /dev/sda1 rw\n50 22 0:40 / {path.parent} rw - cifs //files/pm rw\n"
    )
    monkeypatch.setattr(network_share, "MOUNTINFO", tmp_path / "mountinfo")
    win = _open(qtbot, path, programmes)
    _says_why(win, "network share (cifs)")
    _every_tab_is_locked(qtbot, win, cohort.anouk)
    win.session.wait(10000)


def test_a_writable_database_opened_after_a_read_only_one_gives_the_controls_back(
    qtbot: Any, cohort: Cohort, programmes: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = cohort.ws.path
    (tmp_path / "mountinfo").write_text(f"50 22 0:40 / {path.parent} rw - nfs nas:/pm rw\n")
    monkeypatch.setattr(network_share, "MOUNTINFO", tmp_path / "mountinfo")
    win = _open(qtbot, path, programmes)
    assert win.record_pane.show_student(cohort.anouk)
    assert editable_controls(win.record_pane.view) == []
    monkeypatch.setattr(network_share, "MOUNTINFO", tmp_path / "no-such-mountinfo")
    win.open_database(path)
    qtbot.waitUntil(lambda: win.session.ws is not None and not win.session.busy, timeout=20000)
    assert win.session.read_only is None and win.acts.new.isEnabled() and win.selection.received.isEnabled()
    assert win.record_pane.show_student(cohort.anouk)
    assert editable_controls(win.record_pane.view) != []
    assert "(read only)" not in win.windowTitle()
    win.session.wait(10000)


@pytest.mark.slow
def test_a_viewers_window_on_a_server_is_read_only_and_names_the_login(
    qtbot: Any, programmes: Any, postgres_server: Any
) -> None:
    from coordinator_app.services.server_setup import add_user, init_server
    from coordinator_app.services.workspace import Workspace

    name = postgres_server.empty_database("ui")
    viewer = f"viewer_{name}"
    try:
        owner = postgres_server.location(name)
        init_server(owner.server)
        add_user(owner.server, viewer, "viewer", None)
        ws = Workspace.open(owner, programmes)
        ws.today = TODAY
        students = Cohort(ws, Cohort.build(ws))
        ws.close()
        win = _open(qtbot, postgres_server.location(name, viewer), programmes)
        assert win.session.ws.user == viewer
        _says_why(win, f"Your login {viewer} may only look")
        assert win.students.model.total == 4
        _every_tab_is_locked(qtbot, win, students.lars)
        _every_tab_is_locked(qtbot, win, students.anouk)
        assert f"{name} on this computer" in win.windowTitle()
        win.session.finish(10000)
    finally:
        postgres_server.drop(name)
        for role in (viewer, f"{name}_viewers", f"{name}_coordinators"):
            if postgres_server.execute(f"SELECT 1 FROM pg_roles WHERE rolname = '{role}'"):
                postgres_server.execute(f'DROP OWNED BY "{role}"')
                postgres_server.execute(f'DROP ROLE "{role}"')


@pytest.fixture
def memory_keyring() -> Any:
    """A keyring backend that keeps passwords in a dict: a usable OS keyring, for the test."""
    import keyring
    from keyring.backend import KeyringBackend

    kept: dict[tuple[str, str], str] = {}

    class Memory(KeyringBackend):
        priority = 1  # type: ignore[assignment]

        def get_password(self, service: str, username: str) -> str | None:
            return kept.get((service, username))

        def set_password(self, service: str, username: str, password: str) -> None:
            kept[(service, username)] = password

        def delete_password(self, service: str, username: str) -> None:
            kept.pop((service, username), None)

    previous = keyring.get_keyring()
    keyring.set_keyring(Memory())
    yield kept
    keyring.set_keyring(previous)


def test_connect_to_server_builds_the_address_and_keeps_the_password_only_in_the_keyring(
    qtbot: Any, memory_keyring: dict[tuple[str, str], str], monkeypatch: pytest.MonkeyPatch
) -> None:
    from coordinator_app.services import server_login
    from coordinator_app.ui.connect_dialog import ConnectDialog

    dialog = ConnectDialog()
    qtbot.addWidget(dialog)
    dialog.buttons.accepted.emit()  # nothing filled in: says what is missing
    assert dialog.chosen is None and "the server, the database, your user name" in dialog.problem.text()
    dialog.host.setText("db.example.org")
    dialog.database.setText("coordinator")
    dialog.user.setText("anna")
    dialog.tls.setCurrentIndex(dialog.tls.findData("verify-full"))
    dialog.password.setText("s3cret!")
    assert dialog.remember.isEnabled() and dialog.remember.isChecked()
    dialog.buttons.accepted.emit()
    chosen = dialog.chosen
    assert chosen is not None and chosen.password == "s3cret!"
    assert str(chosen.location) == "postgresql://anna@db.example.org/coordinator?sslmode=verify-full"
    assert memory_keyring == {(server_login.SERVICE, "anna@db.example.org/coordinator"): "s3cret!"}
    assert server_login.stored_password(chosen.location.server) == "s3cret!"  # what the next open uses
    saved.remember_database(chosen.location)
    settings_text = " ".join(str(saved.settings().value(k)) for k in saved.settings().allKeys())
    assert "s3cret" not in settings_text and "db.example.org/coordinator" in settings_text
    assert saved.database_for_plain_start() == chosen.location


def test_without_a_usable_keyring_the_dialog_says_so_and_points_to_pgpass(
    qtbot: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    import keyring
    from keyring.backends import fail

    from coordinator_app.ui.connect_dialog import ConnectDialog

    previous = keyring.get_keyring()
    keyring.set_keyring(fail.Keyring())
    try:
        dialog = ConnectDialog()
        qtbot.addWidget(dialog)
        assert not dialog.remember.isEnabled() and not dialog.remember.isChecked()
        assert "pgpass" in dialog.advice.text() and "not remembered" in dialog.advice.text()
    finally:
        keyring.set_keyring(previous)


def test_a_password_typed_into_an_address_is_never_saved() -> None:
    location = Location.parse("postgresql://anna:s3cret@db.example.org:5433/coordinator?sslmode=require")
    assert location.server is not None and location.server.password == "s3cret"
    saved.remember_database(location)
    assert "s3cret" not in str(saved.settings().value(saved.CHOSEN_KEY))
    assert str(location) == "postgresql://anna@db.example.org:5433/coordinator?sslmode=require"
    assert location.name == "coordinator on db.example.org:5433"
