"""What each register shows in the window (its columns, the cells of an entry, its form and its
service calls) and the model of its entries, filtered in the model as the search box is typed in
(20,000 people in a keystroke). The dialog that shows them: ui/registers_dialog.py."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, NamedTuple

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt

from coordinator_app.domain.ranks import RANKS
from coordinator_app.domain.registers import UMC_CHOICES
from coordinator_app.services import hosts as host_register
from coordinator_app.services import people as people_register
from coordinator_app.services.hosts import HostEntry
from coordinator_app.services.people import PersonEntry
from coordinator_app.ui.forms import FieldForm

if TYPE_CHECKING:
    from coordinator_app.services.workspace import Workspace

Entry = HostEntry | PersonEntry  # one line of a register


@dataclass(frozen=True)
class Register:
    """What differs between the two registers."""

    key: str  # "hosts" or "people"
    title: str
    columns: tuple[str, ...]
    cells: Callable[[Any], tuple[str, ...]]
    read: Callable[[Workspace], Sequence[Entry]]
    form: Callable[[FieldForm], None]
    values: Callable[[Any], dict[str, Any]]
    add: Callable[..., int]
    update: Callable[..., Any]
    delete: Callable[[Workspace, int], Any]
    restore: Callable[[Workspace, Any], int]
    merge: Callable[[Workspace, int, int], Any]
    unmerge: Callable[[Workspace, Any], int]


def _host_form(form: FieldForm) -> None:
    form.text("name", "Organisation")
    form.text("department", "Department")
    form.text("city", "City")
    form.text("country", "Country")
    form.choice("umc", "UMC", [(None, "not a UMC"), *UMC_CHOICES.items()], allow_empty=False)
    form.notes("notes", "Notes")


def _person_form(form: FieldForm) -> None:
    form.text("name", "Name")
    form.choice("rank", "Rank", list(RANKS.items()))
    form.text("organisation", "Organisation")
    form.text("email", "E-mail")
    form.notes("notes", "Notes")


HOSTS = Register(
    "hosts",
    "Hosts",
    ("Organisation", "Department", "City", "Country", "UMC", "Internships"),
    lambda h: (h.name, h.department, h.city, h.country, UMC_CHOICES.get(h.umc or "", "no"), str(h.placements)),
    host_register.hosts,
    _host_form,
    lambda h: {
        "name": h.name,
        "department": h.department,
        "city": h.city,
        "country": h.country,
        "umc": h.umc,
        "notes": h.notes,
    },
    host_register.add_host,
    host_register.update_host,
    host_register.delete_host,
    host_register.restore_host,
    host_register.merge_hosts,
    host_register.unmerge_hosts,
)
PEOPLE = Register(
    "people",
    "People",
    ("Name", "Rank", "Organisation", "E-mail", "Roles"),
    lambda p: (p.name, RANKS.get(p.rank or "", ""), p.organisation, p.email, str(p.roles)),
    people_register.people,
    _person_form,
    lambda p: {"name": p.name, "rank": p.rank, "organisation": p.organisation, "email": p.email, "notes": p.notes},
    people_register.add_person,
    people_register.update_person,
    people_register.delete_person,
    people_register.restore_person,
    people_register.merge_people,
    people_register.unmerge_people,
)


class ShownEntry(NamedTuple):
    """One register entry as its table shows it: the entry, its cells, and the text the search looks in."""

    entry: Entry
    cells: tuple[str, ...]
    search_text: str


class EntriesModel(QAbstractTableModel):
    """A register's entries that contain the search text (in any column); filtered here, not in a proxy."""

    def __init__(self, register: Register) -> None:
        super().__init__()
        self.register = register
        self._all: list[ShownEntry] = []
        self._shown: list[ShownEntry] = []

    def set_entries(self, entries: Sequence[Entry], text: str) -> None:
        cells = self.register.cells
        self._all = [ShownEntry(e, c, " ".join(c).casefold()) for e in entries for c in (cells(e),)]
        self.filter(text)

    def filter(self, text: str) -> None:
        wanted = " ".join(text.split()).casefold()
        self.beginResetModel()
        self._shown = [row for row in self._all if wanted in row.search_text] if wanted else list(self._all)
        self.endResetModel()

    def entry(self, row: int) -> Entry | None:
        return self._shown[row].entry if 0 <= row < len(self._shown) else None

    def row_of(self, entry_id: int) -> int | None:
        return next((r for r, row in enumerate(self._shown) if row.entry.id == entry_id), None)

    @property
    def total(self) -> int:
        return len(self._all)

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self._shown)

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self.register.columns)

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if not index.isValid() or not 0 <= index.row() < len(self._shown):
            return None
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            return self._shown[index.row()].cells[index.column()]
        return None

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> str | None:
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal:
            return self.register.columns[section] if 0 <= section < len(self.register.columns) else None
        return None
