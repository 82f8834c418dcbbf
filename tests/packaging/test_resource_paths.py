"""One helper finds resources and migrations from source and in the frozen bundle; the
version has one source, coordinator_app.__version__, which pyproject.toml reads."""

from __future__ import annotations

import ast
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

import coordinator_app
from coordinator_app import paths

REPO = Path(__file__).resolve().parents[2]


def test_from_source_the_resource_root_is_the_repository_top() -> None:
    assert paths.resource_root() == REPO
    assert sorted(p.name for p in paths.programmes_dir().glob("*.toml")) == ["imim.toml", "pm.toml"]
    assert (paths.migrations_dir() / "env.py").is_file()
    assert (paths.migrations_dir() / "script.py.mako").is_file()
    assert list((paths.migrations_dir() / "versions").glob("0001_*.py"))


def test_frozen_the_resource_root_is_the_bundle_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sys, "_MEIPASS", str(tmp_path), raising=False)
    assert paths.resource_root() == tmp_path
    assert paths.programmes_dir() == tmp_path / "resources" / "programmes"
    assert paths.migrations_dir() == tmp_path / "db" / "migrations"


def test_pyproject_takes_the_version_from_the_package() -> None:
    project = tomllib.loads((REPO / "pyproject.toml").read_text("utf-8"))
    assert "version" not in project["project"] and "version" in project["project"]["dynamic"]
    assert project["tool"]["setuptools"]["dynamic"]["version"] == {"attr": "coordinator_app.__version__"}


def test_the_version_is_a_plain_string_setuptools_can_read_without_importing() -> None:
    # setuptools (and build.spec) read the attribute statically; an expression would make
    # setuptools import the package while building.
    tree = ast.parse((REPO / "coordinator_app" / "__init__.py").read_text("utf-8"))
    values = [
        ast.literal_eval(node.value)
        for node in tree.body
        if isinstance(node, ast.Assign) and any(getattr(t, "id", None) == "__version__" for t in node.targets)
    ]
    assert values == [coordinator_app.__version__]
    assert coordinator_app.__version__.split(".")[0].isdigit()


@pytest.mark.slow
def test_importing_the_package_reads_no_file_for_the_version() -> None:
    # The window's start-up imports coordinator_app first: no TOML parser, no metadata scan.
    done = subprocess.run(
        [
            sys.executable,
            "-c",
            "import sys, coordinator_app; print(sorted({'tomllib', 'importlib.metadata'} & set(sys.modules)))",
        ],
        capture_output=True,
        text=True,
        check=True,
        cwd=REPO,
    )
    assert done.stdout.strip() == "[]"


def test_the_app_has_a_name_organisation_and_domain_for_settings() -> None:
    assert coordinator_app.APP_NAME == "Coordinator App"
    assert coordinator_app.ORGANISATION
    assert "." in coordinator_app.ORGANISATION_DOMAIN
