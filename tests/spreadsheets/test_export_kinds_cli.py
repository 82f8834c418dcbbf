"""`coordinator-app export --kind results --course CODE` and `export --template FILE` on the command line."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from coordinator_app.cli import main

AS_OF = "2025-11-24"


@pytest.fixture
def demo_db(small_demo: Path) -> Path:
    return small_demo


def test_a_results_upload_sheet(demo_db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "pers.csv"
    assert main(["export", "--db", str(demo_db), "--kind", "results", "--course", "PM-PERS", "-o", str(out)]) == 0
    printed = capsys.readouterr().out.strip()
    with open(out, encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.reader(fh, delimiter=";"))
    assert printed == f"Saved {len(rows) - 1} results of PM-PERS to {out}"
    assert rows[0] == ["Student number", "Grade", "Exam date", "Attempt"] and len(rows) > 10
    grades = [r[1] for r in rows[1:]]
    assert all(g == "NS" or ("," in g and "." not in g) for g in grades)  # decimal comma by default
    # The same sheet, read back as the exam office would send it, changes nothing.
    assert main(["import", "--db", str(demo_db), str(out), "--course", "PM-PERS", "--dry-run"]) == 0
    assert f"0 new, 0 updated, {len(rows) - 1} unchanged, 0 rejected results" in capsys.readouterr().out
    point = tmp_path / "pers-point.csv"
    assert (
        main(
            [
                "export",
                "--db",
                str(demo_db),
                "--kind",
                "results",
                "--course",
                "PM-PERS",
                "--decimal",
                "point",
                "-o",
                str(point),
            ]
        )
        == 0
    )
    with open(point, encoding="utf-8-sig", newline="") as fh:
        assert [r[1] for r in list(csv.reader(fh, delimiter=";"))[1:]] == [g.replace(",", ".") for g in grades]


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (["--kind", "results"], "Name the course of the upload sheet: --course CODE (like PM-PERS)."),
        (["--course", "PM-PERS"], "--course is for a results upload sheet: add --kind results."),
        (["--kind", "results", "--course", "PM-XYZ"], "There is no course 'PM-XYZ'. Give its code, like PM-PERS."),
        (["--map", "B=Surname"], "--map names the columns of a template: add --template FILE."),
        (
            ["--kind", "results", "--course", "PM-PERS", "--template", "t.xlsx"],
            "A results upload sheet has the SIS's own columns: leave out --template.",
        ),
    ],
)
def test_results_sheet_mistakes_are_one_line(
    demo_db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], arguments: list[str], message: str
) -> None:
    assert main(["export", "--db", str(demo_db), *arguments, "-o", str(tmp_path / "out.csv")]) == 1
    assert capsys.readouterr().err.strip() == f"coordinator-app: {message}"
    assert not (tmp_path / "out.csv").exists()


def test_a_results_sheet_is_csv_or_xlsx(demo_db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert (
        main(
            [
                "export",
                "--db",
                str(demo_db),
                "--kind",
                "results",
                "--course",
                "PM-PERS",
                "-o",
                str(tmp_path / "out.txt"),
            ]
        )
        == 1
    )
    assert capsys.readouterr().err.strip() == f"coordinator-app: {tmp_path / 'out.txt'} must end in .csv or .xlsx"


def test_the_programmes_own_template(demo_db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    import openpyxl

    from tests.spreadsheets.template_helpers import faculty_template

    template = faculty_template(tmp_path / "faculteit.xlsx")
    out = tmp_path / "gevuld.xlsx"
    base = ["export", "--db", str(demo_db), "--programme", "PM", "--as-of", AS_OF, "--template", str(template)]
    assert main([*base, "-o", str(out)]) == 0
    first = capsys.readouterr().out.splitlines()
    assert first[0].startswith("Saved ") and f" students in faculteit.xlsx's layout to {out} in " in first[0]
    assert first[1] == (
        "Columns (faculteit.xlsx.columns.json; change them with --map C=HEADER): B: Student number, C: Surname, "
        "D: First name, E: Cohort"
    )
    # Mapped once: the next export keeps the map, here with one column added by the template's own header.
    assert main([*base, "--map", "EC behaald=EC total (of 120)", "-o", str(out)]) == 0
    assert capsys.readouterr().out.splitlines()[0] == (
        "Columns of faculteit.xlsx (Voortgang, header row 4): B: Student number, C: Surname, D: First name, "
        "E: Cohort, F: EC total (of 120)"
    )
    assert isinstance(openpyxl.load_workbook(out)["Voortgang"]["F5"].value, int)
    assert main([*base, "--map", "F=Shoe size", "-o", str(tmp_path / "x.xlsx")]) == 1
    assert capsys.readouterr().err.startswith("coordinator-app: The app has no column 'Shoe size'. Its columns: ")
    assert main([*base, "-o", str(template)]) == 1
    assert capsys.readouterr().err.strip() == (
        "coordinator-app: Save the filled workbook under another name: the template itself stays as it is."
    )
