"""build.spec, run with stand-ins for PyInstaller's build steps (PyInstaller itself is only
in the `build` extra): what it bundles, what it leaves out, where the version comes from.
The real build is checked by .ci/package-smoke."""

from __future__ import annotations

import configparser
import sys
import types
from pathlib import Path
from typing import Any

import pytest

REPO = Path(__file__).resolve().parents[2]
SPEC = REPO / "build.spec"

QT = "PySide6/Qt/plugins"
FAKE_BINARIES = [
    (f"{QT}/platforms/libqxcb.so", "/qt/libqxcb.so", "BINARY"),
    (f"{QT}/platforms/libqwayland.so", "/qt/libqwayland.so", "BINARY"),
    (f"{QT}/platforms/libqoffscreen.so", "/qt/libqoffscreen.so", "BINARY"),
    (f"{QT}/platforms/libqvnc.so", "/qt/libqvnc.so", "BINARY"),
    (f"{QT}/platforms/libqeglfs.so", "/qt/libqeglfs.so", "BINARY"),
    (f"{QT}/imageformats/libqsvg.so", "/qt/libqsvg.so", "BINARY"),
    (f"{QT}/imageformats/libqpdf.so", "/qt/libqpdf.so", "BINARY"),
    (f"{QT}/iconengines/libqsvgicon.so", "/qt/libqsvgicon.so", "BINARY"),
    (f"{QT}/generic/libqevdevmouseplugin.so", "/qt/libqevdevmouseplugin.so", "BINARY"),
    (f"{QT}/platformthemes/libqgtk3.so", "/qt/libqgtk3.so", "BINARY"),
    (f"{QT}/platformthemes/libqxdgdesktopportal.so", "/qt/libqxdgdesktopportal.so", "BINARY"),
    ("PySide6\\plugins\\platforms\\qvnc.dll", "C:/qt/qvnc.dll", "BINARY"),
    ("PySide6\\plugins\\platforms\\qwindows.dll", "C:/qt/qwindows.dll", "BINARY"),
    ("PySide6/QtWidgets.abi3.so", "/qt/QtWidgets.abi3.so", "EXTENSION"),
    ("PySide6/Qt/lib/libQt6Widgets.so.6", "/qt/libQt6Widgets.so.6", "BINARY"),
    ("PySide6/Qt/lib/libQt6Pdf.so.6", "/qt/libQt6Pdf.so.6", "BINARY"),
    ("libcairo.so.2", "/usr/lib/libcairo.so.2", "BINARY"),
    ("libfreetype.so.6", "/usr/lib/libfreetype.so.6", "BINARY"),
    ("libuuid.so.1", "/usr/lib/libuuid.so.1", "BINARY"),  # as if found through ctypes
]
# Who links to whom, for the orphan pruning on Linux.
FAKE_LINKS = {
    "/qt/libqpdf.so": ["libQt6Pdf.so.6", "libQt6Widgets.so.6"],
    "/qt/libqgtk3.so": ["libcairo.so.2", "libfreetype.so.6"],
    "/qt/QtWidgets.abi3.so": ["libQt6Widgets.so.6"],
    "/qt/libQt6Widgets.so.6": ["libfreetype.so.6"],
}
FAKE_QT_DATAS = [
    ("PySide6/Qt/translations/qtbase_nl.qm", "/qt/qtbase_nl.qm", "DATA"),
    ("PySide6/Qt/translations/qt_de.qm", "/qt/qt_de.qm", "DATA"),
    ("PySide6/Qt/translations/qtbase_fr.qm", "/qt/qtbase_fr.qm", "DATA"),
    ("PySide6/Qt/translations/qt_help_nl.qm", "/qt/qt_help_nl.qm", "DATA"),
    ("PySide6/Qt/translations/qtbase_pt_BR.qm", "/qt/qtbase_pt_BR.qm", "DATA"),
]


class Step:
    """Records the arguments of one PyInstaller build step (Analysis, EXE, ...)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        self.args, self.kwargs = args, kwargs


class FakeAnalysis(Step):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.binaries = list(FAKE_BINARIES)
        self.datas = [(str(Path(dest) / Path(src).name), src, "DATA") for src, dest in kwargs["datas"]]
        self.datas += FAKE_QT_DATAS
        self.pure, self.scripts = [], []


def run_spec(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, platform: str = "linux") -> dict[str, Any]:
    hooks = types.ModuleType("PyInstaller.utils.hooks")
    hooks.collect_submodules = lambda package: [f"{package}.<all>"]  # type: ignore[attr-defined]
    bindepend = types.ModuleType("PyInstaller.depend.bindepend")
    bindepend.get_imports = lambda src: [(name, None) for name in FAKE_LINKS.get(src, [])]  # type: ignore[attr-defined]
    for name in ("PyInstaller", "PyInstaller.utils", "PyInstaller.depend"):
        monkeypatch.setitem(sys.modules, name, types.ModuleType(name))
    monkeypatch.setitem(sys.modules, "PyInstaller.utils.hooks", hooks)
    monkeypatch.setitem(sys.modules, "PyInstaller.depend.bindepend", bindepend)
    monkeypatch.setattr(sys, "platform", platform)
    monkeypatch.delenv("LD_LIBRARY_PATH", raising=False)  # the spec adds build/xcb-libs to it: restored after
    (tmp_path / "dist" / "CoordinatorApp").mkdir(parents=True)
    namespace: dict[str, Any] = {
        "SPECPATH": str(REPO),
        "DISTPATH": str(tmp_path / "dist"),
        "workpath": str(tmp_path / "build"),
        "Analysis": FakeAnalysis,
        "PYZ": Step,
        "EXE": Step,
        "COLLECT": Step,
        "BUNDLE": Step,
    }
    exec(compile(SPEC.read_text("utf-8"), str(SPEC), "exec"), namespace)
    return namespace


@pytest.fixture
def spec(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> dict[str, Any]:
    return run_spec(tmp_path, monkeypatch)


def bundled(spec: dict[str, Any]) -> dict[str, str]:
    """Bundle path -> source file, for the project's own data files."""
    return {
        f"{dest}/{Path(src).name}".replace("\\", "/").removeprefix("./"): src for src, dest in spec["a"].kwargs["datas"]
    }


def test_the_version_is_the_package_version(spec: dict[str, Any]) -> None:
    import coordinator_app

    assert spec["VERSION"] == coordinator_app.__version__
    # The app no longer reads pyproject.toml at run time: the bundle does not need it.
    assert "pyproject.toml" not in bundled(spec)


def test_every_resource_file_is_bundled_under_resources(spec: dict[str, Any]) -> None:
    files = bundled(spec)
    expected = {
        "resources/" + p.relative_to(REPO / "resources").as_posix()
        for p in (REPO / "resources").rglob("*")
        if p.is_file() and "__pycache__" not in p.parts
    }
    assert {"resources/programmes/pm.toml", "resources/programmes/imim.toml", "resources/icons/app.svg"} <= expected
    assert expected <= set(files)
    assert not [name for name in files if "__pycache__" in name or name.endswith(".pyc")]


def test_the_migrations_are_bundled_as_files_without_alembic_templates(spec: dict[str, Any]) -> None:
    migrations = {name for name in bundled(spec) if name.startswith("db/")}
    revisions = {f"db/migrations/versions/{p.name}" for p in (REPO / "db" / "migrations" / "versions").glob("*.py")}
    assert revisions and revisions <= migrations
    assert migrations == {"db/migrations/env.py", "db/migrations/script.py.mako"} | revisions


def test_the_entry_point_is_the_cli_and_lazy_imports_are_named(spec: dict[str, Any]) -> None:
    analysis = spec["a"]
    assert analysis.args[0] == [str(REPO / "packaging" / "launcher.py")]
    assert "from coordinator_app.cli import main" in (REPO / "packaging" / "launcher.py").read_text("utf-8")
    hidden = analysis.kwargs["hiddenimports"]
    assert "coordinator_app.<all>" in hidden  # commands and window are imported by name
    assert {"alembic.op", "sqlalchemy.dialects.sqlite", "PySide6.QtWidgets", "PySide6.QtSvg"} <= set(hidden)


def test_test_tools_and_unused_qt_modules_are_excluded(spec: dict[str, Any]) -> None:
    excludes = set(spec["a"].kwargs["excludes"])
    assert {"tkinter", "pytest", "hypothesis", "PySide6.QtNetwork", "PySide6.QtQml", "PySide6.QtQuick"} <= excludes
    assert not excludes & {"PySide6.QtCore", "PySide6.QtGui", "PySide6.QtWidgets", "PySide6.QtSvg", "sqlite3"}


def test_unneeded_qt_plugins_and_their_libraries_are_left_out(spec: dict[str, Any]) -> None:
    kept = {dest for dest, _, _ in spec["a"].binaries}
    assert {
        f"{QT}/platforms/libqxcb.so",
        f"{QT}/platforms/libqwayland.so",
        f"{QT}/platforms/libqoffscreen.so",
        f"{QT}/imageformats/libqsvg.so",
        f"{QT}/iconengines/libqsvgicon.so",
        f"{QT}/platformthemes/libqxdgdesktopportal.so",
        "PySide6\\plugins\\platforms\\qwindows.dll",
        "PySide6/Qt/lib/libQt6Widgets.so.6",
        "libfreetype.so.6",
        "libuuid.so.1",
    } <= kept
    assert not kept & {
        f"{QT}/platforms/libqvnc.so",
        f"{QT}/platforms/libqeglfs.so",
        f"{QT}/imageformats/libqpdf.so",
        f"{QT}/generic/libqevdevmouseplugin.so",
        f"{QT}/platformthemes/libqgtk3.so",
        "PySide6\\plugins\\platforms\\qvnc.dll",
        # needed only by left-out plugins (qpdf, qgtk3)
        "PySide6/Qt/lib/libQt6Pdf.so.6",
        "libcairo.so.2",
    }


def test_only_dutch_german_and_swedish_qt_translations_are_kept(spec: dict[str, Any]) -> None:
    kept = {Path(dest).name for dest, _, _ in spec["a"].datas if dest.endswith(".qm")}
    assert kept == {"qtbase_nl.qm", "qt_de.qm"}


def test_linux_gets_a_desktop_entry_and_installer_next_to_the_executable(spec: dict[str, Any], tmp_path: Path) -> None:
    folder = tmp_path / "dist" / "CoordinatorApp"
    assert (folder / "coordinator-app.desktop").is_file() and (folder / "install-linux.sh").is_file()
    (gui,) = spec["executables"]
    assert gui.kwargs["name"] == "CoordinatorApp" and gui.kwargs["console"] is True
    assert spec["coll"].kwargs["name"] == "CoordinatorApp"


@pytest.mark.parametrize("platform", ["win32", "darwin"])
def test_windows_and_macos_get_a_windowed_app_and_a_console_cli(
    platform: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import subprocess

    commands: list[list[str]] = []
    monkeypatch.setattr(subprocess, "run", lambda command, check: commands.append(command))
    spec = run_spec(tmp_path, monkeypatch, platform)
    gui, cli = spec["executables"]
    assert (gui.kwargs["name"], gui.kwargs["console"]) == ("CoordinatorApp", False)
    assert (cli.kwargs["name"], cli.kwargs["console"]) == ("coordinator-app", True)
    # No icon in packaging/: rendered from app.svg into the build folder.
    icon = tmp_path / "build" / "icons" / ("CoordinatorApp.ico" if platform == "win32" else "CoordinatorApp.icns")
    assert gui.kwargs["icon"] == cli.kwargs["icon"] == str(icon)
    assert commands == [[sys.executable, str(REPO / "packaging" / "make_icons.py"), str(icon.parent)]]
    assert not (tmp_path / "dist" / "CoordinatorApp" / "install-linux.sh").exists()
    assert ("app" in spec) == (platform == "darwin")  # the macOS .app bundle


def test_the_desktop_entry_starts_the_app_with_its_icon() -> None:
    entry = configparser.ConfigParser(interpolation=None)
    entry.optionxform = str  # type: ignore[assignment,method-assign]   # keys are case-sensitive
    entry.read(REPO / "packaging" / "coordinator-app.desktop", encoding="utf-8")
    desktop = entry["Desktop Entry"]
    assert desktop["Type"] == "Application"
    assert desktop["Name"] == "Coordinator App"
    assert desktop["Exec"] == "CoordinatorApp"
    assert desktop["Terminal"] == "false"
    # install-linux.sh installs the icon under this name and rewrites Exec to the full path.
    installer = (REPO / "packaging" / "install-linux.sh").read_text("utf-8")
    assert f"apps/{desktop['Icon']}.svg" in installer
    assert "s|^Exec=CoordinatorApp|" in installer


def test_make_icons_renders_the_app_icon_for_windows_and_macos(
    qapp: object, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.syspath_prepend(str(REPO / "packaging"))
    import make_icons

    monkeypatch.setattr(sys, "argv", ["make_icons.py", str(tmp_path)])
    assert make_icons.main() == 0
    assert (tmp_path / "CoordinatorApp.ico").read_bytes()[:4] == b"\x00\x00\x01\x00"  # ICO header
    assert (tmp_path / "CoordinatorApp.icns").read_bytes()[:4] == b"icns"
    assert (tmp_path / "CoordinatorApp-256.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
