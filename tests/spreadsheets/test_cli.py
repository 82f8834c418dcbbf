"""`coordinator-app export` and `coordinator-app import` on the command line."""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pytest

from coordinator_app.cli import main

AS_OF = "2025-11-24"


@pytest.fixture
def demo_db(small_demo: Path) -> Path:
    return small_demo


def test_export_a_cohort(demo_db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "pm2024.xlsx"
    assert (
        main(
            ["export", "--db", str(demo_db), "--cohort", "2024", "--programme", "PM", "--as-of", AS_OF, "-o", str(out)]
        )
        == 0
    )
    printed = capsys.readouterr().out
    assert printed.startswith("Saved ") and f" students to {out} in " in printed and printed.count("pm2024.xlsx") == 1
    assert openpyxl.load_workbook(out, read_only=True).sheetnames[0] == "Overview"


def test_export_errors_are_one_line(demo_db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["export", "--db", str(demo_db), "--cohort", "2031", "-o", str(tmp_path / "x.xlsx")]) == 1
    assert (
        capsys.readouterr().err.strip()
        == "coordinator-app: There are no students in the 2031-2032 cohort; nothing to export."
    )
    assert main(["export", "--db", str(demo_db), "-o", str(tmp_path / "x.csv")]) == 1
    assert "must end in .xlsx" in capsys.readouterr().err


def test_import_dry_run_then_apply(demo_db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "list.csv"
    path.write_text(
        "Studentnummer;Voornaam;Achternaam;Opleiding;Cohort\n2799001;Anna;Vries;PM;2025\n", encoding="utf-8"
    )
    assert main(["import", "--db", str(demo_db), str(path), "--dry-run"]) == 0
    out = capsys.readouterr().out
    assert "1 new, 0 updated, 0 unchanged, 0 rejected students" in out and "nothing was written" in out
    assert main(["import", "--db", str(demo_db), str(path)]) == 0
    assert "Imported: 1 added" in capsys.readouterr().out
    assert main(["import", "--db", str(demo_db), str(path)]) == 0
    assert "0 new, 0 updated, 1 unchanged" in capsys.readouterr().out


def test_import_refuses_a_file_with_bad_rows(demo_db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "grades.csv"
    path.write_text("student number,grade\n2600001,11\n", encoding="utf-8")
    assert main(["import", "--db", str(demo_db), str(path), "--course", "PM-PERS"]) == 1
    captured = capsys.readouterr()
    assert "rejected row 2, grade: A grade must be between 1.0 and 10.0" in captured.out
    assert captured.err.startswith("coordinator-app: Nothing was imported")
    # The refusal names the option that imports the accepted rows only.
    assert captured.err.rstrip().endswith("Correct the file, or add --skip-rejected to import only the accepted rows.")


@pytest.mark.slow
def test_export_takes_a_day_first_date(demo_db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """The same date in the form the app shows (dd-mm-yyyy) gives the same workbook as yyyy-mm-dd."""
    day_first, iso = tmp_path / "a.xlsx", tmp_path / "b.xlsx"
    assert main(["export", "--db", str(demo_db), "--as-of", "24-11-2025", "-o", str(day_first)]) == 0
    assert main(["export", "--db", str(demo_db), "--as-of", AS_OF, "-o", str(iso)]) == 0
    capsys.readouterr()

    def attention(path: Path) -> list[tuple]:  # type: ignore[type-arg]
        return list(openpyxl.load_workbook(path, read_only=True)["Attention"].values)

    assert len(attention(day_first)) > 1 and attention(day_first) == attention(iso)


def test_with_option_named_keeps_other_messages_whole() -> None:
    from coordinator_app.commands.spreadsheets import with_option_named
    from coordinator_app.services.imports import ImportRefused

    changed = ImportRefused("Nothing was imported: the database changed since the preview.")
    assert with_option_named(changed) == "Nothing was imported: the database changed since the preview."
    assert (
        with_option_named(ImportRefused("Nothing was imported: 1 row of x.csv has problems: r.", skippable=True))
        == "Nothing was imported: 1 row of x.csv has problems: r. Correct the file, or add --skip-rejected to import "
        "only the accepted rows."
    )


def test_import_a_pdf(demo_db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "list.xlsx"
    path.write_bytes(b"%PDF-1.4 fake")
    assert main(["import", "--db", str(demo_db), str(path)]) == 1
    assert "is a PDF document, not a spreadsheet" in capsys.readouterr().err
