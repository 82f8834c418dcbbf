"""The student list's rows: what each shows, what the search box looks in, what a header click sorts by.

Made off the GUI thread, once per load (services/student_list.py reads the rows): a row's display
texts, its lower-case search key split at the e-mail's @ (ui/text_search.py), and per column the key
each row sorts by. Dutch surnames sort under their main word ("de Vries" under V) and accents sort
with their letter. The list's model (ui/student_model.py) filters and sorts over what is made here.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from itertools import repeat
from operator import attrgetter
from typing import TYPE_CHECKING, TypeVar

if TYPE_CHECKING:  # the rows come from services/student_list.py, read off the GUI thread
    from coordinator_app.services.student_list import StudentRow

COLUMNS = (
    "Number",
    "Name",
    "E-mail",
    "Programme",
    "Cohort",
    "Status",
    "Specialization",
    "Internship",
    "EC",
    "Graduation",
    "Overdue",
)
NUMBER, NAME, EMAIL, PROGRAMME, COHORT, STATUS, SPECIALIZATION, STAGE, EC, GRADUATION, OVERDUE = range(len(COLUMNS))
SortKey = str | int  # what a row sorts by in one column: a text or a number, never mixed in a column
T = TypeVar("T")
_STAGE_ORDER = {"not planned": 0, "minor planned": 1, "minor": 2, "major planned": 3, "major": 4}


@dataclass
class PreparedRows:
    """Rows with their display texts and search keys, built off the GUI thread.

    Of a whole list (more than EAGER rows) only what the first paint and the search need is made here:
    a row's display texts when it is first shown (`None` until then; ~30 rows are, of 100,000), and
    the sort keys of the number and the name (the default order); another column's when it is first
    sorted by (a C-level getter over the rows: a few ms, Name excepted). 0.4 s less at 100,000."""

    rows: list[StudentRow]
    display: list[tuple[str, ...] | None]
    keys: list[str]  # the search key up to the e-mail's @ (see search_key)
    domains: list[str]  # and from it
    sort_keys: list[list[SortKey] | None]  # per column, what each row sorts by (SORT_KEYS); None: not made yet
    by_number: list[int] | None = None  # the row indices by student number (every sort's tie-break)

    def without(self, index: int) -> PreparedRows:
        return PreparedRows(
            _without(self.rows, index),
            _without(self.display, index),
            _without(self.keys, index),
            _without(self.domains, index),
            [None if k is None else _without(k, index) for k in self.sort_keys],
        )

    def plus(self, more: PreparedRows) -> PreparedRows:
        return PreparedRows(
            self.rows + more.rows,
            self.display + more.display,
            self.keys + more.keys,
            self.domains + more.domains,
            [
                None if mine is None or theirs is None else mine + theirs
                for mine, theirs in zip(self.sort_keys, more.sort_keys)
            ],
        )


def _without(values: list[T], index: int) -> list[T]:
    return values[:index] + values[index + 1 :]


def prepare_rows(rows: Sequence[StudentRow], specialization_names: dict[str, str]) -> PreparedRows:
    """Display texts, the lower-case search key (number, name, e-mail) of every row, split as
    search_key splits it (in lists, not a tuple per row: 100k small tuples wake the garbage collector),
    and the columns' sort keys: made here, off the GUI thread, once per load (a click only sorts).
    A whole list leaves the display texts and most sort keys to when they are needed (PreparedRows)."""
    out_rows = list(rows)
    eager = len(out_rows) <= EAGER
    display: list[tuple[str, ...] | None] = (
        [display_texts(r, specialization_names) for r in out_rows] if eager else [None] * len(out_rows)
    )
    keys = [_whole_key(r) for r in out_rows]
    ats = list(map(str.rfind, keys, repeat("@")))
    owns = [key[:at] if at >= 0 else key for key, at in zip(keys, ats)]
    domains = [key[at:] if at >= 0 else "" for key, at in zip(keys, ats)]
    one_copy: dict[str, str] = {}  # thousands share a domain: keep one string of each (~6 MB at 100k)
    domains = list(map(one_copy.setdefault, domains, domains))
    sort_keys: list[list[SortKey] | None] = [
        list(map(SORT_KEYS[column], out_rows)) if column in SORT_KEYS and (eager or column in (NUMBER, NAME)) else None
        for column in range(len(COLUMNS))
    ]
    number_keys = sort_keys[NUMBER]
    assert number_keys is not None  # always made: the tie-break of every sort
    by_number = sorted(range(len(out_rows)), key=number_keys.__getitem__)
    return PreparedRows(out_rows, display, owns, domains, sort_keys, by_number)


EAGER = 1000  # up to this many rows (an edited row, a small list) everything is made at once


def search_key(r: StudentRow) -> tuple[str, str]:
    """What the search box looks in: student number, name and e-mail, in lower case, split at the
    (last) @ into the student's own part and the e-mail domain thousands share (text_search.py)."""
    key = _whole_key(r)
    at = key.rfind("@")
    return (key, "") if at < 0 else (key[:at], key[at:])


def _whole_key(r: StudentRow) -> str:
    # Accents folded, as the text typed is (search_text): "lea kim" finds "Léa Kim". A space comes
    # before every word of the number and the name, and only there (text_search.py finds words by it);
    # the one after the name lets "meijer," (copied from the list's "Meijer, Fatima") find Fatima Meijer.
    return _without_accents(f" {r.student_number}\t {r.first_name} {r.last_name} \t{r.email}".lower())


def search_text(typed: str) -> str:
    """What the search box's text is looked for as: lower case, accents folded like the keys, a comma
    read as a space ("Meijer, Fatima" as the list shows names), spaces collapsed, none in front. A
    trailing space is kept: "de " finds "de Vries", not every "student" e-mail. Two or more words are
    also found in any order, each at the start of a word of the number or name (text_search.py)."""
    text = _without_accents(typed.lower().replace(",", " "))
    words = " ".join(text.split())
    return f"{words} " if words and text[-1:].isspace() else words


def display_texts(r: StudentRow, names: dict[str, str]) -> tuple[str, ...]:
    spec, grad = r.specialization, r.graduation
    return (
        r.student_number,
        f"{r.last_name}, {r.first_name}",
        r.email,
        r.programme,
        f"{r.cohort}-{r.cohort + 1}",
        r.status,
        names.get(spec, spec) if spec else "",
        "" if r.stage == "not planned" else r.stage,
        str(r.ec_earned),
        _month_label(grad) if grad else "",
        "",  # Overdue: the attention list's count, which the model holds (StudentListModel.set_overdue)
    )


def _month_label(year_month: tuple[int, int]) -> str:
    # ui/util.py brings the domain's grades and programmes (decimal, calendar, ~20 ms): not before
    # the first paint, which shows no row.
    from coordinator_app.ui.util import month_label

    return month_label(year_month)


@lru_cache(maxsize=65536)  # surnames repeat (de Vries, Jansen): each folded once per load, not per row
def _surname_key(last_name: str) -> str:
    return surname_key(last_name)


def surname_key(last_name: str) -> str:
    """Sort "de Vries" under V and "van der Berg" under B, as Dutch lists do (tussenvoegsels
    are written in lower case; "El Amrani" or "Van Dijk" as written stay under E and V)."""
    words = last_name.split()
    while len(words) > 1 and words[0].islower():
        words.pop(0)
    return _without_accents(" ".join(words).lower())


def _without_accents(text: str) -> str:
    """ "Öztürk" sorts with O, not after Z (code-point order puts accented capitals last)."""
    if text.isascii():  # most names: no work
        return text
    return "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))


def name_key(r: StudentRow) -> str:
    """Surname (as surname_key), then first name; one string ("\0" sorts before any letter, so
    "Berg" + "Anna" comes before "Bergman" + "Anna" as the pair would) compares faster than a pair."""
    return f"{_surname_key(r.last_name)}\0{_without_accents(r.first_name.lower())}"


SORT_KEYS: dict[int, Callable[[StudentRow], SortKey]] = {
    # A field itself where it sorts as it is (attrgetter runs in C: 100k keys in a few ms at load).
    NUMBER: attrgetter("student_number"),
    NAME: name_key,
    EMAIL: lambda r: r.email if r.email.islower() else r.email.lower(),  # mostly the string itself: no copy
    PROGRAMME: attrgetter("programme"),
    COHORT: attrgetter("cohort"),
    STATUS: attrgetter("status"),
    SPECIALIZATION: lambda r: r.specialization or "",
    STAGE: lambda r: _STAGE_ORDER.get(r.stage, 0),
    EC: attrgetter("ec_earned"),
    GRADUATION: lambda r: r.graduation[0] * 100 + r.graduation[1] if r.graduation else 999912,  # an int: quick
    # OVERDUE is not a field of the row: the model sorts by the attention list's counts it holds.
}
