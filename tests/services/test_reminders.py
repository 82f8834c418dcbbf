"""Reminder drafts: grouped per recipient, templates filled, .eml and mailto: valid, reminders recorded."""

from __future__ import annotations

import errno
import os
from datetime import date, datetime, timedelta
from email import message_from_bytes
from email.policy import default
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest

from coordinator_app.domain.attention import AttentionItem, Urgency
from coordinator_app.domain.errors import ProgrammeDefinitionError
from coordinator_app.domain.reminder_file import load_templates
from coordinator_app.domain.reminders import Draft, Person, draft_reminders
from coordinator_app.paths import reminders_dir
from coordinator_app.services import outbox
from coordinator_app.services.academic_core import set_mentor
from coordinator_app.services.attention import attention_items
from coordinator_app.services.internships import update_internship
from coordinator_app.services.outbox import OutboxProblem, bcc_addresses, eml_message, mailto_url, write_eml
from coordinator_app.services.recipients import recipient
from coordinator_app.services.reminders import (
    draft,
    last_reminders,
    not_reminded_since,
    record_reminders,
    reminder_languages,
)
from coordinator_app.services.students import NewStudent, add_student
from coordinator_app.services.workspace import Workspace

AS_OF = date(2025, 11, 24)


def _item(
    sid: int, name: str, kind: str, due: date, part: str = "minor", what: str = "", number: str = "2712345"
) -> AttentionItem:
    component = f"{part.capitalize()} internship"
    return AttentionItem(
        due,
        sid,
        number,
        name,
        "PM",
        2024,
        component,
        what or kind.replace("_", " "),
        Urgency.OVERDUE if due < AS_OF else Urgency.DUE_SOON,
        "internships",
        part,
        f"{part}_internship:{kind}",
    )


@pytest.fixture(scope="module")
def pm_templates():  # type: ignore[no-untyped-def]
    return {"PM": load_templates(reminders_dir(), "PM"), "IMIM": load_templates(reminders_dir(), "IMIM")}


def test_a_student_gets_one_message_and_a_supervisor_one_for_all_their_students(pm_templates) -> None:  # type: ignore[no-untyped-def]
    people = {
        (1, "student", ""): Person("student", "Anouk de Vries", "a.devries@student.vu.nl"),
        (2, "student", ""): Person("student", "Daan Bakker", "d.bakker@student.vu.nl"),
        (1, "daily supervisor", "minor"): Person("daily supervisor", "Dr. J. Jansen", "J.Jansen@umc.nl"),
        (2, "daily supervisor", "major"): Person("daily supervisor", "Dr. J. Jansen", "j.jansen@umc.nl"),
    }
    items = [
        _item(1, "Anouk de Vries", "list_of_agreements", date(2025, 11, 15), what="List of Agreements (A)"),
        _item(1, "Anouk de Vries", "research_proposal", date(2025, 11, 30), what="Research Proposal (B)"),
        _item(1, "Anouk de Vries", "interim_assessment", date(2025, 11, 20), what="Interim Assessment (C)"),
        _item(
            2,
            "Daan Bakker",
            "final_assessment",
            date(2025, 11, 14),
            part="major",
            number="2798765",
            what="Final assessment form (supervisor)",
        ),
        _item(2, "Daan Bakker", "second_assessor_assessment", date(2025, 11, 28), part="major", number="2798765"),
        _item(2, "Daan Bakker", "assessor_rank", date(2025, 11, 3), part="major", number="2798765"),
    ]
    result = draft_reminders(
        items,
        pm_templates,
        lambda sid, role, part: people.get((sid, role, part)),
        AS_OF,
        "Maria Coordinator\nProgramme office",
        {"PM": "Master Personalized Medicine"},
    )
    by_name = {(d.to.name, d.to.role): d for d in result.drafts}
    assert list(by_name) == [("Anouk de Vries", "student"), ("Dr. J. Jansen", "daily supervisor")]
    anouk = by_name[("Anouk de Vries", "student")]
    assert [i.kind for i in anouk.items] == ["list_of_agreements", "research_proposal"]
    assert anouk.subject == "Reminder: 2 items for your PM master's"
    assert anouk.body.startswith("Dear Anouk,\n\nAccording to my records the following has not come in yet:\n\n")
    assert (
        "- Minor internship: your List of Agreements (A), signed by you and your daily supervisor, due "
        "15-11-2025 (9 days late)"
    ) in anouk.body
    assert "- Minor internship: your Research Proposal (B), due 30-11-2025 (due in 6 days)" in anouk.body
    assert anouk.body.endswith("Kind regards,\n\nMaria Coordinator\nProgramme office")
    jansen = by_name[("Dr. J. Jansen", "daily supervisor")]  # the same address (any case): one message
    assert [(i.student_id, i.kind) for i in jansen.items] == [(2, "final_assessment"), (1, "interim_assessment")]
    assert jansen.subject == "PM: 2 assessments for your students"
    assert (
        "- Daan Bakker (2798765), Major internship: the final assessment form, due 14-11-2025 (10 days late)"
        in jansen.body
    )
    assert (
        "- Anouk de Vries (2712345), Minor internship: the Interim Assessment (C), due 20-11-2025 (4 days late)"
        in jansen.body
    )
    # No assessor recorded for Daan's major internship; the rank is the coordinator's to record.
    assert sorted((u.item.kind, u.reason) for u in result.unsent) == [
        ("assessor_rank", "yours to do: nobody to remind"),
        ("second_assessor_assessment", "no assessor recorded"),
    ]


def test_one_item_to_one_student_reads_as_one(pm_templates) -> None:  # type: ignore[no-untyped-def]
    items = [_item(1, "Anouk de Vries", "list_of_agreements", AS_OF, what="List of Agreements (A)")]
    result = draft_reminders(
        items,
        pm_templates,
        lambda sid, role, part: Person(role, "Anouk de Vries", None) if role == "student" else None,
        AS_OF,
        "",
        {},
    )
    (only,) = result.drafts
    assert only.subject == "Reminder: List of Agreements (A) (Minor internship)"
    assert "(due today)" in only.body
    assert not only.has_address and result.without_address == [only] and result.with_address == []


def test_workspace_drafts_use_the_recorded_addresses_and_list_supervisors_without_one(workspace: Workspace) -> None:
    ws = workspace
    anouk = add_student(ws, NewStudent("PM", 2024, "2712345", "Anouk", "de Vries", "a.devries@student.vu.nl"))
    update_internship(
        ws, anouk, "minor", approval_status="requested", start_date="2025-09-01", daily_supervisor="Dr. Jan Jansen"
    )
    set_mentor(ws, anouk, "Prof. M. Mentor", "UMC", "m.mentor@umc.nl")
    assert recipient(ws, anouk, "student").email == "a.devries@student.vu.nl"  # type: ignore[union-attr]
    assert recipient(ws, anouk, "mentor").email == "m.mentor@umc.nl"  # type: ignore[union-attr]
    assert recipient(ws, anouk, "daily_supervisor", "minor").email is None  # type: ignore[union-attr]
    assert recipient(ws, anouk, "daily_supervisor", "major") is None
    items = [i for i in attention_items(ws, AS_OF, 14) if i.student_id == anouk]
    result = draft(ws, items, "Maria")
    student, supervisor = result.drafts
    assert (student.to.email, supervisor.to.name, supervisor.to.email) == (
        "a.devries@student.vu.nl",
        "Dr. Jan Jansen",
        None,
    )
    assert {i.kind for i in supervisor.items} == {"interim_assessment"}
    assert {i.kind for i in student.items} >= {"list_of_agreements", "research_proposal", "approval"}
    assert reminder_languages() == {"en": "English"}


# -- .eml files and mailto: links --------------------------------------------------------------------

HARD_NAMES = [
    ("Zoë Ó'Brien-Müller", "zoe@example.org"),
    ("Jansen, Jan", "j.jansen@umc.nl"),
    ('Dr. "Bob" de Vries', "bob@umc.nl"),
    ("Łukasz Żółć; van der Berg", "l.zolc@example.org"),
]


@pytest.mark.parametrize(("name", "email"), HARD_NAMES)
def test_names_with_accents_commas_and_quotes_give_valid_headers(name: str, email: str, tmp_path: Path) -> None:
    d = Draft(
        Person("student", name, email), [], f"Reminder: {name}: Survey Outline (été)", f"Dear {name},\n\nÀ bientôt"
    )
    data = eml_message(d, ("Maria Coördinator", "maria@vu.nl")).as_bytes()
    head, _, _ = data.partition(b"\r\n\r\n")
    head.decode("ascii")  # RFC 5322: headers are ASCII, the rest encoded (RFC 2047)
    assert all(len(line) <= 998 for line in head.split(b"\r\n"))
    parsed = message_from_bytes(data, policy=default)
    (to,) = parsed["To"].addresses
    assert (to.display_name, to.addr_spec) == (name, email)
    assert parsed["From"].addresses[0].display_name == "Maria Coördinator"
    assert str(parsed["Subject"]) == f"Reminder: {name}: Survey Outline (été)"
    assert parsed["X-Unsent"] == "1"
    assert parsed.get_content().replace("\r\n", "\n").rstrip("\n") == f"Dear {name},\n\nÀ bientôt"
    query = parse_qs(urlsplit(mailto_url(d)).query)
    assert urlsplit(mailto_url(d)).path == email
    assert query["subject"] == [d.subject] and query["body"] == [d.body.replace("\n", "\r\n")]


@pytest.mark.parametrize(("name", "email"), HARD_NAMES)
def test_the_eml_policy_makes_the_same_bytes_as_the_standard_smtp_policy(
    name: str, email: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    from email.policy import SMTP

    from coordinator_app.services import outbox

    d = Draft(
        Person("student", name, email), [], f"Reminder: {name}: Survey Outline (été)", f"Dear {name},\n\nÀ bientôt"
    )
    when = datetime(2025, 11, 24, 9, 30)
    monkeypatch.setattr(outbox, "make_msgid", lambda domain: f"<1@{domain}>")
    ours = eml_message(d, ("Maria Coördinator", "maria@vu.nl"), when).as_bytes()
    monkeypatch.setattr(outbox, "EML_POLICY", SMTP)
    assert eml_message(d, ("Maria Coördinator", "maria@vu.nl"), when).as_bytes() == ours


def test_eml_files_with_headers_parsed_once_are_the_bytes_the_email_package_makes_per_message(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """write_eml parses From, Date and X-Unsent once for all messages: the files are still, byte for
    byte, what the stock SMTP policy makes from each message's headers given as plain values."""
    from email.headerregistry import Address
    from email.message import EmailMessage
    from email.policy import SMTP
    from email.utils import format_datetime

    monkeypatch.setattr(outbox, "make_msgid", lambda domain: f"<1@{domain}>")
    when = datetime(2025, 11, 24, 9, 30)
    drafts = [
        Draft(Person("student", name, email), [], f"Reminder: {name}: Survey Outline (été) " * 3, f"Dear {name},\n\nÀ")
        for name, email in HARD_NAMES
    ]
    for sender in (("Maria Coördinator, Jr.", "maria@vu.nl"), None):
        target = tmp_path / ("with a sender" if sender else "without")
        target.mkdir()
        folder = write_eml(drafts, target, sender, now=when)
        written = [p.read_bytes() for p in sorted(folder.iterdir())]
        expected = []
        for d in drafts:
            message = EmailMessage(policy=SMTP)
            local, _, domain = (d.to.email or "").rpartition("@")
            message["To"] = Address(display_name=d.to.name, username=local, domain=domain)
            if sender:
                local, _, domain = sender[1].rpartition("@")
                message["From"] = Address(display_name=sender[0], username=local, domain=domain)
            message["Subject"] = d.subject
            message["Date"] = format_datetime(when.astimezone())
            message["Message-ID"] = "<1@coordinator-app.invalid>"
            message["X-Unsent"] = "1"
            message.set_content(d.body)
            expected.append(message.as_bytes())
        assert written == expected


def _drafts() -> list[Draft]:
    return [
        Draft(Person("student", "Anouk de Vries", "a@student.vu.nl"), [], "One", "Body one"),
        Draft(Person("daily supervisor", "Dr. Jansen", None), [], "Two", "Body two"),
        Draft(Person("student", 'Daan "D" Bakker / Jr?', "d@student.vu.nl"), [], "Three", "Body three"),
        Draft(Person("mentor", "M. Mentor", "A@student.vu.nl"), [], "Four", "Body four"),
    ]


def test_eml_files_are_written_for_drafts_with_an_address_only(tmp_path: Path) -> None:
    folder = write_eml(_drafts(), tmp_path, now=datetime(2025, 11, 24, 14, 30))
    assert folder == tmp_path / "Reminders 2025-11-24 14.30"
    names = sorted(p.name for p in folder.iterdir())
    assert names == [
        "001 Anouk de Vries (student).eml",
        "002 Daan D Bakker Jr (student).eml",
        "003 M. Mentor (mentor).eml",
    ]
    for path in folder.iterdir():
        assert message_from_bytes(path.read_bytes(), policy=default)["To"].addresses[0].addr_spec
    assert sorted(p.name for p in tmp_path.iterdir()) == ["Reminders 2025-11-24 14.30"]  # nothing else
    again = write_eml(_drafts(), tmp_path, now=datetime(2025, 11, 24, 14, 30))
    assert again.name == "Reminders 2025-11-24 14.30 (2)"
    assert bcc_addresses(_drafts()) == "a@student.vu.nl; d@student.vu.nl"


def test_a_folder_that_cannot_be_written_gets_one_message_and_no_files(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    not_a_folder = tmp_path / "file.txt"
    not_a_folder.write_text("x")
    with pytest.raises(OutboxProblem, match="does not exist \\(or is not a folder\\): no files were written"):
        write_eml(_drafts(), not_a_folder)
    # The disk fills up at the second file: the first one goes too.
    real_open, opened = open, []

    def full_disk(path, mode="r", *args, **kwargs):  # type: ignore[no-untyped-def]
        if "x" in mode:
            opened.append(path)
            if len(opened) == 2:
                raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        return real_open(path, mode, *args, **kwargs)

    monkeypatch.setattr("builtins.open", full_disk)
    with pytest.raises(OutboxProblem) as caught:
        write_eml(_drafts(), tmp_path)
    monkeypatch.undo()
    assert str(caught.value) == (
        f"The reminders could not be written to {tmp_path} (No space left on device); "
        "no files were written. Choose another folder."
    )
    assert sorted(p.name for p in tmp_path.iterdir()) == ["file.txt"]
    with pytest.raises(OutboxProblem, match="None of these drafts has an e-mail address"):
        write_eml([_drafts()[1]], tmp_path)


@pytest.mark.skipif(os.name != "posix" or os.geteuid() == 0, reason="root writes into read-only folders")
def test_a_read_only_folder_gets_one_message(tmp_path: Path) -> None:
    locked = tmp_path / "locked"
    locked.mkdir()
    locked.chmod(0o500)
    try:
        with pytest.raises(OutboxProblem, match="Permission denied"):
            write_eml(_drafts(), locked)
        assert list(locked.iterdir()) == []
    finally:
        locked.chmod(0o700)


def test_no_address_means_no_message_and_no_link() -> None:
    nobody = _drafts()[1]
    with pytest.raises(OutboxProblem, match="has no e-mail address"):
        eml_message(nobody)
    with pytest.raises(OutboxProblem, match="has no e-mail address"):
        mailto_url(nobody)
    assert outbox.file_name(7, _drafts()[0]) == "007 Anouk de Vries (student).eml"


# -- reminded on -------------------------------------------------------------------------------------


def test_reminders_are_recorded_per_item_and_recipient_and_looked_up(workspace: Workspace) -> None:
    ws = workspace
    anouk = add_student(ws, NewStudent("PM", 2024, "2712345", "Anouk", "de Vries", "a.devries@student.vu.nl"))
    update_internship(
        ws, anouk, "minor", approval_status="requested", start_date="2025-09-01", daily_supervisor="Dr. Jan Jansen"
    )
    items = [i for i in attention_items(ws, AS_OF, 14) if i.student_id == anouk]
    result = draft(ws, items)
    assert record_reminders(ws, result.drafts) == len(result.with_address[0].items)  # none to the supervisor
    reminded = last_reminders(ws)
    student_items = result.with_address[0].items
    assert set(reminded) == {(anouk, i.key) for i in student_items}
    last = reminded[(anouk, student_items[0].key)]
    assert last.to == "Anouk de Vries <a.devries@student.vu.nl> (student)"
    today = last.at.date()
    assert last.days_ago(today) in (0, 1)  # UTC in the trail, the coordinator's day shown
    assert last_reminders(ws, [anouk + 1]) == {}
    assert last_reminders(ws, [anouk]) == reminded
    # Not reminded in 7 days: only the supervisor's item now; all of them a week later.
    assert {i.kind for i in not_reminded_since(items, reminded, 7, today)} == {"interim_assessment"}
    assert not_reminded_since(items, reminded, 7, today + timedelta(days=8)) == items
    from coordinator_app.services.record_view import load_record

    history = load_record(ws, anouk).history
    assert any(getattr(h, "action", None) == "reminder" for h in history)


def test_a_template_with_an_unknown_placeholder_is_refused_naming_file_and_key(tmp_path: Path) -> None:
    (tmp_path / "en").mkdir()
    (tmp_path / "pm.toml").write_text('[to]\ninterim_assessment = "daily supervisor"\n')
    good = (reminders_dir() / "en" / "pm.toml").read_text()
    (tmp_path / "en" / "pm.toml").write_text(
        good.replace('due {due_date} ({when})"\nresearch', 'due {deu_date} ({when})"\nresearch')
    )
    with pytest.raises(ProgrammeDefinitionError, match=r"student\.lines\.list_of_agreements' uses \{deu_date\}"):
        load_templates(tmp_path, "PM")
    (tmp_path / "pm.toml").write_text('[to]\ninterim_assessment = "the dean"\n')
    (tmp_path / "en" / "pm.toml").write_text(good)
    with pytest.raises(ProgrammeDefinitionError, match=r"to\.interim_assessment' is 'the dean', which is not a role"):
        load_templates(tmp_path, "PM")
    # A language without a file for the programme falls back to English.
    (tmp_path / "pm.toml").write_text("[to]\n")
    (tmp_path / "nl").mkdir()
    assert load_templates(tmp_path, "PM", "nl").language == "en"
