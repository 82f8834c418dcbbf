"""A student list's optional e-mail columns for the people around a student (issue 14, item 1):
the address of the person chosen in that role, checked like a student's, one address per person
per file, refused where nobody is chosen; nothing written for a refused file."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import select

from coordinator_app.services.academic_core import set_mentor
from coordinator_app.services.internships import update_internship, update_literature_study
from coordinator_app.services.people import add_person
from coordinator_app.services.students import NewStudent, add_student
from coordinator_app.spreadsheets.importer import apply_import, preview_import
from coordinator_app.store import models as m
from tests.spreadsheets.test_import import fingerprint, xlsx

HEADER = [
    "Student number",
    "First name",
    "Surname",
    "Minor daily supervisor e-mail",
    "Mentor e-mail",
    "Literature Study assessor e-mail",
]


def emails(ws) -> dict[str, str]:  # type: ignore[no-untyped-def]
    with ws.read() as s:
        return dict(s.execute(select(m.Person.name, m.Person.email)).all())


def test_the_addresses_of_the_people_chosen_are_previewed_then_set_everywhere(workspace, tmp_path: Path) -> None:
    eva = add_student(workspace, NewStudent("PM", 2024, "2700001", "Eva", "Mulder", ""))
    tom = add_person(workspace, name="Tom Bos", rank="postdoc", organisation="Amsterdam UMC")
    update_internship(workspace, eva, "minor", daily_supervisor_id=tom)
    update_literature_study(workspace, eva, assessor="Lies de Wit", assessor_rank="UD")
    set_mentor(workspace, eva, "Jan Roos", "Roche", "jan@roche.com")
    path = xlsx(
        tmp_path / "s.xlsx",
        [
            HEADER,
            ["2700001", "Eva", "Mulder", "t.bos@amsterdamumc.nl", "jan.roos@roche.com", "l.dewit@amsterdamumc.nl"],
        ],
    )
    preview = preview_import(workspace, path)
    assert not preview.rejected
    assert [r.changes for r in preview.updated] == [
        {
            "minor_daily_supervisor_email": (None, "t.bos@amsterdamumc.nl"),
            "mentor_email": ("jan@roche.com", "jan.roos@roche.com"),
            "literature_assessor_email": (None, "l.dewit@amsterdamumc.nl"),
        }
    ]
    apply_import(workspace, preview)
    assert emails(workspace) == {
        "Tom Bos": "t.bos@amsterdamumc.nl",
        "Jan Roos": "jan.roos@roche.com",
        "Lies de Wit": "l.dewit@amsterdamumc.nl",
    }
    with workspace.read() as s:
        assert s.scalar(select(m.Mentor.email)) == "jan.roos@roche.com"  # the mentor's row follows the person
    again = preview_import(workspace, path)
    assert [r.student_number for r in again.unchanged] == ["2700001"]


def test_bad_addresses_nobody_chosen_and_two_addresses_for_one_person_are_refused(workspace, tmp_path: Path) -> None:
    eva = add_student(workspace, NewStudent("PM", 2024, "2700001", "Eva", "Mulder", ""))
    sam = add_student(workspace, NewStudent("PM", 2024, "2700002", "Sam", "Kok", ""))
    tom = add_person(workspace, name="Tom Bos", organisation="Amsterdam UMC")
    for sid in (eva, sam):
        update_internship(workspace, sid, "minor", daily_supervisor_id=tom)
    path = xlsx(
        tmp_path / "s.xlsx",
        [
            HEADER,
            ["2700001", "Eva", "Mulder", "t.bos@amsterdamumc.nl", "", ""],
            ["2700002", "Sam", "Kok", "tom.bos@amsterdamumc.nl", "", ""],  # Tom again, another address
            ["2700003", "Noor", "Ali", "", "mentor@example.org", ""],  # not in the database, no mentor
            ["2700004", "Ria", "Peters", "", "", "lies at amc"],  # not an address
        ],
    )
    before = fingerprint(workspace)
    preview = preview_import(workspace, path, programme="PM", cohort=2024)
    said = [str(r) for r in preview.rejected]
    assert any(
        r.startswith(
            "row 3, Minor daily supervisor e-mail: the minor internship's daily supervisor has "
            "the address t.bos@amsterdamumc.nl in row 2"
        )
        for r in said
    ), said
    assert any(r.startswith("row 4, Mentor e-mail: nobody is the mentor yet") for r in said), said
    assert any(r.startswith("row 5, Literature Study assessor e-mail:") for r in said), said
    assert fingerprint(workspace) == before
