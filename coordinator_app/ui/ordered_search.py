"""The list's text search, answered in the order the list is shown, kept across a sort.

Laying the search keys out (text_search.py) costs ~35 ms at 100,000 students and forgets every
remembered answer: two thirds of a header click when a sort laid them out again. A sort shows
the same students in another order, so the keys stay laid out in the order they were laid out
in, and the maps between that order and the one shown are made when a search first needs them
(~10-20 ms; a sort with nothing typed needs none). An answer (laid-out positions, ascending)
becomes positions shown, ascending: sorted through the map when it is small, a pass over a byte
mask when it is large; no work while the list is shown in the order it was laid out in, or when
every row matches. Plain Python, no Qt.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Sequence
from itertools import compress, repeat

from coordinator_app.ui.text_search import TextSearch

_SORT_BELOW = 4  # an answer under 1/4 of the rows is mapped and sorted; a larger one goes through a mask
_KEEP = 1_000_000  # positions kept in answers mapped to the order shown (Backspace: a look-up again)


class OrderedSearch:
    """Positions (ascending, in the order shown) of the rows whose search key contains a text."""

    def __init__(self) -> None:
        self._search = TextSearch()
        self._laid: list[int] = []  # the row indices, in the order the keys were laid out
        self._shown: list[int] = []  # the same row indices, in the order shown
        self._where: list[int] | None = None  # row index -> laid-out position (made when needed)
        # position shown -> laid-out position and back, made when needed; None: not made yet
        self._maps: tuple[list[int], list[int]] | None = None
        self._everyone: list[int] = []  # 0..n-1: every row matches
        self._shown_answers: dict[str, list[int]] = {}  # text -> answer in the order shown, until it changes
        self._kept = 0

    def lay_out(self, rows: list[int], keys: Sequence[str], domains: Sequence[str]) -> None:
        """Other rows (a refill, a quick filter, a changed key), shown in this order: lay out anew."""
        self._search.lay_out(map(keys.__getitem__, rows), map(domains.__getitem__, rows))
        self._laid = self._shown = rows
        self._where, self._maps = None, None
        self._shown_answers, self._kept = {}, 0
        if len(self._everyone) != len(rows):
            self._everyone = list(range(len(rows)))

    def reorder(self, rows: list[int]) -> None:
        """The same rows, shown in another order: the keys stay laid out, the answers remembered valid."""
        if len(rows) != len(self._laid):
            raise ValueError("reorder is for the rows laid out, in another order")
        self._shown, self._maps = (self._laid if rows == self._laid else rows), None
        self._shown_answers, self._kept = {}, 0

    def _mapped(self) -> tuple[list[int], list[int]] | None:
        """(shown -> laid out, laid out -> shown), or None while both orders are the same."""
        if self._shown is self._laid:
            return None
        if self._maps is None:
            if self._where is None:
                self._where = [0] * (max(self._laid, default=-1) + 1)
                deque(map(self._where.__setitem__, self._laid, self._everyone), maxlen=0)
            to_laid = list(map(self._where.__getitem__, self._shown))
            from_laid = [0] * len(to_laid)
            deque(map(from_laid.__setitem__, to_laid, self._everyone), maxlen=0)
            self._maps = (to_laid, from_laid)
        return self._maps

    def find(self, text: str) -> list[int]:
        """Shown positions, ascending. The list may be shared: never change it."""
        found = self._search.find(text)
        if len(found) == len(self._laid) or self._shown is self._laid:
            return found  # everyone (0..n-1 in any order), or both orders the same
        shown = self._shown_answers.pop(text, None)
        if shown is None:
            shown = self._in_shown_order(found)
            self._kept += len(shown)
        self._shown_answers[text] = shown  # the most recently used last
        while self._kept > _KEEP and len(self._shown_answers) > 1:
            self._kept -= len(self._shown_answers.pop(next(iter(self._shown_answers))))
        return shown

    def _in_shown_order(self, found: list[int]) -> list[int]:
        to_laid, from_laid = self._mapped() or ([], [])
        if len(found) * _SORT_BELOW < len(to_laid):
            return sorted(map(from_laid.__getitem__, found))
        mask = bytearray(len(to_laid))
        deque(map(mask.__setitem__, found, repeat(1)), maxlen=0)
        return list(compress(self._everyone, map(mask.__getitem__, to_laid)))

    def key(self, position: int) -> tuple[str, str]:
        """The search key held for the row shown at `position`."""
        maps = self._mapped()
        return self._search.key(position if maps is None else maps[0][position])

    def forget_answers(self) -> None:
        """Search anew from here on, as after opening the list (benchmarks/bench_gui.py types cold)."""
        self._search.forget_answers()
        self._shown_answers, self._kept = {}, 0
