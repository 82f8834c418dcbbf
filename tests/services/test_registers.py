"""The host and people registers: chosen everywhere, one truth, duplicates refused, in use kept."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from coordinator_app.domain.errors import DomainError
from coordinator_app.services import hosts as host_register
from coordinator_app.services import people as people_register
from coordinator_app.services.academic_core import set_mentor
from coordinator_app.services.internships import update_internship, update_literature_study
from coordinator_app.services.recipients import recipient, recipients
from coordinator_app.services.record_view import load_record
from coordinator_app.services.workspace import Workspace
from coordinator_app.store import models as m
from tests.services.service_helpers import add_imim, add_pm, audit_rows


def _person(ws: Workspace, name: str) -> people_register.PersonEntry:
    return next(p for p in people_register.people(ws) if p.name == name)


def test_a_typed_supervisor_is_added_once_and_chosen_again(workspace: Workspace) -> None:
    a, b = add_pm(workspace), add_pm(workspace, "2712346", first="Daan")
    update_internship(
        workspace, a, "minor", host="Erasmus MC", daily_supervisor="Dr. J. Bos", daily_supervisor_rank="postdoc"
    )
    update_internship(workspace, b, "major", host="Erasmus MC", daily_supervisor=" dr.  j. bos ")
    people = people_register.people(workspace)
    assert [(p.name, p.rank, p.organisation, p.roles) for p in people] == [("Dr. J. Bos", "postdoc", "Erasmus MC", 2)]
    assert [(h.name, h.placements) for h in host_register.hosts(workspace)] == [("Erasmus MC", 2)]
    # Both records show the register's name and rank.
    assert load_record(workspace, b).internships["major"].fields["daily_supervisor"] == "Dr. J. Bos"
    assert load_record(workspace, b).internships["major"].fields["daily_supervisor_rank"] == "postdoc"


def test_a_change_of_rank_is_the_persons_everywhere_and_rechecks_open_work(workspace: Workspace) -> None:
    a, b = add_pm(workspace), add_pm(workspace, "2712346", first="Daan")
    update_internship(workspace, a, "minor", assessor="Dr. K. Smit", assessor_rank="UD", start_date=date(2025, 3, 3))
    update_literature_study(workspace, b, assessor="Dr. K. Smit")
    person = _person(workspace, "Dr. K. Smit")
    change = people_register.update_person(workspace, person.id, rank="postdoc")
    assert change.old == {"rank": "UD"}
    assert sorted((c.student.split()[0], c.what, c.allowed) for c in change.rechecked) == [
        ("2712345", "minor internship", False),
        ("2712346", "Literature Study", False),
    ]
    record = load_record(workspace, a)
    assert record.internships["minor"].fields["assessor_rank"] == "postdoc"
    assert any("Post-doc" in w for w in record.evaluation.internships["minor"].warnings)
    assert load_record(workspace, b).literature.fields["assessor_rank"] == "postdoc"
    # Each student's history says so.
    assert {e.student_id for e in audit_rows(workspace, "assessor's rank changed")} == {a, b}
    # Set on the record, the rank is the person's too.
    update_internship(workspace, a, "minor", assessor_rank="UHD")
    assert _person(workspace, "Dr. K. Smit").rank == "UHD"
    assert load_record(workspace, b).literature.fields["assessor_rank"] == "UHD"


def test_a_rank_without_a_person_stays_on_the_row_and_goes_with_the_person_named_later(workspace: Workspace) -> None:
    sid = add_pm(workspace)
    update_internship(workspace, sid, "minor", assessor_rank="UHD")
    assert people_register.people(workspace) == []
    update_internship(workspace, sid, "minor", assessor="Prof. L. de Wit")
    assert (_person(workspace, "Prof. L. de Wit").rank, _person(workspace, "Prof. L. de Wit").organisation) == (
        "UHD",
        "Amsterdam UMC",
    )


def test_renaming_a_host_changes_every_internship_and_merging_keeps_both_histories(workspace: Workspace) -> None:
    a, b = add_pm(workspace), add_pm(workspace, "2712346", first="Daan")
    update_internship(workspace, a, "minor", host="AMC", department="Cardiology", is_umc=True)
    update_internship(workspace, b, "minor", host="Amsterdam Medical Center", department="Cardiology")
    first, second = sorted(host_register.hosts(workspace), key=lambda h: h.name)
    host_register.update_host(workspace, first.id, name="Amsterdam UMC, AMC", umc="AMC")
    assert load_record(workspace, a).internships["minor"].fields["host"] == "Amsterdam UMC, AMC"
    merged = host_register.merge_hosts(workspace, first.id, second.id)
    assert [(h.name, h.placements) for h in host_register.hosts(workspace)] == [("Amsterdam UMC, AMC", 2)]
    fields = load_record(workspace, b).internships["minor"].fields
    assert (fields["host"], fields["is_umc"]) == ("Amsterdam UMC, AMC", True)
    assert sorted(p.student.split()[0] for p in host_register.placements(workspace, first.id)) == ["2712345", "2712346"]
    back = host_register.unmerge_hosts(workspace, merged)
    assert load_record(workspace, b).internships["minor"].fields["host"] == "Amsterdam Medical Center"
    assert [p.student.split()[0] for p in host_register.placements(workspace, back)] == ["2712346"]


def test_duplicates_are_refused_and_entries_in_use_are_not_deleted(workspace: Workspace, unchanged) -> None:  # type: ignore[no-untyped-def]
    sid = add_pm(workspace)
    update_internship(workspace, sid, "minor", host="LUMC", daily_supervisor="Dr. A. Visser")
    person, host = _person(workspace, "Dr. A. Visser"), host_register.hosts(workspace)[0]
    with unchanged():
        with pytest.raises(DomainError, match="in the register already"):
            people_register.add_person(workspace, name="dr. a.  visser", organisation="lumc")
        with pytest.raises(
            DomainError, match=r"cannot be deleted: chosen as minor internship daily supervisor of 2712345"
        ):
            people_register.delete_person(workspace, person.id)
        with pytest.raises(
            DomainError, match=r"LUMC cannot be deleted: the host of 1 internship \(2712345 Anouk de Vries"
        ):
            host_register.delete_host(workspace, host.id)
        with pytest.raises(DomainError, match="not an e-mail address"):
            people_register.update_person(workspace, person.id, email="visser at lumc")
    other = people_register.add_person(workspace, name="Dr. A. Visser", organisation="Radboudumc")
    deleted = people_register.delete_person(workspace, other)
    again = people_register.restore_person(workspace, deleted)
    assert _person(workspace, "Dr. A. Visser").id in {person.id, again}


def test_two_people_of_the_same_name_must_be_chosen_from_the_list(workspace: Workspace, unchanged) -> None:  # type: ignore[no-untyped-def]
    sid = add_pm(workspace)
    first = people_register.add_person(workspace, name="Dr. J. Jansen", organisation="UMC Utrecht")
    people_register.add_person(workspace, name="Dr. J. Jansen", organisation="Radboudumc")
    with unchanged(), pytest.raises(DomainError, match=r"2 people in the register are called Dr\. J\. Jansen"):
        update_internship(workspace, sid, "minor", daily_supervisor="Dr. J. Jansen")
    update_internship(workspace, sid, "minor", daily_supervisor_id=first)
    assert load_record(workspace, sid).internships["minor"].fields["daily_supervisor"] == "Dr. J. Jansen"


def test_merging_people_moves_every_role_and_undo_brings_the_duplicate_back(workspace: Workspace) -> None:
    sid = add_pm(workspace)
    update_internship(workspace, sid, "minor", host="NKI", second_supervisor="Prof. B. Kok")
    set_mentor(workspace, sid, "B. Kok", "NKI", "b.kok@nki.nl")
    keep, dup = _person(workspace, "Prof. B. Kok"), _person(workspace, "B. Kok")
    merged = people_register.merge_people(workspace, keep.id, dup.id)
    assert [(p.name, p.email, p.roles) for p in people_register.people(workspace)] == [
        ("Prof. B. Kok", "b.kok@nki.nl", 2)
    ]
    assert load_record(workspace, sid).mentor["name"] == "Prof. B. Kok"
    people_register.unmerge_people(workspace, merged)
    assert load_record(workspace, sid).mentor["name"] == "B. Kok"
    assert _person(workspace, "Prof. B. Kok").email == ""


def test_recipients_give_each_role_its_name_and_address(workspace: Workspace) -> None:
    sid = add_pm(workspace)
    with workspace.write() as s:
        s.get(m.Student, sid).email = "anouk@student.vu.nl"  # type: ignore[union-attr]
    update_internship(
        workspace,
        sid,
        "minor",
        start_date=date(2025, 3, 3),
        host="VUmc",
        daily_supervisor="Dr. Ö. Çelik",
        daily_supervisor_email="o.celik@amsterdamumc.nl",
        assessor="Dr. K. Smit",
    )
    update_internship(workspace, sid, "major", start_date=date(2026, 2, 2), daily_supervisor="Dr. M. Lee")
    update_literature_study(workspace, sid, supervisor="Dr. P. Haan", supervisor_email="p.haan@vu.nl")
    set_mentor(workspace, sid, "Ir. T. Mol", "Philips", "t.mol@philips.com")
    assert recipient(workspace, sid, "student") == reg_recipient("Anouk de Vries", "anouk@student.vu.nl")
    assert recipient(workspace, sid, "daily_supervisor") == reg_recipient("Dr. Ö. Çelik", "o.celik@amsterdamumc.nl")
    assert recipient(workspace, sid, "daily_supervisor", "major") == reg_recipient("Dr. M. Lee", None)
    assert recipient(workspace, sid, "assessor") == reg_recipient("Dr. K. Smit", None)
    assert recipient(workspace, sid, "second_supervisor") is None
    assert recipient(workspace, sid, "literature_supervisor") == reg_recipient("Dr. P. Haan", "p.haan@vu.nl")
    assert recipient(workspace, sid, "literature_assessor") is None
    assert recipient(workspace, sid, "mentor") == reg_recipient("Ir. T. Mol", "t.mol@philips.com")
    # The e-mail is the person's: changed in the register, every role follows.
    people_register.update_person(workspace, _person(workspace, "Ir. T. Mol").id, email="tmol@philips.nl")
    assert recipient(workspace, sid, "mentor") == reg_recipient("Ir. T. Mol", "tmol@philips.nl")
    imim = add_imim(workspace)
    assert recipients(workspace, [sid, imim], "mentor") == {
        sid: reg_recipient("Ir. T. Mol", "tmol@philips.nl"),
        imim: None,
    }
    with pytest.raises(DomainError, match="not a role"):
        recipient(workspace, sid, "examiner")  # type: ignore[arg-type]


def reg_recipient(name: str, email: str | None):  # type: ignore[no-untyped-def]
    from coordinator_app.services.recipients import Recipient

    return Recipient(name, email)


def test_an_email_in_the_record_needs_a_person_and_is_validated(workspace: Workspace, unchanged) -> None:  # type: ignore[no-untyped-def]
    sid = add_pm(workspace)
    update_internship(workspace, sid, "minor", start_date=date(2025, 3, 3))
    with unchanged(), pytest.raises(DomainError, match="Choose the person first"):
        update_internship(workspace, sid, "minor", assessor_email="k.smit@amsterdamumc.nl")
    update_internship(workspace, sid, "minor", assessor="Dr. K. Smit")
    with unchanged(), pytest.raises(DomainError, match="not an e-mail address") as refused:
        update_internship(workspace, sid, "minor", assessor_email="k.smit@")
    assert refused.value.field == "assessor_email"
    old = update_internship(workspace, sid, "minor", assessor_email="k.smit@amsterdamumc.nl")
    assert old == {"assessor_email": ""}
    with workspace.read() as s:
        assert s.scalar(select(m.Person.email)) == "k.smit@amsterdamumc.nl"


def test_undo_takes_a_host_and_a_mentor_added_on_the_fly_out_again_unless_chosen_since(workspace: Workspace) -> None:
    from coordinator_app.services.academic_core import clear_mentor

    a, b = add_pm(workspace), add_pm(workspace, "2712346", first="Daan")
    update_internship(workspace, a, "minor", host="Erasmus MC")
    old = update_internship(workspace, a, "minor", host="Hubrecht Institute")  # not in the register: added
    assert old["host_added"] is not None and [h.name for h in host_register.hosts(workspace)] == [
        "Erasmus MC",
        "Hubrecht Institute",
    ]
    update_internship(workspace, a, "minor", **old)  # the undo
    assert [h.name for h in host_register.hosts(workspace)] == ["Erasmus MC"]
    assert load_record(workspace, a).internships["minor"].fields["host"] == "Erasmus MC"
    # Chosen by another student meanwhile: the undo leaves it in the register.
    old = update_internship(workspace, a, "minor", host="Hubrecht Institute")
    update_internship(workspace, b, "major", host="Hubrecht Institute")
    update_internship(workspace, a, "minor", **old)
    assert [h.name for h in host_register.hosts(workspace)] == ["Erasmus MC", "Hubrecht Institute"]

    added: list[int] = []
    assert set_mentor(workspace, a, "Dr. Q. Nieuw", "VU", added=added) is None
    assert [p.name for p in people_register.people(workspace)] == ["Dr. Q. Nieuw"] and len(added) == 1
    clear_mentor(workspace, a, drop=added)
    assert people_register.people(workspace) == []
    kept: list[int] = []
    set_mentor(workspace, a, "Dr. Q. Nieuw", "VU", added=kept)
    set_mentor(workspace, b, "Dr. Q. Nieuw", "VU")  # the same person for Daan
    clear_mentor(workspace, a, drop=kept)
    assert [p.name for p in people_register.people(workspace)] == ["Dr. Q. Nieuw"]
