"""A workspace session around a database a test already opened, for the parts tested without the window."""

from __future__ import annotations

from coordinator_app.services.workspace import Workspace
from coordinator_app.ui.session import WorkspaceSession


def session_on(ws: Workspace) -> WorkspaceSession:
    """A session whose open database is `ws`, as after its `opened` signal (the test closes `ws` itself)."""
    session = WorkspaceSession(ws.path, ws.today, ws.programmes)
    session.ws = ws
    return session
