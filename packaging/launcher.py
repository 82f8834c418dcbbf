"""Entry point of the frozen app: the same command line as `coordinator-app`.

Kept outside the package so PyInstaller does not put `coordinator_app/` itself on the
search path (its subpackages would then also be importable as top-level names).
"""

from __future__ import annotations

import sys

from coordinator_app.cli import main

if __name__ == "__main__":
    sys.exit(main())
