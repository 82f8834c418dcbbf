"""A PostgreSQL server's errors, in words a coordinator can act on (store/errors.py does SQLite's).

The server says what happened in its SQLSTATE code; only problems of the environment (the server
cannot be reached, the login is refused, a lock is held, the disk is full, the login may only
read) are translated. A constraint or a wrong query returns None: a bug, for the exception hook.
"""

from __future__ import annotations

from coordinator_app.location import ServerAddress
from coordinator_app.store.problems import (
    BUSY_MESSAGE,
    DatabaseBusy,
    DatabaseFull,
    DatabaseGone,
    DatabaseProblem,
    DatabaseReadOnly,
)


class ServerLoginRefused(DatabaseProblem):
    """The server did not accept the login: wrong password, unknown user, or no access to that database."""


class NoSuchServerDatabase(DatabaseGone):
    """The server is there, but the database named is not."""


def is_server_error(exc: BaseException) -> bool:
    return type(exc).__module__.split(".")[0] == "psycopg"


def _where(address: ServerAddress | None) -> str:
    if address is None:
        return "the database server"
    return f"the database server ({address.host_label})"


def viewer_message(login: str = "") -> str:
    who = f"Your login {login}" if login else "Your login"
    return (
        f"{who} may only look at this database (a viewer, such as the Examination Board), so nothing "
        "can be saved; nothing was changed. Coordinators make the changes; ask the database's manager "
        "if you need to make them too."
    )


def translate_server_error(exc: BaseException, address: ServerAddress | None) -> DatabaseProblem | None:
    """The DatabaseProblem for a psycopg error, or None when it is a bug."""
    code = str(getattr(exc, "sqlstate", None) or "")
    text = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
    where = _where(address)
    database = address.database if address is not None else "the database"
    if code in ("28P01", "28000") or _login_refused(text):
        return ServerLoginRefused(
            f"{where[0].upper()}{where[1:]} did not accept the login"
            f"{' ' + address.user if address and address.user else ''} for {database}: the password is wrong or "
            "missing, or this login has no access. Nothing was changed. Check the user and password "
            "(File > Connect to server…, or your pgpass file)."
        )
    if code == "3D000" or ("database" in text and "does not exist" in text):
        return NoSuchServerDatabase(
            f"There is no database {database} on {where}. Check its name, or ask whoever manages the server "
            "to create it (coordinator-app server init, docs/team.md)."
        )
    if code in ("55P03", "40P01", "40001"):
        return DatabaseBusy(BUSY_MESSAGE)
    if code in ("42501", "25006"):
        return DatabaseReadOnly(viewer_message())
    if code in ("53100", "53200"):
        return DatabaseFull(
            f"{where[0].upper()}{where[1:]} has no room left (its disk or memory is full), so this change was not "
            "saved. Everything saved before is safe. Tell whoever manages the server."
        )
    if code.startswith("08") or code in ("57P01", "57P02", "57P03") or _is_connection_failure(exc):
        return DatabaseGone(
            f"{where[0].upper()}{where[1:]} cannot be reached ({_reason(text)}). Nothing was changed; everything "
            "saved before is on the server. Check the network (or VPN) and the server's address, then try again."
        )
    return None


def _login_refused(text: str) -> bool:
    # Said by the server before a session exists, so libpq reports it without an SQLSTATE.
    said = ("password authentication failed", "no password supplied", "no pg_hba.conf entry")
    return any(words in text for words in said) or ('role "' in text and "does not exist" in text)


def _reason(text: str) -> str:
    """libpq's words without its prefix: `connection to server at "db" (10.0.0.5), port 5432 failed: ...`."""
    return text.rsplit("failed: ", 1)[-1].strip() or text


def _is_connection_failure(exc: BaseException) -> bool:
    # psycopg.OperationalError without an SQLSTATE: the connection could not be made or was lost.
    return type(exc).__name__ == "OperationalError" and not getattr(exc, "sqlstate", None)
