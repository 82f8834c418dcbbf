"""Entry point of the frozen app: the same command line as `coordinator-app`.

Kept outside the package so PyInstaller does not put `coordinator_app/` itself on the
search path (its subpackages would then also be importable as top-level names).
"""

from __future__ import annotations

import sys

# An import reads a workbook in a child process (coordinator_app/spreadsheets/reading_child.py); in the
# bundle that child is this executable with this first argument.
READ_WORKBOOK_CHILD = "--read-workbook-for-import"

if __name__ == "__main__":
    if sys.argv[1:2] == [READ_WORKBOOK_CHILD]:
        from coordinator_app.spreadsheets.workbook_server import child_main

        sys.exit(child_main(sys.argv[2:]))
    from coordinator_app.cli import main

    sys.exit(main())
