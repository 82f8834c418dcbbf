"""Import student lists and exam results: check every row against the rules, then write all
accepted rows in ONE transaction with an audit entry per change.

The spreadsheet side (coordinator_app/spreadsheets/importer.py) reads the file and maps its
columns; this package receives plain rows ({field: raw value}), or the same column by column
(plan.Columns, as a workbook comes back from the reading child), and knows nothing of files.
Rows are matched on student number, so importing the same file twice changes nothing the
second time. plan.py: what an import will do; students.py and results.py: checking each kind
of list; apply.py: writing a plan.
"""

from coordinator_app.services.imports.apply import apply_plan
from coordinator_app.services.imports.plan import (
    CELL_PROBLEMS,
    IMPORT_KINDS,
    Columns,
    ImportPlan,
    ImportRefused,
    ImportResult,
    PlannedRow,
    Rejection,
    fingerprint,
)
from coordinator_app.services.imports.results import plan_results
from coordinator_app.services.imports.students import plan_students

__all__ = [
    "CELL_PROBLEMS",
    "IMPORT_KINDS",
    "Columns",
    "ImportPlan",
    "ImportRefused",
    "ImportResult",
    "PlannedRow",
    "Rejection",
    "apply_plan",
    "fingerprint",
    "plan_results",
    "plan_students",
]
