"""One helper finds resources and migrations from source and in the frozen bundle; the
version has one source, pyproject.toml."""

from __future__ import annotations

import sys
import tomllib
from importlib import metadata
from pathlib import Path

import pytest

import coordinator_app
from coordinator_app import paths

REPO = Path(__file__).resolve().parents[2]


def pyproject_version() -> str:
    return tomllib.loads((REPO / "pyproject.toml").read_text("utf-8"))["project"]["version"]


def test_from_source_the_resource_root_is_the_repository_top() -> None:
    assert paths.resource_root() == REPO
    assert sorted(p.name for p in paths.programmes_dir().glob("*.toml")) == ["imim.toml", "pm.toml"]
    assert (paths.migrations_dir() / "env.py").is_file()
    assert (paths.migrations_dir() / "script.py.mako").is_file()
    assert list((paths.migrations_dir() / "versions").glob("0001_*.py"))
    assert (paths.resource_root() / "pyproject.toml").is_file()


def test_frozen_the_resource_root_is_the_bundle_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sys, "_MEIPASS", str(tmp_path), raising=False)
    assert paths.resource_root() == tmp_path
    assert paths.programmes_dir() == tmp_path / "resources" / "programmes"
    assert paths.migrations_dir() == tmp_path / "db" / "migrations"


def test_the_version_is_the_one_in_pyproject() -> None:
    assert coordinator_app.__version__ == pyproject_version()


def _not_installed(name: str) -> str:
    raise metadata.PackageNotFoundError(name)


def test_frozen_the_version_is_read_from_the_bundled_pyproject(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # In the bundle there is no installed metadata, only the copied pyproject.toml.
    (tmp_path / "pyproject.toml").write_text('[project]\nname = "coordinator-app"\nversion = "9.8.7"\n', "utf-8")
    monkeypatch.setattr(sys, "_MEIPASS", str(tmp_path), raising=False)
    monkeypatch.setattr(metadata, "version", _not_installed)
    assert coordinator_app._read_version() == "9.8.7"


@pytest.mark.parametrize("content", [None, "not = [toml", "[project]\nname = 'x'\n"])
def test_frozen_without_a_readable_version_says_unknown(
    content: str | None, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    if content is not None:
        (tmp_path / "pyproject.toml").write_text(content, "utf-8")
    monkeypatch.setattr(sys, "_MEIPASS", str(tmp_path), raising=False)
    monkeypatch.setattr(metadata, "version", _not_installed)
    assert coordinator_app._read_version() == "0+unknown"


def test_the_app_has_a_name_organisation_and_domain_for_settings() -> None:
    assert coordinator_app.APP_NAME == "Coordinator App"
    assert coordinator_app.ORGANISATION
    assert "." in coordinator_app.ORGANISATION_DOMAIN
