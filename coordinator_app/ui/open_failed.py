"""The window's error screen when the database cannot be opened, and its way back: restore a backup.

Shown in place of the attention and record panes: what is wrong (in the service's words), and
buttons to restore the newest good backup (or choose another), to open another database, or to
try again. A damaged or empty file is restored over only after a confirmation, and is kept aside
unchanged (services.backups.restore_backup).
"""

from __future__ import annotations

import html
from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QStyle, QVBoxLayout, QWidget


class OpenFailedPanel(QWidget):
    """`restore_requested` (the coordinator wants to pick a backup), `open_requested`, `retry_requested`."""

    restore_requested = Signal()
    open_requested = Signal()
    retry_requested = Signal()

    def __init__(
        self,
        path: Path,
        title: str,
        message: str,
        can_restore: bool,
        newest_backup: Path | None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("openFailed")
        self.path = path
        layout = QVBoxLayout(self)
        layout.setContentsMargins(32, 32, 32, 32)
        icon = QLabel()
        icon.setPixmap(self.style().standardIcon(QStyle.StandardPixmap.SP_MessageBoxWarning).pixmap(40, 40))
        self.heading = QLabel(f"<h3>{html.escape(title, quote=False)}</h3>")
        self.heading.setTextFormat(Qt.TextFormat.RichText)
        top = QHBoxLayout()
        top.addWidget(icon)
        top.addWidget(self.heading, 1)
        layout.addLayout(top)
        self.message = QLabel(message)
        self.message.setObjectName("openFailedMessage")
        self.message.setWordWrap(True)
        self.message.setTextFormat(Qt.TextFormat.PlainText)
        self.message.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout.addWidget(self.message)
        buttons = QHBoxLayout()
        self.restore_button = QPushButton("Restore from backup…")
        self.restore_button.setVisible(can_restore)
        self.restore_button.setDefault(can_restore)
        if newest_backup is not None:
            self.restore_button.setToolTip(f"The newest good backup: {newest_backup}")
        self.open_button = QPushButton("Open another database…")
        self.retry_button = QPushButton("Try again")
        for button in (self.restore_button, self.open_button, self.retry_button):
            buttons.addWidget(button)
        buttons.addStretch(1)
        layout.addLayout(buttons)
        layout.addStretch(1)
        self.restore_button.clicked.connect(self.restore_requested)
        self.open_button.clicked.connect(self.open_requested)
        self.retry_button.clicked.connect(self.retry_requested)


def describe_open_failure(exc: BaseException) -> tuple[str, str, bool, Path | None]:
    """Title, message, whether a restore is the way out, and the newest good backup, for `exc`."""
    from coordinator_app.services.errors import DatabaseProblem
    from coordinator_app.services.recovery import offers_restore
    from coordinator_app.ui.errors import describe

    problem = describe(type(exc), exc, exc.__traceback__)

    restorable = isinstance(exc, DatabaseProblem) and offers_restore(exc)
    newest = getattr(exc, "newest_backup", None)
    label = getattr(exc, "newest_backup_label", None)
    text = getattr(exc, "reason", None) or problem.what_happened
    if label:
        text += f"\n\nThe newest good backup is {label}."
    elif restorable:
        text += "\n\nThere is no good backup of it next to it; choose a copy kept elsewhere with Restore from backup."
    return problem.title, f"{text}\n\n{problem.what_to_do}", restorable, newest
