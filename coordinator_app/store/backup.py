"""Consistent copies through SQLite's online backup API (never a plain copy of a live file)."""

from __future__ import annotations

import os
import sqlite3
from datetime import datetime
from pathlib import Path


def backup_to(source: Path, target: Path) -> Path:
    """Copy the live database `source` to `target` consistently; the copy appears whole or not at all."""
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(target.name + ".partial")
    partial.unlink(missing_ok=True)
    src = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
    try:
        dst = sqlite3.connect(partial)
        try:
            src.backup(dst)
            dst.execute("PRAGMA journal_mode=DELETE")  # a single self-contained file
        finally:
            dst.close()
    finally:
        src.close()
    _owner_only(partial)
    os.replace(partial, target)
    return target


def pre_migration_backup(database: Path, from_revision: str | None, folder: Path) -> Path:
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    return backup_to(database, folder / f"{database.stem}-{stamp}-before-migration-{from_revision or 'none'}.sqlite")


def _owner_only(path: Path) -> None:
    if os.name == "posix":
        os.chmod(path, 0o600)
