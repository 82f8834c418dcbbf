"""Problems with the database file itself, in words a coordinator can act on."""

from __future__ import annotations


class DatabaseProblem(Exception):
    """The database cannot be used as it is: not a database, too new, locked, read-only, ..."""


class NotADatabase(DatabaseProblem):
    pass


class DatabaseTooNew(DatabaseProblem):
    pass


class DatabaseBusy(DatabaseProblem):
    pass
