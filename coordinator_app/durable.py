"""Writing files so they survive a power cut: fsync the file before it is renamed into place, then its folder.

Without the first fsync a rename can reach the disk before the data (ext4, APFS), so after a
crash the name points at an empty or partial file; without the second the rename itself may be
lost. Used by backups (store/backup.py) and the Excel export.
"""

from __future__ import annotations

import os
from pathlib import Path


def fsync_file(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def fsync_folder(folder: Path) -> None:
    """Make a rename in `folder` durable (POSIX; Windows has no directory handles to sync)."""
    if os.name != "posix":
        return
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def replace_durably(written: Path, target: Path) -> None:
    """Rename the complete file `written` to `target`, durably."""
    fsync_file(written)
    os.replace(written, target)
    fsync_folder(Path(target).parent)
