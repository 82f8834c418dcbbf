"""Errors a coordinator can read and act on."""

from __future__ import annotations


class DomainError(ValueError):
    """Input that breaks a programme rule; `field` names what the coordinator typed."""

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field
        self.message = message

    def __str__(self) -> str:
        return self.message


class NotFound(DomainError):
    """A student, course or record that the coordinator named does not exist."""


class ProgrammeDefinitionError(Exception):
    """A programme file in resources/programmes is malformed; names the file and key."""

    def __init__(self, source: str, key: str, problem: str) -> None:
        super().__init__(f"{source}: '{key}' {problem}")
        self.source = source
        self.key = key
