"""Reminder drafts out of the app, through the coordinator's own mail program: never sent from here.

- `eml_message` / `write_eml`: each draft as an .eml file (the standard library's `email`
  package: RFC 5322 headers, names with accents, commas or quotes encoded), all in a new folder
  that appears whole or not at all, for Outlook or Thunderbird to open.
- `mailto_url`: one draft as a mailto: link (RFC 6068) for the default mail program.
- `bcc_addresses`: the addresses for one message to all, in BCC.
A draft without an address is never given an empty To: it is left out of all three.
"""

from __future__ import annotations

import os
import re
import shutil
import tempfile
from collections.abc import Callable, Sequence
from datetime import datetime
from email.headerregistry import Address, BaseHeader, HeaderRegistry
from email.message import EmailMessage
from email.policy import SMTP
from email.utils import format_datetime, make_msgid
from pathlib import Path
from urllib.parse import quote

from coordinator_app.domain.errors import DomainError
from coordinator_app.domain.reminders import Draft

# Outlook opens an .eml with this header as a message to send, not as one received.
UNSENT = ("X-Unsent", "1")
# Longer mailto: links are cut by some mail programs (Outlook on Windows at ~2,000 characters).
MAILTO_SAFE_LENGTH = 2000
_UNSAFE_IN_FILENAME = re.compile(r'[<>:"/\\|?*\x00-\x1f]+')


class _HeaderClasses(HeaderRegistry):
    """The standard registry, but each header's class made once: the stock one builds a new class
    with type() for every header set, a quarter of the time of writing thousands of .eml files."""

    def __init__(self) -> None:
        super().__init__()
        self._made: dict[str, type[BaseHeader]] = {}

    def __getitem__(self, name: str) -> type[BaseHeader]:
        key = name.lower()
        made = self._made.get(key)
        if made is None:
            made = self._made[key] = super().__getitem__(name)
        return made


# CRLF line ends, as .eml files have them; the same headers and bytes as email.policy.SMTP.
EML_POLICY = SMTP.clone(header_factory=_HeaderClasses())


class OutboxProblem(DomainError):
    """The drafts could not be written where the coordinator asked; nothing was left behind."""


def _address(name: str, email: str) -> Address:
    local, _, domain = email.rpartition("@")
    return Address(display_name=" ".join(name.split()), username=local, domain=domain)


def shared_headers(sender: tuple[str, str] | None, when: datetime | None) -> tuple[BaseHeader, ...]:
    """The headers every message of one write has the same (From, Date, X-Unsent), parsed once: the
    email package parses each header it is given (an address ~0.2 ms), a header object it takes as is."""
    make = EML_POLICY.header_factory
    headers = []
    if sender and sender[1]:
        headers.append(make("From", _address(sender[0], sender[1])))
    headers.append(make("Date", format_datetime((when or datetime.now()).astimezone())))
    headers.append(make(*UNSENT))
    return tuple(headers)


def eml_message(
    draft: Draft,
    sender: tuple[str, str] | None = None,
    when: datetime | None = None,
    shared: tuple[BaseHeader, ...] | None = None,
) -> EmailMessage:
    """One draft as an e-mail message, ready to open and send. `sender`: the coordinator's (name, address);
    `shared`: `shared_headers(sender, when)` made once for many messages."""
    if not draft.to.email:
        raise OutboxProblem(f"{draft.to.name} ({draft.to.role}) has no e-mail address; no message is made.")
    from_, date_, unsent = _split(shared if shared is not None else shared_headers(sender, when))
    message = EmailMessage(policy=EML_POLICY)
    message["To"] = _address(draft.to.name, draft.to.email)
    if from_ is not None:
        message["From"] = from_
    message["Subject"] = draft.subject
    message["Date"] = date_
    message["Message-ID"] = make_msgid(domain="coordinator-app.invalid")
    message[UNSENT[0]] = unsent
    message.set_content(draft.body)
    return message


def _split(shared: tuple[BaseHeader, ...]) -> tuple[BaseHeader | None, BaseHeader, BaseHeader]:
    by_name = {header.name.lower(): header for header in shared}
    return by_name.get("from"), by_name["date"], by_name[UNSENT[0].lower()]


def file_name(number: int, draft: Draft) -> str:
    """ "003 Anouk de Vries (student).eml": numbered as the review lists them, safe on every system."""
    name = _UNSAFE_IN_FILENAME.sub(" ", f"{draft.to.name} ({draft.to.role})")
    name = " ".join(name.split()).strip(". ")[:80]
    return f"{number:03d} {name}.eml"


def write_eml(
    drafts: Sequence[Draft],
    folder: Path,
    sender: tuple[str, str] | None = None,
    progress: Callable[[int, int], None] | None = None,
    now: datetime | None = None,
) -> Path:
    """Write every draft with an address as an .eml file into a new folder inside `folder`
    ("Reminders 2025-11-24 14.30"); returns it. The files are written into a hidden folder first and
    that folder renamed when all are there, so a failure (a folder that cannot be written, a full
    disk) leaves nothing behind and raises OutboxProblem in the coordinator's words."""
    sendable = [d for d in drafts if d.has_address]
    if not sendable:
        raise OutboxProblem("None of these drafts has an e-mail address: no files were written.")
    folder = Path(folder)
    when = now or datetime.now()
    if not folder.is_dir():
        raise OutboxProblem(f"The folder {folder} does not exist (or is not a folder): no files were written.")
    try:
        work = Path(tempfile.mkdtemp(prefix=".reminders-", dir=folder))
    except OSError as exc:
        raise OutboxProblem(_cannot_write(folder, exc)) from exc
    try:
        shared = shared_headers(sender, when)
        for number, draft in enumerate(sendable, 1):
            data = eml_message(draft, shared=shared).as_bytes()
            with open(work / file_name(number, draft), "xb") as handle:
                handle.write(data)
            if progress is not None:
                progress(number, len(sendable))
        # mkdtemp made the folder owner-only: it holds students' names, like the data folder.
        target = _free_name(folder, f"Reminders {when:%Y-%m-%d %H.%M}")
        os.rename(work, target)
    except OSError as exc:
        shutil.rmtree(work, ignore_errors=True)
        raise OutboxProblem(_cannot_write(folder, exc)) from exc
    except BaseException:
        shutil.rmtree(work, ignore_errors=True)  # cancelled, or a bug: no half-written folder either
        raise
    return target


def _free_name(folder: Path, name: str) -> Path:
    target, n = folder / name, 2
    while target.exists():
        target, n = folder / f"{name} ({n})", n + 1
    return target


def _cannot_write(folder: Path, exc: OSError) -> str:
    reason = exc.strerror or type(exc).__name__
    return f"The reminders could not be written to {folder} ({reason}); no files were written. Choose another folder."


def mailto_url(draft: Draft) -> str:
    """mailto:address?subject=...&body=... (RFC 6068: every reserved character percent-encoded, the
    display name left out since mail programs read it inconsistently)."""
    if not draft.to.email:
        raise OutboxProblem(f"{draft.to.name} ({draft.to.role}) has no e-mail address.")
    body = draft.body.replace("\r\n", "\n").replace("\n", "\r\n")
    return (
        f"mailto:{quote(draft.to.email, safe='@')}?subject={quote(draft.subject, safe='')}&body={quote(body, safe='')}"
    )


def bcc_addresses(drafts: Sequence[Draft]) -> str:
    """Every address once, "; "-separated (what Outlook and Thunderbird take in a BCC field)."""
    seen: dict[str, str] = {}
    for d in drafts:
        if d.to.email and d.to.email.casefold() not in seen:
            seen[d.to.email.casefold()] = d.to.email
    return "; ".join(seen.values())
