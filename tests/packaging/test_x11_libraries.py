"""The window on a real X display (issue 16): the bundle carries the xcb helper libraries, the build
refuses to make a bundle without them, and install-linux.sh names the packages a machine lacks.
The real bundle is started on the xcb platform under Xvfb by .ci/package-smoke."""

from __future__ import annotations

import os
import shutil
import stat
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO / "packaging"))
import xcb_libs  # noqa: E402

sys.path.pop(0)

from tests.packaging.test_build_spec import FAKE_LINKS, QT, run_spec  # noqa: E402


@pytest.mark.parametrize(
    "soname, package",
    [
        ("libxcb-icccm.so.4", "libxcb-icccm4"),
        ("libxcb-keysyms.so.1", "libxcb-keysyms1"),
        ("libxcb-cursor.so.0", "libxcb-cursor0"),
        ("libxkbcommon-x11.so.0", "libxkbcommon-x11-0"),
        ("libX11-xcb.so.1", "libx11-xcb1"),
        ("libxcb-render-util.so.0.0.0", "libxcb-render-util0"),
        ("libdbus-1.so.3", "libdbus-1-3"),
        ("libEGL.so.1", "libegl1"),
    ],
)
@pytest.mark.slow
def test_debian_package_names(soname: str, package: str) -> None:
    assert xcb_libs.debian_package(soname) == package
    # install-linux.sh applies the same rule in awk (no Python on the coordinator's machine).
    script = (REPO / "packaging" / "install-linux.sh").read_text("utf-8")
    function = script[script.index("deb_package() {") : script.index("\n}\n", script.index("deb_package() {")) + 3]
    done = subprocess.run(
        ["sh", "-c", f"{function}\ndeb_package '{soname}'"], capture_output=True, text=True, check=True
    )
    assert done.stdout.strip() == package


def test_the_system_keeps_its_own_c_library_and_graphics_stack() -> None:
    for name in ("libc.so.6", "libxcb.so.1", "libGL.so.1", "libEGL.so.1", "libGLX.so.0", "libm.so.6", "libdrm.so.2"):
        assert xcb_libs.SYSTEM_ONLY.match(name), name
    for name in ("libxcb-icccm.so.4", "libxcb-cursor.so.0", "libxkbcommon-x11.so.0", "libX11-xcb.so.1"):
        assert not xcb_libs.SYSTEM_ONLY.match(name), name


def test_build_spec_refuses_a_bundle_whose_x11_plugin_lacks_a_library(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A build machine without libxcb-icccm4 made a bundle that aborted on a real display."""
    monkeypatch.setitem(FAKE_LINKS, "/qt/libqxcb.so", ["libxcb-icccm.so.4", "libxcb-keysyms.so.1", "libxcb.so.1"])
    with pytest.raises(SystemExit) as stopped:
        run_spec(tmp_path, monkeypatch)
    message = str(stopped.value)
    assert "the X11 window needs libxcb-icccm.so.4, libxcb-keysyms.so.1" in message
    assert "libxcb.so.1" not in message  # the system's own
    assert "python3 packaging/xcb_libs.py" in message


def test_build_spec_finds_the_fetched_libraries(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """With build/xcb-libs present the loader path includes it, so PyInstaller finds and bundles them."""
    folder = REPO / "build" / "xcb-libs"
    made = not folder.exists()
    folder.mkdir(parents=True, exist_ok=True)
    try:
        spec: dict[str, Any] = run_spec(tmp_path, monkeypatch)
        assert os.environ["LD_LIBRARY_PATH"].split(os.pathsep)[0] == str(folder)
    finally:
        if made:
            folder.rmdir()
    assert f"{QT}/platforms/libqxcb.so" in {dest for dest, _, _ in spec["a"].binaries}


def _fake_bundle(tmp_path: Path, ldd_output: str) -> tuple[Path, dict[str, str]]:
    bundle = tmp_path / "CoordinatorApp"
    plugin = bundle / "_internal" / "PySide6" / "Qt" / "plugins" / "platforms" / "libqxcb.so"
    plugin.parent.mkdir(parents=True)
    plugin.write_bytes(b"\x7fELF")
    icons = bundle / "_internal" / "resources" / "icons"
    icons.mkdir(parents=True)
    shutil.copy(REPO / "resources" / "icons" / "app.svg", icons)
    shutil.copy(REPO / "packaging" / "coordinator-app.desktop", bundle)
    shutil.copy(REPO / "packaging" / "install-linux.sh", bundle)
    app = bundle / "CoordinatorApp"
    app.write_text("#!/bin/sh\n", encoding="utf-8")
    ldd = tmp_path / "fake-ldd"
    ldd.write_text(
        f"#!/bin/sh\n[ -n \"$LD_LIBRARY_PATH\" ] || exit 9\ncat <<'EOF'\n{ldd_output}EOF\n", encoding="utf-8"
    )
    for path in (app, ldd, bundle / "install-linux.sh"):
        path.chmod(path.stat().st_mode | stat.S_IXUSR)
    home = tmp_path / "home"
    home.mkdir()
    env = {"PATH": os.environ["PATH"], "HOME": str(home), "LDD": str(ldd)}
    return bundle, env


@pytest.mark.slow
def test_install_linux_names_the_packages_a_machine_lacks(tmp_path: Path) -> None:
    bundle, env = _fake_bundle(
        tmp_path,
        "\tlibxcb-icccm.so.4 => not found\n\tlibxcb-keysyms.so.1 => not found\n"
        "\tlibxcb.so.1 => /lib/x86_64-linux-gnu/libxcb.so.1 (0x00007f)\n"
        "\tlibxcb-icccm.so.4 => not found\n",
    )
    done = subprocess.run(["sh", str(bundle / "install-linux.sh")], capture_output=True, text=True, env=env, timeout=60)
    assert done.returncode == 1
    assert "lacks libxcb-icccm.so.4 libxcb-keysyms.so.1." in done.stderr
    assert "sudo apt install libxcb-icccm4 libxcb-keysyms1\n" in done.stderr
    assert "the command line works now" in done.stdout
    assert (Path(env["HOME"]) / ".local" / "bin" / "coordinator-app").is_symlink()  # installed all the same


@pytest.mark.slow
def test_install_linux_is_quiet_when_nothing_is_missing(tmp_path: Path) -> None:
    bundle, env = _fake_bundle(
        tmp_path, "\tlibxcb-icccm.so.4 => /home/x/.local/opt/CoordinatorApp/_internal/libxcb-icccm.so.4 (0x00007f)\n"
    )
    done = subprocess.run(["sh", str(bundle / "install-linux.sh")], capture_output=True, text=True, env=env, timeout=60)
    assert (done.returncode, done.stderr) == (0, "")
    assert done.stdout.strip() == "Coordinator App is in your application menu; from a terminal: coordinator-app"
