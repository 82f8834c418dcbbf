"""Attached documents: content-addressed, owner-only, refused with one line, in backups and restores, checked."""

from __future__ import annotations

import os
import stat
from datetime import date
from pathlib import Path

import pytest

from coordinator_app.domain.errors import DomainError
from coordinator_app.services import attachments as docs
from coordinator_app.services.academic_core import add_meeting, delete_meeting
from coordinator_app.services.backups import back_up_now, restore_backup
from coordinator_app.services.checks import run_checks
from coordinator_app.services.internships import update_internship
from coordinator_app.services.portfolio import find_item
from coordinator_app.services.record_view import load_record
from coordinator_app.services.workspace import Workspace
from tests.services.service_helpers import add_pm, audit_rows

PDF = b"%PDF-1.4 signed List of Agreements\n" * 100


def _planned(ws: Workspace) -> tuple[int, int]:
    sid = add_pm(ws)
    update_internship(ws, sid, "minor", start_date=date(2025, 9, 1))
    return sid, find_item(ws, sid, "minor_internship", "list_of_agreements")


@pytest.mark.sqlite_only  # the documents folder beside a database file
def test_attach_keeps_the_file_by_its_hash_owner_only_and_can_mark_received(
    workspace: Workspace, tmp_path: Path
) -> None:
    sid, item = _planned(workspace)
    source = tmp_path / "LoA signed.pdf"
    source.write_bytes(PDF)
    done = docs.attach(workspace, sid, "portfolio_item", item, source, mark_received=True)
    assert done.marked_received
    record = load_record(workspace, sid)
    loa = next(i for i in record.internships["minor"].items if i.kind == "list_of_agreements")
    assert loa.received == date(2025, 11, 24)
    [doc] = docs.documents_of(workspace, sid)
    assert (doc.name, doc.size, doc.target, doc.target_id) == ("LoA signed.pdf", len(PDF), "portfolio_item", item)
    folder = docs.documents_folder(workspace)
    kept = folder / doc.sha256[:2] / doc.sha256
    assert kept.read_bytes() == PDF
    assert stat.S_IMODE(folder.stat().st_mode) == 0o700
    assert stat.S_IMODE(kept.stat().st_mode) == 0o400
    assert not list(folder.rglob("*.partial"))
    # Opened under its own name, for the system viewer.
    assert docs.open_copy(workspace, doc.id).name == "LoA signed.pdf"
    # Undo: off again, and not received.
    docs.undo_attach(workspace, done)
    assert docs.documents_of(workspace, sid) == []
    assert find_item(workspace, sid, "minor_internship", "list_of_agreements") == item
    assert next(i for i in load_record(workspace, sid).internships["minor"].items if i.id == item).received is None
    assert [a.new_value for a in audit_rows(workspace, "attach document")] == ["LoA signed.pdf"]


@pytest.mark.parametrize(
    "make, message",
    [
        (lambda p: p.mkdir(), "is a folder"),
        (lambda p: p.write_bytes(b""), "is empty"),
        (lambda p: None, "There is no file at"),
        (lambda p: p.touch() or os.truncate(p, docs.LIMIT_BYTES + 1), "can be at most 50.0 MB"),
    ],
)
def test_folders_empty_missing_and_too_large_files_are_refused_with_one_line(
    workspace: Workspace,
    tmp_path: Path,
    unchanged,
    make,
    message,  # type: ignore[no-untyped-def]
) -> None:
    sid, item = _planned(workspace)
    path = tmp_path / "thing.pdf"
    make(path)
    with unchanged(), pytest.raises(DomainError, match=message) as refused:
        docs.attach(workspace, sid, "portfolio_item", item, path)
    assert "\n" not in refused.value.message
    assert not docs.documents_folder(workspace).exists() or not any(docs.documents_folder(workspace).rglob("*.partial"))


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads every file")
def test_an_unreadable_file_is_refused(workspace: Workspace, tmp_path: Path) -> None:
    sid, item = _planned(workspace)
    path = tmp_path / "locked.pdf"
    path.write_bytes(PDF)
    path.chmod(0)
    with pytest.raises(DomainError, match="cannot be read"):
        docs.attach(workspace, sid, "portfolio_item", item, path)


@pytest.mark.sqlite_only  # the documents folder beside a database file
def test_a_copy_cut_short_leaves_no_half_file(
    workspace: Workspace, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    sid, item = _planned(workspace)
    path = tmp_path / "report.pdf"
    path.write_bytes(PDF)
    from coordinator_app.store import documents as store

    def broken(*_args: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(store, "fsync_file", broken)
    with pytest.raises(DomainError, match="could not be copied"):
        docs.attach(workspace, sid, "portfolio_item", item, path)
    assert [p for p in docs.documents_folder(workspace).rglob("*") if p.is_file()] == []
    assert docs.documents_of(workspace, sid) == []


@pytest.mark.sqlite_only  # the documents folder beside a database file
def test_backups_carry_the_documents_and_a_restore_brings_them_back(workspace: Workspace, tmp_path: Path) -> None:
    sid, item = _planned(workspace)
    source = tmp_path / "proposal.pdf"
    source.write_bytes(PDF)
    docs.attach(workspace, sid, "portfolio_item", item, source)
    [doc] = docs.documents_of(workspace, sid)
    copy = back_up_now(workspace)
    assert (copy.path.parent / "documents" / doc.sha256[:2] / doc.sha256).read_bytes() == PDF
    # The documents folder is lost; restoring the backup brings the document back.
    kept = docs.documents_folder(workspace) / doc.sha256[:2] / doc.sha256
    kept.chmod(0o600)
    kept.unlink()
    assert any("proposal.pdf is missing" in v for v in run_checks(workspace).violations)
    result = restore_backup(workspace, copy.path)
    assert result.documents_missing == 0
    assert kept.read_bytes() == PDF
    assert not [v for v in run_checks(workspace).violations if "document" in v]


@pytest.mark.sqlite_only  # the documents folder beside a database file
def test_check_reports_a_changed_document(workspace: Workspace, tmp_path: Path) -> None:
    sid, item = _planned(workspace)
    source = tmp_path / "report.pdf"
    source.write_bytes(PDF)
    docs.attach(workspace, sid, "portfolio_item", item, source)
    [doc] = docs.documents_of(workspace, sid)
    kept = docs.documents_folder(workspace) / doc.sha256[:2] / doc.sha256
    kept.chmod(0o600)
    kept.write_bytes(b"tampered")
    assert [v for v in run_checks(workspace).violations if "document" in v] == [
        "2712345 Anouk de Vries: document report.pdf was changed in the documents folder since it was attached "
        "(restore a backup)"
    ]
    with pytest.raises(DomainError, match="was changed on disk"):
        docs.open_copy(workspace, doc.id)


def test_a_meeting_with_a_document_is_not_deleted_and_a_server_database_keeps_bytes_in_a_table(
    workspace: Workspace, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    sid = add_pm(workspace)
    meeting = add_meeting(workspace, sid, date(2025, 3, 1), "CV")
    source = tmp_path / "notes.pdf"
    source.write_bytes(PDF)
    monkeypatch.setattr(docs, "_in_folder", lambda ws: False)  # as on PostgreSQL: no folder next to it
    docs.attach(workspace, sid, "mentor_meeting", meeting, source)
    assert not docs.documents_folder(workspace).exists()
    [doc] = docs.documents_of(workspace, sid)
    assert docs.open_copy(workspace, doc.id).read_bytes() == PDF
    with pytest.raises(DomainError, match=r"notes\.pdf is attached to this meeting"):
        delete_meeting(workspace, meeting)


@pytest.mark.sqlite_only  # a file made from a server database: the bytes in its table, no folder beside it
def test_a_file_made_from_a_server_opens_its_documents_from_the_table(
    workspace: Workspace, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    sid = add_pm(workspace)
    meeting = add_meeting(workspace, sid, date(2025, 3, 1), "CV")
    source = tmp_path / "notes.pdf"
    source.write_bytes(PDF)
    with monkeypatch.context() as server:
        server.setattr(docs, "_in_folder", lambda ws: False)  # attached on the server: the bytes in the table
        docs.attach(workspace, sid, "mentor_meeting", meeting, source)
    # Now a file again (a server's portable backup or a copy): no documents folder has the bytes.
    [doc] = docs.documents_of(workspace, sid)
    assert not (docs.documents_folder(workspace) / doc.sha256[:2] / doc.sha256).exists()
    assert docs.open_copy(workspace, doc.id).read_bytes() == PDF
