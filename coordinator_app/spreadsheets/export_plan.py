"""What a cohort workbook holds and what it is called, without openpyxl (the export dialog asks
before anything is written, and importing openpyxl would cost the window a pause)."""

from __future__ import annotations

from datetime import date

from coordinator_app.domain.programme import Programme

# The sheets of rows (a header, frozen panes, an autofilter), then the Dashboard: figures and charts.
TABLE_SHEETS = ("Overview", "Courses", "Internships", "Portfolio", "Literature Study", "Academic Core", "Attention")
SHEETS = (*TABLE_SHEETS, "Dashboard")


def _cohort_label(year: int) -> str:
    return f"{year}-{year + 1}"


def sheets_for(programmes: list[Programme]) -> list[str]:
    """The sheets a workbook of these programmes has: only those at least one of them fills (an
    IMIM-only workbook has no Internships, Portfolio, Literature Study or Academic Core)."""
    has = {
        "Courses": any(p.courses for p in programmes),
        "Internships": any(p.internships for p in programmes),
        "Portfolio": any(p.internships or p.literature_study or p.academic_core for p in programmes),
        "Literature Study": any(p.literature_study for p in programmes),
        "Academic Core": any(p.academic_core for p in programmes),
    }
    return [name for name in SHEETS if has.get(name, True)]


def default_file_name(programme: str | None, cohort: int | None, as_of: date) -> str:
    """'PM cohort 2024-2025 (2026-12-02).xlsx': what is in it and the day its status is from
    (year first, so a folder of exports sorts by date)."""
    if programme and cohort:
        what = f"{programme} cohort {_cohort_label(cohort)}"
    elif programme:
        what = f"{programme} all cohorts"
    elif cohort:
        what = f"Cohort {_cohort_label(cohort)}"
    else:
        what = "All students"
    return f"{what} ({as_of:%Y-%m-%d}).xlsx"
