"""Icons from resources/icons/*.svg, loaded once each (rendered lazily by Qt's SVG plugin).

No icon-theme lookup: scanning the theme folders costs tens of milliseconds at start-up and
our own icons look the same on every platform.
"""

from __future__ import annotations

from functools import cache

from PySide6.QtGui import QIcon

from coordinator_app.ui.util import resource_path


@cache
def icon(name: str) -> QIcon:
    path = resource_path("icons", f"{name}.svg")
    return QIcon(str(path)) if path.exists() else QIcon()
