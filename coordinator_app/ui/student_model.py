"""The student list model: filters and sorts inside the model over precomputed keys.

No QSortFilterProxyModel over the big list: at 100,000 rows a proxy costs ~0.5 s per
keystroke and seconds per sort (performance.md s.3). Every row comes with a lower-case search
key, its display texts and its sort keys made off the GUI thread (ui/list_rows.py); a keystroke asks TextSearch (text_search.py), which
mostly looks the answer up or searches only the rows shown. A sort is one `sorted()` over keys
made once per column and kept (an order made once is kept too); it leaves the search laid out
(ordered_search.py). The result is published with a model reset or layoutChanged (cheap: the
view lays out lazily).
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from itertools import compress
from operator import attrgetter
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QObject, QPersistentModelIndex, Qt
from PySide6.QtGui import QBrush, QColor

from coordinator_app.ui.list_rows import (
    COLUMNS,
    EC,
    EMAIL,
    NAME,
    NUMBER,
    OVERDUE,
    SORT_KEYS,
    PreparedRows,
    SortKey,
    display_texts,
    prepare_rows,
    search_text,
)
from coordinator_app.ui.ordered_search import OrderedSearch

if TYPE_CHECKING:  # the rows come from services/student_list.py, read off the GUI thread
    from coordinator_app.services.student_list import StudentRow

ID_ROLE = Qt.ItemDataRole.UserRole + 1
_DISPLAY = Qt.ItemDataRole.DisplayRole
_ALIGN = Qt.ItemDataRole.TextAlignmentRole
_FOREGROUND = Qt.ItemDataRole.ForegroundRole
_TOOLTIP = Qt.ItemDataRole.ToolTipRole

_RIGHT = int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
_FLAGS = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
_NO_FLAGS = Qt.ItemFlag.NoItemFlags
_RED = QBrush(QColor("#b3261e"))


@dataclass(frozen=True)
class Filters:
    """What the coordinator narrowed the list to. None means "any"."""

    text: str = ""
    programme: str | None = None
    cohort: int | None = None
    overdue_only: bool = False
    specialization: str | None = None
    stage: str | None = None
    graduation: tuple[int, int] | None = None
    status: str | None = None
    only: frozenset[int] | None = None  # the students of a dashboard bar

    def quick(self) -> tuple[object, ...]:
        return (
            self.programme,
            self.cohort,
            self.overdue_only,
            self.specialization,
            self.stage,
            self.graduation,
            self.status,
            self.only,
        )


class StudentListModel(QAbstractTableModel):
    """All students; `visible` holds the indices (into `rows`) that pass the filters, in sort order."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._rows: list[StudentRow] = []
        self._display: list[tuple[str, ...] | None] = []  # None: made when first shown
        self._keys: list[str] = []  # search keys up to the e-mail's @, and from it
        self._domains: list[str] = []
        self._order: list[int] = []  # all row indices in the current sort order
        self._base: list[int] = []  # _order narrowed by the quick filters
        self._base_position: dict[int, int] | None = None  # row index -> position in _base, made when asked
        self._search = OrderedSearch()  # the search keys of _base, answering in _base's order
        self._visible: list[int] = []  # positions in _base that match the search text (shared: never change)
        self._filters = Filters()
        self._sort = (NAME, Qt.SortOrder.AscendingOrder)
        self._position: dict[int, int] = {}  # student id -> index in _rows
        self._specialization_names: dict[str, str] = {}
        # Sort keys made once per set of rows and kept (a header click only sorts), and the orders
        # already made (clicking back to a column is a look-up); an edit drops what it changes.
        self._sort_keys: list[list[SortKey] | None] = [
            [] for _ in COLUMNS
        ]  # per column, each row's key (None: not made yet)
        self._by_number: list[int] | None = None  # row indices by student number: the tie-break
        self._orders: dict[tuple[int, bool], list[int]] = {}  # (column, descending) -> row indices
        self._base_outdated = False  # an edit changed who the quick filters let through: lay out at the next sort
        # Overdue items per student id, as the attention list counts them (set_overdue): the Overdue
        # column and filter say what that list says, in the same scope.
        self._overdue: dict[int, int] = {}
        self._overdue_flags: bytearray | None = None  # per row index, 1 where overdue (made when filtered on)

    # -- loading -------------------------------------------------------------------------
    def set_rows(self, prepared: PreparedRows, specialization_names: dict[str, str] | None = None) -> None:
        self.beginResetModel()
        self._rows, self._display = prepared.rows, prepared.display
        self._keys, self._domains = prepared.keys, prepared.domains
        self._sort_keys, self._by_number, self._orders = prepared.sort_keys, prepared.by_number, {}
        if specialization_names is not None:
            self._specialization_names = specialization_names
        self._position = {r.id: i for i, r in enumerate(self._rows)}
        self._overdue_flags = None
        self._order = self._sorted_order()
        self._set_base(self._apply_quick(self._order))
        self._visible = self._search.find(self._filters.text)
        self.endResetModel()

    def _set_base(self, base: list[int], filtered_now: bool = True) -> None:
        """New rows or quick filters: the search lays the keys out again and forgets its answers.
        `filtered_now`: `base` is what the quick filters let through today (not kept from before an edit)."""
        self._base = base
        self._base_position = None
        self._search.lay_out(base, self._keys, self._domains)
        if filtered_now:
            self._base_outdated = False

    def update_row(self, student_id: int, row: StudentRow | None) -> None:
        """One student changed (or was removed/added): refresh it, keeping the filters and order."""
        index = self._position.get(student_id)
        if row is None:
            if index is None:
                return
            self.set_rows(self._prepared().without(index))
            return
        one = prepare_rows([row], self._specialization_names)
        if index is None:
            self.set_rows(self._prepared().plus(one))
            return
        self._forget_orders(index, one)
        if self._passes(self._rows[index]) != self._passes(one.rows[0]):
            self._base_outdated = True  # shown (or hidden) as before until the next sort or filter
        self._rows[index], self._display[index] = one.rows[0], one.display[0]
        self._keys[index], self._domains[index] = one.keys[0], one.domains[0]
        position = self._position_in_base(index)
        if position is None:  # hidden by a quick filter: nothing shown changes
            return
        if self._search.key(position) != (one.keys[0], one.domains[0]):
            # The search holds the old key and answers found with it: lay out again (a few ms), search again.
            self.beginResetModel()
            self._set_base(self._base, filtered_now=False)
            self._visible = self._search.find(self._filters.text)
            self.endResetModel()
            return
        visible_row = self._visible_row(position)
        if visible_row is None:
            return
        self.dataChanged.emit(self.index(visible_row, 0), self.index(visible_row, len(COLUMNS) - 1))

    def set_overdue(self, counts: Mapping[int, int]) -> None:
        """The attention list was read (off the GUI thread): its overdue items per student id. The
        Overdue column shows them; the "Overdue" filter and a sort by that column follow."""
        if counts == self._overdue:
            return
        self._overdue = dict(counts)
        self._overdue_flags = None
        self._sort_keys[OVERDUE] = None  # made again from the new counts when sorted by
        self._orders = {k: v for k, v in self._orders.items() if k[0] != OVERDUE}
        if self._filters.overdue_only or self._sort[0] == OVERDUE:
            self.beginResetModel()
            self._order = self._sorted_order()
            self._set_base(self._apply_quick(self._order))
            self._visible = self._search.find(self._filters.text)
            self.endResetModel()
        elif self._visible:
            self.dataChanged.emit(self.index(0, OVERDUE), self.index(len(self._visible) - 1, OVERDUE), [_DISPLAY])

    def overdue(self, student_id: int) -> int:
        """The student's overdue items on the attention list (0 when none, or not read yet)."""
        return self._overdue.get(student_id, 0)

    def _prepared(self) -> PreparedRows:
        return PreparedRows(self._rows, self._display, self._keys, self._domains, self._sort_keys)

    def _position_in_base(self, index: int) -> int | None:
        # Asked after every keystroke while a record is open (the window reselects it): a dict,
        # made once per base (~3 ms), not list.index over 100k (~1 ms each time).
        if self._base_position is None:
            self._base_position = dict(zip(self._base, range(len(self._base))))
        return self._base_position.get(index)

    def _visible_row(self, position: int) -> int | None:
        row = bisect_right(self._visible, position) - 1
        return row if row >= 0 and self._visible[row] == position else None

    # -- filtering -------------------------------------------------------------------------
    @property
    def filters(self) -> Filters:
        return self._filters

    def set_search(self, text: str) -> None:
        """A keystroke in the search box: narrow (or widen) the list at once."""
        needle = search_text(text)  # a trailing space means something ("de " finds "de Vries")
        if needle == self._filters.text:
            return
        self.beginResetModel()
        self._filters = replace(self._filters, text=needle)
        self._visible = self._search.find(needle)
        self.endResetModel()

    def set_filters(self, filters: Filters) -> None:
        needle = search_text(filters.text)
        filters = replace(filters, text=needle)
        if filters == self._filters:
            return
        self.beginResetModel()
        quick_changed = filters.quick() != self._filters.quick()
        self._filters = filters
        if quick_changed:
            self._set_base(self._apply_quick(self._order))
        self._visible = self._search.find(needle)
        self.endResetModel()

    def _passes(self, row: StudentRow) -> bool:
        return bool(self._apply_quick([0], [row]))

    def _apply_quick(self, source: list[int], rows: Sequence[StudentRow] | None = None) -> list[int]:
        """`source` (indices into `rows`, the list's rows unless given) narrowed by the quick filters."""
        f = self._filters
        own_rows = rows is None
        rows = self._rows if rows is None else rows
        out = source
        if f.programme is not None:
            out = [i for i in out if rows[i].programme == f.programme]
        if f.cohort is not None:
            out = [i for i in out if rows[i].cohort == f.cohort]
        if f.overdue_only and own_rows:  # a pass in C over a flag per row: 100,000 in a few ms
            flags = self._flags_of_overdue()
            out = list(compress(out, map(flags.__getitem__, out)))
        elif f.overdue_only:
            late = self._overdue
            out = [i for i in out if rows[i].id in late]
        if f.specialization is not None:
            out = [i for i in out if rows[i].specialization == f.specialization]
        if f.stage is not None:
            out = [i for i in out if rows[i].stage == f.stage]
        if f.graduation is not None:
            out = [i for i in out if rows[i].graduation == f.graduation]
        if f.status is not None:
            out = [i for i in out if rows[i].status == f.status]
        if f.only is not None:
            only = f.only
            out = [i for i in out if rows[i].id in only]
        return list(out)

    def _flags_of_overdue(self) -> bytearray:
        if self._overdue_flags is None:
            flags = bytearray(len(self._rows))
            for student_id in self._overdue:
                index = self._position.get(student_id)
                if index is not None:
                    flags[index] = 1
            self._overdue_flags = flags
        return self._overdue_flags

    # -- sorting -------------------------------------------------------------------------
    def _sorted_order(self) -> list[int]:
        """Row indices in the order asked: made once per column and direction, then kept."""
        column, order = self._sort
        descending = order == Qt.SortOrder.DescendingOrder
        made = self._orders.get((column, descending))
        if made is None:
            if self._by_number is None:
                self._by_number = sorted(range(len(self._rows)), key=self._column_keys(NUMBER).__getitem__)
            # Two stable passes (no tuple per row): by number, then by the column, so ties keep
            # number order in both directions.
            if column == NUMBER and not descending:
                made = self._by_number
            else:
                made = sorted(self._by_number, key=self._column_keys(column).__getitem__, reverse=descending)
            self._orders[(column, descending)] = made
        return made

    def _column_keys(self, column: int) -> list[SortKey]:
        """Each row's sort key in `column`, made when first asked (PreparedRows)."""
        keys = self._sort_keys[column]
        if keys is None:
            if column == OVERDUE:  # the attention list's counts, not a field of the row
                late = self._overdue
                keys = [late.get(r.id, 0) for r in self._rows]
            else:
                keys = list(map(SORT_KEYS[column], self._rows))
            self._sort_keys[column] = keys
        return keys

    def _forget_orders(self, index: int, one: PreparedRows) -> None:
        """One row changed in place: its kept keys follow; the orders of a column whose key changed go."""
        for column, (values, theirs) in enumerate(zip(self._sort_keys, one.sort_keys)):
            if values is None or theirs is None:  # not made yet: made from the rows when asked
                continue
            value = theirs[0]
            if values[index] != value:
                values[index] = value
                self._orders = {k: v for k, v in self._orders.items() if k[0] != column}
                if column == NUMBER:  # the tie-break of every column
                    self._by_number, self._orders = None, {}

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        if not 0 <= column < len(COLUMNS):
            return
        previous = self._sort
        self._sort = (column, order)
        made = self._sorted_order()
        if made is self._order and previous == self._sort:
            return  # Qt 6's sortByColumn asks twice: the second time nothing changes
        self.layoutAboutToBeChanged.emit()
        old_visible, old_base = self._visible, self._base
        # The selection's rows (persistent indexes): a few, whichever students they show.
        held = [
            (p, old_base[old_visible[p.row()]] if 0 <= p.row() < len(old_visible) else None)
            for p in self.persistentIndexList()
        ]
        self._order = made
        if self._base_outdated:  # an edit moved a student in or out of the quick filters: other rows
            self._set_base(self._apply_quick(made))
        else:  # the same students: the search keys stay laid out
            self._base, self._base_position = self._apply_quick(made), None
            self._search.reorder(self._base)
        self._visible = self._search.find(self._filters.text)
        targets: dict[int | None, int | None] = {None: None}  # a few rows: a scan each, no 100k dict
        for persistent, row_index in held:
            if row_index not in targets:
                position = self._base.index(row_index) if row_index in self._base else None
                targets[row_index] = None if position is None else self._visible_row(position)
            target = targets[row_index]
            self.changePersistentIndex(
                persistent, self.index(target, persistent.column()) if target is not None else QModelIndex()
            )
        self.layoutChanged.emit()

    # -- queries -------------------------------------------------------------------------
    @property
    def total(self) -> int:
        return len(self._rows)

    @property
    def shown(self) -> int:
        return len(self._visible)

    def student_id(self, row: int) -> int | None:
        if 0 <= row < len(self._visible):
            return self._rows[self._base[self._visible[row]]].id
        return None

    def row_of(self, student_id: int) -> int | None:
        index = self._position.get(student_id)
        position = None if index is None else self._position_in_base(index)
        return None if position is None else self._visible_row(position)

    def student(self, student_id: int) -> StudentRow | None:
        """The student's row, shown or filtered out; None when the list does not hold them."""
        index = self._position.get(student_id)
        return None if index is None else self._rows[index]

    def distinct(self, field: str) -> list[Any]:
        """The distinct values of one field (StudentRow's name) over all students, sorted (for the filter
        choices). A C-level getter over the rows: ~5 ms at 100,000 where a lambda per row took ~50."""
        values = set(map(attrgetter(field), self._rows))
        values.discard(None)
        return sorted(values)

    def texts(self, index: int) -> tuple[str, ...]:
        """The display texts of the row at `index` (of all rows), made the first time it is shown."""
        texts = self._display[index]
        if texts is None:
            texts = self._display[index] = display_texts(self._rows[index], self._specialization_names)
        return texts

    # -- Qt model interface -------------------------------------------------------------------
    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self._visible)

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(COLUMNS)

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = _DISPLAY) -> object:
        # Called for every visible cell and role on each repaint: serve what we have, at once.
        if role == _DISPLAY:
            if index.column() == OVERDUE:
                late = self._overdue.get(self._rows[self._base[self._visible[index.row()]]].id)
                return str(late) if late else ""
            return self.texts(self._base[self._visible[index.row()]])[index.column()]
        if role == _ALIGN:
            return _RIGHT if index.column() in (EC, OVERDUE) else None
        if role == _FOREGROUND:
            return _RED if index.column() == OVERDUE else None
        if role == _TOOLTIP and index.column() in (NAME, EMAIL):  # the whole text where the column cuts it
            return self.texts(self._base[self._visible[index.row()]])[index.column()]
        if role == ID_ROLE:
            return self._rows[self._base[self._visible[index.row()]]].id
        return None

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = _DISPLAY) -> str | None:
        if role != _DISPLAY or orientation != Qt.Orientation.Horizontal:
            return None
        return COLUMNS[section] if 0 <= section < len(COLUMNS) else None

    def flags(self, index: QModelIndex | QPersistentModelIndex) -> Qt.ItemFlag:
        return _FLAGS if index.isValid() else _NO_FLAGS
