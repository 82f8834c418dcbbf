"""File > Connect to server…: the programme office's shared database on a PostgreSQL server.

Server, port, database, user and TLS mode make the address the window opens (and remembers in its
settings, without a password). The password, if one is typed, is used for this connection and kept
only in the operating system's keyring when the coordinator ticks "Remember"; where there is no
usable keyring the dialog says so and points to libpq's pgpass file, which the connection reads by
itself when the password field is left empty (services/server_login.py, docs/team.md).
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from coordinator_app.location import DEFAULT_PORT, TLS_MODES, Location, ServerAddress

TLS_LABELS = {
    "prefer": "prefer (encrypt when the server can; libpq's default)",
    "require": "require (always encrypted)",
    "verify-ca": "verify-ca (encrypted, the server's certificate checked)",
    "verify-full": "verify-full (encrypted, certificate and server name checked)",
    "disable": "disable (never encrypted: only on this computer)",
    "allow": "allow (encrypt only when the server insists)",
}


@dataclass(frozen=True)
class Connection:
    location: Location
    password: str | None  # typed now (None: the keyring or libpq's pgpass/service files have it)


class ConnectDialog(QDialog):
    def __init__(self, parent: QWidget | None = None, current: ServerAddress | None = None) -> None:
        from coordinator_app.services.server_login import keyring_state

        super().__init__(parent)
        self.setWindowTitle("Connect to server")
        layout = QVBoxLayout(self)
        intro = QLabel(
            "Open the programme office's shared database on a PostgreSQL server. Whoever manages it gives you "
            "the server's name, the database and your user name (docs/team.md)."
        )
        intro.setWordWrap(True)
        layout.addWidget(intro)
        form = QFormLayout()
        self.host = QLineEdit(current.host if current and not current.host.startswith("/") else "")
        self.host.setPlaceholderText("db.example.org")
        self.port = QSpinBox()
        self.port.setRange(1, 65535)
        self.port.setValue(current.port if current and current.port else DEFAULT_PORT)
        self.database = QLineEdit(current.database if current else "")
        self.database.setPlaceholderText("coordinator")
        self.user = QLineEdit(current.user if current else "")
        self.tls = QComboBox()
        for mode in ("prefer", "require", "verify-ca", "verify-full", "disable", "allow"):
            self.tls.addItem(TLS_LABELS[mode], mode)
        self.tls.setCurrentIndex(max(self.tls.findData(current.tls if current and current.tls else "prefer"), 0))
        self.password = QLineEdit()
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.password.setPlaceholderText("empty: from the keyring or your pgpass file")
        form.addRow("Server", self.host)
        form.addRow("Port", self.port)
        form.addRow("Database", self.database)
        form.addRow("User", self.user)
        form.addRow("Encryption (TLS)", self.tls)
        form.addRow("Password", self.password)
        layout.addLayout(form)
        self.keyring = keyring_state()
        self.remember = QCheckBox("Remember the password on this computer")
        self.remember.setChecked(self.keyring.usable)
        self.remember.setEnabled(self.keyring.usable)
        layout.addWidget(self.remember)
        self.advice = QLabel(self.keyring.advice)
        self.advice.setObjectName("keyringAdvice")
        self.advice.setWordWrap(True)
        layout.addWidget(self.advice)
        self.problem = QLabel()
        self.problem.setStyleSheet("color: #b3261e;")
        self.problem.setWordWrap(True)
        self.problem.hide()
        layout.addWidget(self.problem)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        ok = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        ok.setText("Connect")
        self.buttons.accepted.connect(self.submit)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)
        self.resize(520, self.sizeHint().height())
        self.chosen: Connection | None = None

    def address(self) -> ServerAddress | None:
        """The address typed, or None (with the reason shown) when something is missing."""
        host, database, user = self.host.text().strip(), self.database.text().strip(), self.user.text().strip()
        missing = [
            name
            for name, value in (("the server", host), ("the database", database), ("your user name", user))
            if not value
        ]
        if missing:
            self._say(f"Fill in {', '.join(missing)}.")
            return None
        mode = str(self.tls.currentData())
        assert mode in TLS_MODES
        port = self.port.value()
        return ServerAddress(
            database,
            user,
            host,
            None if port == DEFAULT_PORT else port,
            (("sslmode", mode),) if mode != "prefer" else (),
        )

    def _say(self, text: str) -> None:
        self.problem.setText(text)
        self.problem.show()

    def submit(self) -> None:
        from coordinator_app.services.server_login import remember_password

        address = self.address()
        if address is None:
            return
        password = self.password.text() or None
        if password and self.remember.isChecked() and self.remember.isEnabled():
            remember_password(address, password)
        self.chosen = Connection(Location(server=address), password)
        self.accept()

    @classmethod
    def ask(cls, parent: QWidget | None = None, current: ServerAddress | None = None) -> Connection | None:
        dialog = cls(parent, current)
        dialog.exec()
        chosen = dialog.chosen
        dialog.deleteLater()
        return chosen
