"""An SQLite database on a network share (NFS, SMB/CIFS, ...) is opened read-only, and says why.

SQLite's write-ahead log keeps its index in shared memory beside the file (the -shm), which only
works between processes of one computer; and the file locks SQLite relies on are broken or
emulated on many network file systems. Two coordinators writing to one file on a share can
therefore damage it or lose each other's work ("How To Corrupt An SQLite Database File", sections
2.1 and 2.3, and "WAL mode", section 8 of SQLite's documentation). The app looks at what kind of
file system holds the file when it opens it: on a share it opens the file only to read, and points
to team mode (a PostgreSQL server, docs/team.md).
"""

from __future__ import annotations

import os
import sqlite3
import sys
from pathlib import Path

from sqlalchemy import Engine, create_engine
from sqlalchemy.pool import NullPool

# File system types of network shares, as Linux's mount table (/proc/self/mountinfo) and macOS's
# statfs name them.
NETWORK_FILE_SYSTEMS = frozenset(
    {
        "nfs", "nfs4", "cifs", "smb", "smb2", "smb3", "smbfs", "ncpfs", "afs", "coda", "9p", "ceph",
        "glusterfs", "lustre", "gpfs", "davfs", "webdav", "afpfs", "fuse.sshfs", "sshfs", "fuse.rclone",
        "fuse.glusterfs", "fuse.cephfs", "fuse.s3fs", "fuse.davfs2",
    }
)  # fmt: skip
MOUNTINFO = Path("/proc/self/mountinfo")


def share_problem(path: Path) -> str | None:
    """Why the database file at `path` is opened read-only (it is on a network share), or None."""
    kind = network_file_system(path)
    if kind is None:
        return None
    return (
        f"{path.name} is on a network share ({kind}). SQLite cannot keep a database safe there: two "
        "people saving at once can damage the file or lose each other's changes, so it is opened read-only "
        "and nothing can be saved. To work on it together, move it to a database server (team mode: "
        "coordinator-app copy, docs/team.md); to work alone, copy it to your own disk and open that copy."
    )


def network_file_system(path: Path) -> str | None:
    """The type of the network file system holding `path` (or its nearest existing folder), else None."""
    where = Path(path).absolute()
    while not where.exists() and where != where.parent:
        where = where.parent
    try:
        where = where.resolve()
    except OSError:
        return None
    if sys.platform.startswith("linux"):
        return _linux(where)
    if sys.platform == "win32":
        return _windows(where)
    if sys.platform == "darwin":
        return _macos(where)
    return None


def mount_type(mountinfo: str, path: Path) -> str | None:
    """The file system type of the mount holding `path`, read from the text of /proc/self/mountinfo
    (the longest mount point that contains it)."""
    best, best_type = "", None
    target = str(path)
    for line in mountinfo.splitlines():
        fields = line.split()
        if " - " not in line or len(fields) < 5:
            continue
        mount_point = _unescape(fields[4])
        after = line.split(" - ", 1)[1].split()
        if not after:
            continue
        inside = target == mount_point or target.startswith(mount_point.rstrip("/") + "/") or mount_point == "/"
        if inside and len(mount_point) >= len(best):
            best, best_type = mount_point, after[0]
    return best_type


def _unescape(text: str) -> str:
    # mountinfo writes spaces, tabs, newlines and backslashes in paths as octal escapes.
    for code, char in (("\\040", " "), ("\\011", "\t"), ("\\012", "\n"), ("\\134", "\\")):
        text = text.replace(code, char)
    return text


def _linux(path: Path) -> str | None:
    try:
        kind = mount_type(MOUNTINFO.read_text(encoding="utf-8", errors="replace"), path)
    except OSError:
        return None
    return kind if kind is not None and kind.lower() in NETWORK_FILE_SYSTEMS else None


def _windows(path: Path) -> str | None:
    text = str(path)
    if text.startswith("\\\\") and not text.startswith("\\\\?\\"):
        return "a Windows network share"
    import ctypes

    drive_remote = 4
    root = os.path.splitdrive(text)[0] + "\\"
    windll = getattr(ctypes, "windll", None)
    if windll is not None and windll.kernel32.GetDriveTypeW(root) == drive_remote:
        return "a Windows network drive"
    return None


def _macos(path: Path) -> str | None:
    import ctypes
    import ctypes.util

    class StatFs(ctypes.Structure):  # struct statfs (64-bit inodes), as <sys/mount.h> defines it
        _fields_ = [
            ("f_bsize", ctypes.c_uint32), ("f_iosize", ctypes.c_int32), ("f_blocks", ctypes.c_uint64),
            ("f_bfree", ctypes.c_uint64), ("f_bavail", ctypes.c_uint64), ("f_files", ctypes.c_uint64),
            ("f_ffree", ctypes.c_uint64), ("f_fsid", ctypes.c_int32 * 2), ("f_owner", ctypes.c_uint32),
            ("f_type", ctypes.c_uint32), ("f_flags", ctypes.c_uint32), ("f_fssubtype", ctypes.c_uint32),
            ("f_fstypename", ctypes.c_char * 16), ("f_mntonname", ctypes.c_char * 1024),
            ("f_mntfromname", ctypes.c_char * 1024), ("f_reserved", ctypes.c_uint32 * 8),
        ]  # fmt: skip

    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c"), use_errno=True)
        info = StatFs()
        if libc.statfs(str(path).encode(), ctypes.byref(info)) != 0:
            return None
    except (OSError, AttributeError):
        return None
    kind = info.f_fstypename.decode(errors="replace")
    return kind if kind.lower() in NETWORK_FILE_SYSTEMS else None


def open_read_only(path: Path) -> Engine:
    """An engine that can only read the file: no -wal or -shm made beside it, no lock taken on the
    share when nobody has it open (`immutable`), nothing ever written. The file must be a Coordinator
    App database at this version's schema (an older one cannot be upgraded without writing)."""
    from coordinator_app.store.errors import DatabaseProblem
    from coordinator_app.store.health import read_only_uri
    from coordinator_app.store.migrate import head_revision, look_at, refusal

    path = Path(path)
    state = look_at(path)
    if state.kind == "missing":
        raise DatabaseProblem(
            f"There is no database at {path}, and none is created on a network share: SQLite cannot keep one "
            "safe there. Create it on your own disk, or use a database server (docs/team.md)."
        )
    problem = refusal(path, state)
    if problem is not None:
        raise problem
    if state.revision != head_revision():
        raise DatabaseProblem(
            f"{path.name} is on a network share and was written by an older version of Coordinator App; it "
            "cannot be upgraded there without writing to it. Copy it to your own disk and open that copy "
            "(it is upgraded then), or move it to a database server (docs/team.md)."
        )
    uri = read_only_uri(path)

    def _connect() -> sqlite3.Connection:
        con = sqlite3.connect(uri, uri=True, check_same_thread=False)
        con.execute("PRAGMA query_only = ON")
        return con

    return create_engine(f"sqlite:///{path}", creator=_connect, poolclass=NullPool, hide_parameters=True)
