"""Shared fixtures for the domain tests: the two built-in programme definitions."""

from __future__ import annotations

from pathlib import Path

import pytest

from coordinator_app.domain.programme import Programme
from coordinator_app.domain.programme_file import load_programmes

PROGRAMMES_DIR = Path(__file__).resolve().parents[2] / "resources" / "programmes"


@pytest.fixture(scope="session")
def programmes() -> dict[str, Programme]:
    return load_programmes(PROGRAMMES_DIR)


@pytest.fixture(scope="session")
def pm(programmes: dict[str, Programme]) -> Programme:
    return programmes["PM"]


@pytest.fixture(scope="session")
def imim(programmes: dict[str, Programme]) -> Programme:
    return programmes["IMIM"]
