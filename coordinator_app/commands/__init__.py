"""Extra CLI commands, one module per area. Each module has `register(subparsers)` returning
{command name: handler(args) -> exit code}; heavy imports stay inside the handlers so
`coordinator-app --version` and the window start fast."""

from __future__ import annotations

import argparse
import importlib
from collections.abc import Callable

MODULES = ("coordinator_app.commands.spreadsheets", "coordinator_app.commands.backup",
           "coordinator_app.commands.deadlines", "coordinator_app.commands.removed")

Handler = Callable[[argparse.Namespace], int]


def register_all(subparsers: argparse._SubParsersAction) -> dict[str, Handler]:  # type: ignore[type-arg]
    handlers: dict[str, Handler] = {}
    for name in MODULES:
        try:
            module = importlib.import_module(name)
        except ModuleNotFoundError as exc:
            if exc.name != name:
                raise
            continue   # that area is not built yet
        handlers.update(module.register(subparsers))
    return handlers
