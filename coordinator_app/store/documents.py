"""Where attached documents' bytes are kept, by their SHA-256 (content-addressed, never changed).

An SQLite database keeps them in a `documents` folder next to the file (owner-only: the folder
0700, each file 0400), as `documents/ab/abcdef…`. A file is written under a private temporary name
in that folder, synced, and renamed to its hash only when complete, so a copy cut short never
leaves a half file under a document's name. A backup copy of the database gets the documents it
refers to in a `documents` folder next to it (hard links where the disk allows: no extra space);
a restore brings back any the database refers to and its folder lacks.

A server database (PostgreSQL, team mode) has no folder next to it: there the bytes go into its
`document_content` table, and the server's own backups hold them.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import sqlite3
import tempfile
from collections.abc import Iterable
from pathlib import Path

from coordinator_app.durable import fsync_file, fsync_folder

CHUNK = 1 << 20
PARTIAL = ".partial"


def documents_dir_for(database: Path) -> Path:
    return Path(database).resolve().parent / "documents"


def _private(folder: Path) -> Path:
    if not folder.exists():
        folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    if os.name == "posix":
        os.chmod(folder, 0o700)
    return folder


def path_in(folder: Path, digest: str) -> Path:
    return folder / digest[:2] / digest


class TooLarge(Exception):
    """The file grew past the limit while it was being copied."""


def store_file(folder: Path, source: Path, limit: int) -> tuple[str, int]:
    """Copy `source` into `folder` under its SHA-256; returns (digest, size). Whole or not at all."""
    _private(folder)
    handle, name = tempfile.mkstemp(prefix=".incoming.", suffix=PARTIAL, dir=folder)
    partial = Path(name)
    digest = hashlib.sha256()
    size = 0
    try:
        with os.fdopen(handle, "wb") as out, source.open("rb") as src:
            while chunk := src.read(CHUNK):
                size += len(chunk)
                if size > limit:
                    raise TooLarge
                digest.update(chunk)
                out.write(chunk)
        fsync_file(partial)
        hexdigest = digest.hexdigest()
        target = path_in(folder, hexdigest)
        _private(target.parent)
        if target.exists() and file_digest(target) == hexdigest:
            partial.unlink()
        else:
            os.chmod(partial, 0o400)
            os.replace(partial, target)
            fsync_folder(target.parent)
        return hexdigest, size
    except BaseException:
        partial.unlink(missing_ok=True)
        raise


def file_digest(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def copy_in(source_folder: Path, target_folder: Path, digests: Iterable[str]) -> list[str]:
    """Put the documents `digests` from `source_folder` into `target_folder` (linked, else copied
    whole under a temporary name); returns those `source_folder` lacks too."""
    missing = []
    for digest in sorted(set(digests)):
        target = path_in(target_folder, digest)
        if target.exists():
            continue
        source = path_in(source_folder, digest)
        if not source.exists():
            missing.append(digest)
            continue
        _private(target.parent)
        try:
            os.link(source, target)
            continue
        except OSError:
            pass
        handle, name = tempfile.mkstemp(prefix=".incoming.", suffix=PARTIAL, dir=target.parent)
        os.close(handle)
        partial = Path(name)
        try:
            shutil.copyfile(source, partial)
            fsync_file(partial)
            os.chmod(partial, 0o400)
            os.replace(partial, target)
        except BaseException:
            partial.unlink(missing_ok=True)
            raise
    return missing


def referenced(database: Path) -> list[str]:
    """The digests a database file refers to (read-only; none before the attachment table existed)."""
    con = sqlite3.connect(f"{Path(database).resolve().as_uri()}?mode=ro", uri=True)
    try:
        has = con.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'attachment'").fetchone()
        if not has:
            return []
        return [r[0] for r in con.execute("SELECT DISTINCT sha256 FROM attachment")]
    finally:
        con.close()


def with_backup(database: Path, copy: Path) -> list[str]:
    """The documents a backup `copy` of `database` refers to, next to the copy; returns any missing."""
    digests = referenced(copy)
    if not digests:
        return []
    return copy_in(documents_dir_for(database), documents_dir_for(copy), digests)


def after_restore(database: Path, backup: Path, also: Iterable[Path] = ()) -> list[str]:
    """After `backup` was restored into `database`: the documents it refers to, back in the
    database's folder (from the backup's folder, else from `also`); returns those found nowhere."""
    missing = copy_in(documents_dir_for(backup), documents_dir_for(database), referenced(database))
    for folder in also:
        if not missing:
            break
        missing = copy_in(folder, documents_dir_for(database), missing)
    return missing
