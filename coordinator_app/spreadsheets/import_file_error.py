"""The refusal of a file as a whole: what every reader of an import's file raises."""

from __future__ import annotations

from coordinator_app.domain.errors import DomainError


class ImportFileError(DomainError):
    """The file as a whole cannot be imported; nothing was read into the database."""


def refuse(message: str) -> ImportFileError:
    return ImportFileError(message, "file")
