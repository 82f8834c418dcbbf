"""Type-ahead over the host and people registers: a line edit offers the entries that contain what
is typed (name, rank, organisation, department, city), and picking one chooses it by id.

The entries are read once off the GUI thread (`RegisterCache`, one per window session) and again
after a register changes; each keystroke filters them in the model (plain Python over the
lower-cased labels, stopping at the first `LIMIT` hits), so 20,000 people stay within a frame.
Typing a name that is not offered and leaving the field still works: the service looks it up
and adds it to the register (services/register_links.py).

One pick is one edit: Enter (or Tab) on an entry in the list chooses it here and does not reach the
field, whose `editingFinished` would otherwise commit the typed text first (a second write and a
second undo step; "jans" added to the register when the field has no keyboard focus yet, as on a
slow machine).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from itertools import compress, islice, repeat
from operator import contains
from typing import TYPE_CHECKING, ClassVar

from PySide6.QtCore import QAbstractListModel, QEvent, QModelIndex, QObject, QPersistentModelIndex, Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QCompleter, QLineEdit

if TYPE_CHECKING:
    from coordinator_app.services.workspace import Workspace
    from coordinator_app.ui.changes import Changes
    from coordinator_app.ui.session import WorkspaceSession

LIMIT = 50  # offered at once; typing more narrows it
ID_ROLE = Qt.ItemDataRole.UserRole
PICK_KEYS = (Qt.Key.Key_Return, Qt.Key.Key_Enter, Qt.Key.Key_Tab)  # what chooses the entry in the list


@dataclass(frozen=True)
class Entry:
    id: int
    name: str  # what the field shows once chosen
    label: str  # what the list offers: name · rank · organisation


class EntryModel(QAbstractListModel):
    """The entries that contain the typed text, at most LIMIT; filtered here, not in a proxy."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._entries: list[Entry] = []
        self._keys: list[str] = []
        self._shown: list[Entry] = []
        self._text = ""

    def set_entries(self, entries: list[Entry]) -> None:
        self._entries = entries
        self._keys = [e.label.casefold() for e in entries]
        self.filter(self._text)

    def filter(self, text: str) -> None:
        self._text = text
        wanted = " ".join(text.split()).casefold()
        self.beginResetModel()
        if wanted:
            hits = compress(self._entries, map(contains, self._keys, repeat(wanted)))
            self._shown = list(islice(hits, LIMIT))
        else:
            self._shown = self._entries[:LIMIT]
        self.endResetModel()

    @property
    def entries(self) -> list[Entry]:
        return self._entries

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self._shown)

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if not index.isValid() or not 0 <= index.row() < len(self._shown):
            return None
        entry = self._shown[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            return entry.label
        if role == Qt.ItemDataRole.EditRole:
            return entry.name
        if role == ID_ROLE:
            return entry.id
        return None


class RegisterPicker(QObject):
    """Type-ahead on `edit` over one register; `chosen(id)` when an entry is picked."""

    chosen = Signal(int)

    def __init__(self, edit: QLineEdit, cache: RegisterCache, register: str) -> None:
        super().__init__(edit)
        self.edit = edit
        self.register = register
        self.model = EntryModel(self)
        self.completer = QCompleter(self.model, edit)
        self.completer.setCompletionMode(QCompleter.CompletionMode.UnfilteredPopupCompletion)
        self.completer.setCompletionRole(Qt.ItemDataRole.EditRole)
        self.completer.setMaxVisibleItems(12)
        edit.setCompleter(self.completer)
        edit.textEdited.connect(self.model.filter)
        # The QModelIndex overload of activated (the text one is the default); PySide6 stubs lack the index.
        self.completer.activated[QModelIndex].connect(self._picked)  # type: ignore[index]
        # Made now, so this filter runs before the completer's own (the last installed runs first).
        popup = self.completer.popup()
        assert popup is not None
        popup.installEventFilter(self)
        cache.loaded.connect(self._loaded)
        self._loaded(cache)

    def _loaded(self, cache: RegisterCache) -> None:
        self.model.set_entries(cache.entries(self.register))

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        """Enter on an entry in the list: the pick, and nothing else (see the module's docstring)."""
        popup = self.completer.popup()
        if (
            popup is not None
            and watched is popup
            and isinstance(event, QKeyEvent)
            and event.type() == QEvent.Type.KeyPress
        ):
            index = popup.currentIndex()
            if event.key() in PICK_KEYS and index.isValid():
                popup.hide()
                self.edit.setText(str(index.data(Qt.ItemDataRole.EditRole)))  # as the completer would
                self._picked(index)
                return True
        return False

    def _picked(self, index: QModelIndex | QPersistentModelIndex) -> None:
        entry_id = index.data(ID_ROLE)
        if entry_id is not None:
            self.chosen.emit(int(entry_id))


def _people(ws: Workspace) -> list[Entry]:
    from coordinator_app.services.people import people

    return [Entry(p.id, p.name, p.label) for p in people(ws)]


def _hosts(ws: Workspace) -> list[Entry]:
    from coordinator_app.services.hosts import hosts

    return [Entry(h.id, h.name, h.label) for h in hosts(ws)]


class RegisterCache(QObject):
    """The registers' entries for the type-ahead, read off the GUI thread when a database opens and
    after a change to a register; `loaded(self)` each time."""

    loaded = Signal(object)
    READERS: ClassVar[dict[str, Callable[[Workspace], list[Entry]]]] = {"people": _people, "hosts": _hosts}

    def __init__(self, session: WorkspaceSession) -> None:
        super().__init__(session)
        self.session = session
        self._entries: dict[str, list[Entry]] = {}
        session.opened.connect(lambda _ws: self.reload())
        session.changed.connect(self._changed)
        if session.ws is not None:
            self.reload()

    def entries(self, register: str) -> list[Entry]:
        return self._entries.get(register, [])

    def _changed(self, changes: Changes) -> None:
        from coordinator_app.ui.changes import Kind

        if changes.any_of(Kind.REGISTERS | Kind.INTERNSHIPS | Kind.LITERATURE | Kind.ACADEMIC_CORE):
            self.reload()  # a name typed in a record may have added an entry

    def reload(self) -> None:
        def read(ws: Workspace) -> dict[str, list[Entry]]:
            return {name: reader(ws) for name, reader in self.READERS.items()}

        self.session.run(read, self._read, "Reading the registers…")

    def _read(self, entries: dict[str, list[Entry]]) -> None:
        self._entries = entries
        self.loaded.emit(self)


def cache_of(session: WorkspaceSession) -> RegisterCache:
    """The session's one register cache, made when first needed."""
    found = session.findChild(RegisterCache)
    return found if isinstance(found, RegisterCache) else RegisterCache(session)
