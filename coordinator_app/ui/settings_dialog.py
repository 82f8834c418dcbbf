"""Edit > Settings, the one place for what the app says about the coordinator: the name that signs
reminders and attendance certificates, the address and signature of the reminders, and the language
they are written in. Kept per user on this computer (ui/settings.py, pdf/settings.py)."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from coordinator_app.domain.errors import DomainError
from coordinator_app.domain.people import validate_email
from coordinator_app.ui import settings as saved
from coordinator_app.ui.forms import error_label


class SettingsDialog(QDialog):
    """`why`: said first, in bold, when an action opened the dialog because it needs a setting (the
    certificate, for the name); the name field then has the focus."""

    def __init__(self, parent: QWidget | None = None, why: str = "") -> None:
        super().__init__(parent)
        from coordinator_app.services.reminders import reminder_languages

        self.setWindowTitle("Settings")
        self.setObjectName("settingsDialog")
        layout = QVBoxLayout(self)
        self.why = QLabel(why)
        self.why.setObjectName("settingsWhy")
        self.why.setWordWrap(True)
        self.why.setStyleSheet("font-weight: bold")
        self.why.setVisible(bool(why))
        layout.addWidget(self.why)
        intro = QLabel(
            "Your name signs the attendance certificates and the reminders you draft. Your name and "
            "address go in the From of the drafts written as .eml files (leave the address empty to let "
            "your mail program fill it in)."
        )
        intro.setWordWrap(True)
        layout.addWidget(intro)
        form = QFormLayout()
        name, email = saved.sender()
        self.name = QLineEdit(name)
        self.name.setPlaceholderText("Maria Jansen")
        self.email = QLineEdit(email)
        self.email.setPlaceholderText("m.jansen@amsterdamumc.nl")
        self.email_error = error_label(self)
        self.signature = QPlainTextEdit(saved.signature())
        self.signature.setObjectName("signature")
        self.signature.setPlaceholderText("Maria Jansen\nProgramme coordinator, Master Personalized Medicine")
        self.signature.setTabChangesFocus(True)
        self.signature.setMinimumHeight(self.fontMetrics().height() * 5)
        self.language = QComboBox()
        for code, label in reminder_languages().items():
            self.language.addItem(label, code)
        self.language.setCurrentIndex(max(self.language.findData(saved.reminder_language()), 0))
        form.addRow("Your name", self.name)
        form.addRow("Your e-mail", self.email)
        form.addRow("", self.email_error)
        form.addRow("Signature", self.signature)
        form.addRow("Reminder language", self.language)
        layout.addLayout(form)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self._save)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.resize(520, self.sizeHint().height())
        if why:
            self.name.setFocus()

    def _save(self) -> None:
        try:
            email = validate_email(self.email.text())
        except DomainError as exc:
            self.email_error.setText(exc.message)
            self.email_error.show()
            self.email.setFocus()
            return
        saved.save_reminder_settings(
            self.signature.toPlainText().strip(), " ".join(self.name.text().split()), email, self.language.currentData()
        )
        self.accept()
