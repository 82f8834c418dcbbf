"""The system libraries Qt's X11 (xcb) platform plugin needs, found or fetched for the bundle.

Qt 6 opens a window on X11 through `libqxcb.so`, which links to a dozen small xcb helper
libraries (libxcb-cursor0, libxcb-icccm4, libxcb-keysyms1, ...). A fresh Debian or Ubuntu
desktop often lacks some of them, and Qt then aborts with "Could not load the Qt platform
plugin xcb" (issue 16). PyInstaller bundles every library the plugin links to that it finds
on the build machine, so the bundle carries them when the build machine has them.

    python3 packaging/xcb_libs.py [FOLDER]

downloads the Debian packages of the ones this machine lacks (`apt-get download`, no root, the
system is not changed) and unpacks their libraries into FOLDER (default build/xcb-libs), where
build.spec looks for them. It prints what it fetched and exits 1 if something is still missing.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_FOLDER = ROOT / "build" / "xcb-libs"
# Libraries every Linux desktop has and that must come from the system, never the bundle:
# the C library and the graphics stack tied to the display server and its drivers
# (PyInstaller leaves the same ones out).
SYSTEM_ONLY = re.compile(
    r"^(ld-linux.*|lib(c|m|dl|rt|pthread|util|resolv|nsl|crypt)|libE?(Open)?GLX?(ESv2|dispatch)?"
    r"|libdrm|libxcb|libxcb-dri\d*|libwayland-\w+)\.so(\.\d+)*$"
)
_NOT_FOUND = re.compile(r"^\s*(\S+) => not found")


def debian_package(soname: str) -> str:
    """The Debian/Ubuntu package of a shared library, by Debian's naming rule: the name in lower
    case plus its so-version, with a hyphen when the name ends in a digit
    (libxcb-icccm.so.4 -> libxcb-icccm4, libxkbcommon-x11.so.0 -> libxkbcommon-x11-0)."""
    name, _, version = soname.partition(".so")
    version = version.lstrip(".").split(".")[0]
    name = name.lower()
    return f"{name}-{version}" if name[-1:].isdigit() and version else f"{name}{version}"


def xcb_plugin() -> Path:
    """libqxcb.so of the PySide6 this Python imports."""
    import PySide6

    return Path(PySide6.__file__).parent / "Qt" / "plugins" / "platforms" / "libqxcb.so"


def missing_libraries(binary: Path, also_in: Path | None = None) -> list[str]:
    """The libraries `binary` needs (directly or through others) that the loader does not find,
    with `also_in` searched first, as the bundle's own folder is at run time."""
    env = dict(os.environ)
    if also_in is not None:
        env["LD_LIBRARY_PATH"] = os.pathsep.join(filter(None, [str(also_in), env.get("LD_LIBRARY_PATH", "")]))
    done = subprocess.run(["ldd", str(binary)], capture_output=True, text=True, env=env, check=False)
    names = {m.group(1) for line in done.stdout.splitlines() if (m := _NOT_FOUND.match(line))}
    return sorted(names)


def fetch(sonames: list[str], into: Path) -> list[str]:
    """Download the packages holding `sonames` and put their shared libraries into `into`.
    Returns the packages fetched; raises RuntimeError naming those apt could not get."""
    packages = sorted({debian_package(s) for s in sonames})
    into.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        done = subprocess.run(["apt-get", "download", *packages], cwd=tmp, capture_output=True, text=True, check=False)
        if done.returncode != 0:
            raise RuntimeError(f"apt-get download {' '.join(packages)} failed: {done.stderr.strip()}")
        for deb in Path(tmp).glob("*.deb"):
            unpacked = Path(tmp) / deb.stem
            subprocess.run(["dpkg-deb", "-x", str(deb), str(unpacked)], check=True)
            for lib in unpacked.rglob("*.so*"):
                if lib.is_file() and not lib.is_symlink():
                    shutil.copy2(lib, into / lib.name)
                elif lib.is_symlink():
                    target = into / lib.name
                    target.unlink(missing_ok=True)
                    target.symlink_to(os.readlink(lib))
    return packages


def main(argv: list[str]) -> int:
    into = Path(argv[0]) if argv else DEFAULT_FOLDER
    plugin = xcb_plugin()
    fetched: list[str] = []
    for _ in range(4):  # a fetched library can need another one
        missing = [s for s in missing_libraries(plugin, into) if not SYSTEM_ONLY.match(s)]
        if not missing:
            break
        try:
            fetched += fetch(missing, into)
        except (RuntimeError, OSError, subprocess.CalledProcessError) as exc:
            print(f"xcb_libs: {exc}", file=sys.stderr)
            break
    missing = missing_libraries(plugin, into)
    if fetched:
        print(f"xcb_libs: fetched {', '.join(fetched)} into {into} (the bundle carries them)")
    if missing:
        packages = " ".join(sorted({debian_package(s) for s in missing}))
        print(
            f"xcb_libs: still missing {', '.join(missing)}; install them (sudo apt install {packages}) and build again",
            file=sys.stderr,
        )
        return 1
    if not fetched:
        print(f"xcb_libs: every library the xcb platform plugin needs is on this machine or in {into}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
