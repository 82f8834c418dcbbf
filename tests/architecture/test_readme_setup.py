"""What the README's "On a fresh machine" says holds: the system packages Qt's X11 platform plugin
links to are named (a fresh Debian lacks libxcb-icccm4 and libxcb-keysyms1, and Qt's own message
names another), and a skipped test says why, as the README promises."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "packaging"))
from xcb_libs import debian_package, xcb_plugin  # noqa: E402

# The X11 libraries of the plugin (the C library, GL and fonts come with any desktop).
_X11 = re.compile(r"^lib(xcb|X11-xcb|X11|xkbcommon)")


def _fresh_machine_text() -> str:
    text = (ROOT / "README.md").read_text("utf-8")
    return text[text.index("## On a fresh machine") : text.index("## Command line")]


@pytest.mark.slow  # runs ldd
@pytest.mark.skipif(not sys.platform.startswith("linux") or shutil.which("ldd") is None, reason="ldd: Linux only")
def test_the_readme_names_every_x11_package_the_xcb_plugin_links_to() -> None:
    listed = subprocess.run(["ldd", str(xcb_plugin())], capture_output=True, text=True, check=True).stdout
    sonames = {line.split()[0] for line in listed.splitlines() if "=>" in line}
    packages = sorted({debian_package(name) for name in sonames if _X11.match(name)})
    assert "libxcb-icccm4" in packages and "libxcb-keysyms1" in packages
    named = set(re.findall(r"lib[\w.+-]+", _fresh_machine_text()))
    assert [p for p in packages if p not in named] == []


def test_skipped_tests_say_why_as_the_readme_says() -> None:
    assert "skipped, and the summary at the end says why" in _fresh_machine_text()
    pytest_options = tomllib.loads((ROOT / "pyproject.toml").read_text("utf-8"))["tool"]["pytest"]["ini_options"]
    assert re.search(r"(^|\s)-r\w*s", pytest_options["addopts"])
