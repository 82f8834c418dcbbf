"""A migration run on a test's database (the store tests' `empty` fixture: tests/store/conftest.py)."""

from __future__ import annotations

from alembic import command
from sqlalchemy import Engine

from coordinator_app.store.migrate import alembic_config


def migrate_to(engine: Engine, revision: str, down: bool = False) -> None:
    """Alembic's upgrade (or downgrade) to `revision`, on this engine's database."""
    config = alembic_config()
    with engine.begin() as conn:
        config.attributes["connection"] = conn
        (command.downgrade if down else command.upgrade)(config, revision)
