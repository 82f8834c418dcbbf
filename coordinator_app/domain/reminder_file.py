"""Read the reminder files in resources/reminders/ (see its README.md) into Templates.

Every mistake names the file and the key, like the programme files: whoever adds a Dutch set or
rewords a line sees what to correct, before a coordinator ever opens a draft.
"""

from __future__ import annotations

import string
import tomllib
from pathlib import Path
from typing import Any

from coordinator_app.domain.errors import DomainError, ProgrammeDefinitionError
from coordinator_app.domain.reminders import (
    LINE_PLACEHOLDERS,
    MESSAGE_PLACEHOLDERS,
    SUBJECT_PLACEHOLDERS,
    WORDS,
    MessageTemplate,
    Templates,
    check_role,
)

DEFAULT_LANGUAGE = "en"


def languages(folder: Path) -> dict[str, str]:
    """The languages there are templates for: folder name -> the language's name ("en" -> "English")."""
    found = {}
    for sub in sorted(p for p in folder.iterdir() if p.is_dir()):
        for file in sorted(sub.glob("*.toml")):
            data = _toml(file)
            found[sub.name] = str(data.get("language") or sub.name)
            break
    return found


def load_templates(folder: Path, programme: str, language: str = DEFAULT_LANGUAGE) -> Templates:
    """One programme's templates in `language`; English where that language has no file for it."""
    code = programme.lower()
    routing = folder / f"{code}.toml"
    words = folder / language / f"{code}.toml"
    if not words.exists():
        language = DEFAULT_LANGUAGE
        words = folder / language / f"{code}.toml"
    if not words.exists() or not routing.exists():
        missing = routing if not routing.exists() else words
        raise ProgrammeDefinitionError(str(missing), code, "has no reminder file")
    to = _routing(routing)
    data = _toml(words)
    source = str(words)
    word_table = _table(data, "words", source)
    for key in WORDS:
        _text(word_table, key, source, "words.", frozenset({"days"}))
    return Templates(
        programme=programme,
        language=language,
        language_name=str(data.get("language") or language),
        student=_message(data, "student", source),
        supervisor=_message(data, "supervisor", source),
        words={k: str(word_table[k]) for k in WORDS},
        to=to,
    )


def _routing(file: Path) -> dict[str, str]:
    table = _table(_toml(file), "to", str(file))
    out = {}
    for kind, role in table.items():
        try:
            out[str(kind)] = check_role(str(role), f"{file}: 'to.{kind}'")
        except DomainError as exc:
            raise ProgrammeDefinitionError(str(file), f"to.{kind}", f"is '{role}', which is not a role") from exc
    return out


def _message(data: dict[str, Any], name: str, source: str) -> MessageTemplate:
    table = _table(data, name, source)
    lines = _table(table, "lines", source, f"{name}.")
    if "default" not in lines:
        raise ProgrammeDefinitionError(source, f"{name}.lines.default", "is missing")
    return MessageTemplate(
        subject_one=_text(table, "subject_one", source, f"{name}.", SUBJECT_PLACEHOLDERS),
        subject_many=_text(table, "subject_many", source, f"{name}.", SUBJECT_PLACEHOLDERS),
        body=_text(table, "body", source, f"{name}.", MESSAGE_PLACEHOLDERS),
        lines={str(k): _text(lines, str(k), source, f"{name}.lines.", LINE_PLACEHOLDERS) for k in lines},
    )


def _toml(file: Path) -> dict[str, Any]:
    try:
        with open(file, "rb") as handle:
            return tomllib.load(handle)
    except tomllib.TOMLDecodeError as exc:
        raise ProgrammeDefinitionError(str(file), "", f"is not valid TOML: {exc}") from exc


def _table(data: dict[str, Any], key: str, source: str, path: str = "") -> dict[str, Any]:
    value = data.get(key)
    if not isinstance(value, dict):
        raise ProgrammeDefinitionError(source, f"{path}{key}", "is missing" if value is None else "must be a table")
    return value


def _text(table: dict[str, Any], key: str, source: str, path: str, allowed: frozenset[str]) -> str:
    value = table.get(key)
    if not isinstance(value, str) or not value.strip():
        raise ProgrammeDefinitionError(source, f"{path}{key}", "is missing" if value is None else "must be a text")
    try:
        names = [name for _literal, name, _spec, _conv in string.Formatter().parse(value) if name is not None]
    except ValueError as exc:
        raise ProgrammeDefinitionError(source, f"{path}{key}", f"has a broken placeholder ({exc})") from exc
    for name in names:
        if name not in allowed:
            raise ProgrammeDefinitionError(
                source,
                f"{path}{key}",
                f"uses {{{name}}}, which is not a placeholder here ({', '.join(sorted(allowed))})",
            )
    return value
