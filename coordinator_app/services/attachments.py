"""Documents attached to a portfolio item, a Literature Study or a mentor meeting.

The signed List of Agreements, the Research Proposal, the report PDF: attached from a file (the
window's file dialog or drag and drop, `coordinator-app attach`), optionally marking the item
received. The bytes are content-addressed (store/documents.py says where: a folder next to an
SQLite database, the `document_content` table of a server database); the database keeps what was
attached to what, by whom and when. `check` reports a document that is missing or changed.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from coordinator_app.domain.errors import DomainError, NotFound
from coordinator_app.paths import server_documents_dir
from coordinator_app.services.lookup import existing_student, student_numbered
from coordinator_app.services.snapshot import refresh_ec
from coordinator_app.services.workspace import Workspace
from coordinator_app.store import documents as store
from coordinator_app.store import models as m

LIMIT_BYTES = 50 * 1024 * 1024  # a scanned, signed form or a thesis PDF fits; a video does not
TARGETS = {"portfolio_item": m.PortfolioItem, "literature_study": m.LiteratureStudy, "mentor_meeting": m.MentorMeeting}
TARGET_WORDS = {
    "portfolio_item": "portfolio item",
    "literature_study": "Literature Study",
    "mentor_meeting": "mentor meeting",
}


def _in_folder(ws: Workspace) -> bool:
    return ws.engine.dialect.name == "sqlite"


def documents_folder(ws: Workspace) -> Path:
    """The folder beside an SQLite database that keeps its documents; for a server database (whose
    documents are in its own table) the folder on this computer where they are opened."""
    if ws.is_server:
        server = ws.location.server
        assert server is not None
        return server_documents_dir(server.database, server.host_label)
    return store.documents_dir_for(ws.path)


def _size(size: int) -> str:
    return f"{round(size / 1_048_576, 1)} MB" if size >= 1_048_576 else f"{max(1, size // 1024)} KB"  # not a mark


def check_file(path: Path) -> int:
    """The file's size, or one line saying why it cannot be attached."""
    path = Path(path)
    if not path.exists():
        raise DomainError(f"There is no file at {path}.", "file")
    if path.is_dir():
        raise DomainError(f"{path.name} is a folder; attach a file (zip the folder first to keep it whole).", "file")
    size = path.stat().st_size
    if size > LIMIT_BYTES:
        raise DomainError(
            f"{path.name} is {_size(size)}; a document can be at most {_size(LIMIT_BYTES)}. Attach a smaller copy "
            "(a PDF printed at a lower resolution).",
            "file",
        )
    if size == 0:
        raise DomainError(f"{path.name} is empty (0 bytes); nothing to attach.", "file")
    if not os.access(path, os.R_OK):
        raise DomainError(f"{path.name} cannot be read (no permission to open it).", "file")
    return size


def _target(s: Session, student_id: int, target: str, target_id: int) -> object:
    model = TARGETS.get(target)
    if model is None:
        raise DomainError(
            f"Documents are attached to a portfolio item, a Literature Study or a mentor meeting, not '{target}'.",
            "target",
        )
    row = s.get(model, target_id)
    if row is None or getattr(row, "student_id", None) != student_id:
        raise NotFound(f"That {TARGET_WORDS[target]} is not this student's any more.", "target")
    return row


@dataclass(frozen=True)
class Attached:
    attachment_id: int
    received_before: date | None  # the item's received date before (Undo puts it back)
    marked_received: bool


def attach(
    ws: Workspace, student_id: int, target: str, target_id: int, path: Path, mark_received: bool = False
) -> Attached:
    """Attach the file at `path`; with `mark_received`, a portfolio item not yet received is marked
    received today. Refused with one line for a folder, a missing, empty, unreadable or too large file."""
    path = Path(path)
    check_file(path)
    digest, size, content = _keep(ws, path)
    with ws.write() as s:
        student = existing_student(s, student_id)
        row = _target(s, student.id, target, target_id)
        if content is not None and s.get(m.DocumentContent, digest) is None:
            s.add(m.DocumentContent(sha256=digest, content=content))
        attachment = m.Attachment(
            student_id=student.id,
            target=target,
            target_id=target_id,
            sha256=digest,
            name=path.name[:255],
            size=size,
            attached_at=datetime.now(UTC).replace(tzinfo=None),
            attached_by=ws.user,
        )
        s.add(attachment)
        s.flush()
        ws.audit(s, "attach document", target, target_id, student.id, "document", None, path.name)
        before: date | None = None
        marked = False
        if mark_received and isinstance(row, m.PortfolioItem) and row.received_date is None:
            before, row.received_date, marked = None, ws.as_of(), True
            ws.audit(
                s,
                "mark received",
                "portfolio_item",
                row.id,
                student.id,
                f"{row.component} {row.kind}",
                None,
                row.received_date,
            )
            refresh_ec(s, student, ws.programme_of(student), ws.as_of())
        return Attached(attachment.id, before, marked)


def _keep(ws: Workspace, path: Path) -> tuple[str, int, bytes | None]:
    try:
        if _in_folder(ws):
            digest, size = store.store_file(documents_folder(ws), path, LIMIT_BYTES)
            return digest, size, None
        content = path.read_bytes()
    except store.TooLarge as exc:
        raise DomainError(
            f"{path.name} grew past {_size(LIMIT_BYTES)} while it was being copied; nothing was attached.", "file"
        ) from exc
    except PermissionError as exc:
        raise DomainError(f"{path.name} cannot be read (no permission to open it).", "file") from exc
    except OSError as exc:
        raise DomainError(
            f"{path.name} could not be copied ({exc.strerror or exc}); nothing was attached.", "file"
        ) from exc
    if len(content) > LIMIT_BYTES:
        raise DomainError(
            f"{path.name} grew past {_size(LIMIT_BYTES)} while it was being read; nothing was attached.", "file"
        )
    import hashlib

    return hashlib.sha256(content).hexdigest(), len(content), content


@dataclass(frozen=True)
class Detached:
    student_id: int
    target: str
    target_id: int
    sha256: str
    name: str
    size: int
    attached_at: datetime
    attached_by: str


def detach(ws: Workspace, attachment_id: int) -> Detached:
    """Take a document off (its bytes stay: Undo, and the backups, may still need them)."""
    with ws.write() as s:
        row = s.get(m.Attachment, attachment_id)
        if row is None:
            raise NotFound("That document is no longer attached.", "document")
        existing_student(s, row.student_id)
        gone = Detached(
            row.student_id, row.target, row.target_id, row.sha256, row.name, row.size, row.attached_at, row.attached_by
        )
        ws.audit(s, "detach document", row.target, row.target_id, row.student_id, "document", row.name, None)
        s.delete(row)
        return gone


def reattach(ws: Workspace, gone: Detached) -> int:
    """Undo of a detach: the same document attached again (new id)."""
    with ws.write() as s:
        student = existing_student(s, gone.student_id)
        _target(s, student.id, gone.target, gone.target_id)
        row = m.Attachment(
            student_id=student.id,
            target=gone.target,
            target_id=gone.target_id,
            sha256=gone.sha256,
            name=gone.name,
            size=gone.size,
            attached_at=gone.attached_at,
            attached_by=gone.attached_by,
        )
        s.add(row)
        s.flush()
        ws.audit(s, "attach document", gone.target, gone.target_id, student.id, "document", None, gone.name)
        return row.id


def undo_attach(ws: Workspace, attached: Attached) -> None:
    """Undo of an attach: the document off again, and the item not received if attaching marked it."""
    with ws.write() as s:
        row = s.get(m.Attachment, attached.attachment_id)
        if row is None:
            raise NotFound("That document is no longer attached.", "document")
        ws.audit(s, "detach document", row.target, row.target_id, row.student_id, "document", row.name, None)
        if attached.marked_received and row.target == "portfolio_item":
            item = s.get(m.PortfolioItem, row.target_id)
            if item is not None:
                ws.audit(
                    s,
                    "clear received",
                    "portfolio_item",
                    item.id,
                    row.student_id,
                    f"{item.component} {item.kind}",
                    item.received_date,
                    None,
                )
                item.received_date = attached.received_before
        student = existing_student(s, row.student_id)
        s.delete(row)
        refresh_ec(s, student, ws.programme_of(student), ws.as_of())


@dataclass(frozen=True)
class Document:
    id: int
    target: str
    target_id: int
    name: str
    size: int
    attached_at: datetime
    attached_by: str
    sha256: str

    @property
    def size_text(self) -> str:
        return _size(self.size)


def documents_of(ws: Workspace, student_id: int) -> list[Document]:
    with ws.read() as s:
        return read_documents(s, student_id)


def read_documents(s: Session, student_id: int) -> list[Document]:
    A = m.Attachment
    return [
        Document(a.id, a.target, a.target_id, a.name, a.size, a.attached_at, a.attached_by, a.sha256)
        for a in s.scalars(select(A).where(A.student_id == student_id).order_by(A.attached_at, A.id))
    ]


def open_copy(ws: Workspace, attachment_id: int) -> Path:
    """A read-only copy of the document under its own name (for the system viewer), after checking
    it is the document that was attached."""
    with ws.read() as s:
        row = s.get(m.Attachment, attachment_id)
        if row is None:
            raise NotFound("That document is no longer attached.", "document")
        digest, name = row.sha256, row.name
        # A file made from a server database (its portable backup, a copy) has the bytes in the
        # table rather than in a folder beside it: they are used when the folder has none.
        in_table = not _in_folder(ws) or not store.path_in(documents_folder(ws), digest).exists()
        content = (
            s.scalar(select(m.DocumentContent.content).where(m.DocumentContent.sha256 == digest)) if in_table else None
        )
    folder = documents_folder(ws) / "opened" / digest[:16]
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    shown = folder / Path(name).name
    if shown.exists():
        return shown
    if content is not None:
        shown.write_bytes(content)
    else:
        source = store.path_in(documents_folder(ws), digest)
        if not source.exists():
            raise DomainError(
                f"{name} is missing from {documents_folder(ws)}; restore a backup to get it back.", "document"
            )
        if store.file_digest(source) != digest:
            raise DomainError(
                f"{name} was changed on disk since it was attached; restore a backup to get it back.", "document"
            )
        try:
            os.link(source, shown)
        except OSError:
            shown.write_bytes(source.read_bytes())
    os.chmod(shown, 0o400)
    return shown


def document_problems(ws: Workspace, session: Session) -> list[str]:
    """Every attached document that is missing from the documents folder or changed there (`check`)."""
    if not _in_folder(ws):
        return []
    folder = documents_folder(ws)
    S, A = m.Student, m.Attachment
    problems = []
    verdicts: dict[str, str | None] = {}
    for a, number, first, last in session.execute(
        select(A, S.student_number, S.first_name, S.last_name)
        .join(S, A.student_id == S.id)
        .order_by(S.student_number, A.id)
    ):
        if a.sha256 not in verdicts:
            path = store.path_in(folder, a.sha256)
            if not path.exists():
                verdicts[a.sha256] = "is missing from the documents folder"
            elif store.file_digest(path) != a.sha256:
                verdicts[a.sha256] = "was changed in the documents folder since it was attached"
            else:
                verdicts[a.sha256] = None
        if verdicts[a.sha256]:
            problems.append(f"{number} {first} {last}: document {a.name} {verdicts[a.sha256]} (restore a backup)")
    return problems


def _student(ws: Workspace, s: Session, number: str, programme: str | None) -> m.Student:
    return existing_student(s, student_numbered(s, ws.programmes, number, programme))


def student_and_name(ws: Workspace, number: str, programme: str | None = None) -> tuple[int, str]:
    """A student by number (and programme, when the number is in two): their id and how they are named."""
    with ws.read() as s:
        student = _student(ws, s, number, programme)
        return student.id, f"{student.student_number} {student.first_name} {student.last_name}"


@dataclass(frozen=True)
class Target:
    student_id: int
    student: str
    target: str
    target_id: int
    label: str


def find_target(
    ws: Workspace,
    number: str,
    programme: str | None = None,
    item: str | None = None,
    internship: str | None = None,
    literature: bool = False,
    meeting: date | None = None,
) -> Target:
    """What a document is attached to, named as the coordinator would on the command line: a student
    number, then a portfolio item kind (`--item list_of_agreements`, with `--internship` when both
    internships have it), the Literature Study, or the mentor meeting of a date."""
    with ws.read() as s:
        student = _student(ws, s, number, programme)
        who = f"{student.student_number} {student.first_name} {student.last_name}"
        if literature:
            row = s.scalar(select(m.LiteratureStudy).where(m.LiteratureStudy.student_id == student.id))
            if row is None:
                raise NotFound(f"{who} has no Literature Study planned.", "target")
            return Target(student.id, who, "literature_study", row.id, "the Literature Study")
        if meeting is not None:
            meetings = list(
                s.scalars(
                    select(m.MentorMeeting).where(
                        m.MentorMeeting.student_id == student.id, m.MentorMeeting.meeting_date == meeting
                    )
                )
            )
            if not meetings:
                raise NotFound(f"{who} has no mentor meeting on {meeting:%d-%m-%Y}.", "target")
            return Target(
                student.id, who, "mentor_meeting", meetings[0].id, f"the mentor meeting of {meeting:%d-%m-%Y}"
            )
        if not item:
            raise DomainError("Say what to attach to: --item KIND, --literature or --meeting DATE.", "target")
        items = list(
            s.scalars(
                select(m.PortfolioItem).where(m.PortfolioItem.student_id == student.id, m.PortfolioItem.kind == item)
            )
        )
        if internship is not None:
            items = [i for i in items if i.component == f"{internship}_internship"]
        if not items:
            kinds = sorted(set(s.scalars(select(m.PortfolioItem.kind).where(m.PortfolioItem.student_id == student.id))))
            raise NotFound(
                f"{who} has no portfolio item '{item}'. Their items: {', '.join(kinds) or 'none yet'}.", "target"
            )
        if len(items) > 1:
            raise DomainError(f"Both internships have '{item}'; say which with --internship minor or major.", "target")
        return Target(student.id, who, "portfolio_item", items[0].id, items[0].name)
