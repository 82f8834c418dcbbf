"""Where a database is: an SQLite file on this computer, or a PostgreSQL database on a server.

`--db`, the window's File menu, the settings and every command take either. A server is named by
a libpq URL, `postgresql://user@host[:port]/dbname[?sslmode=...]`; its password never travels
in it (the OS keyring or libpq's own pgpass/service files hold it: services/server_login.py).
A password typed into a URL anyway is used for that connection and never shown, logged or saved.

Plain Python (no SQLAlchemy, no Qt): the window, the command line, the services and the store all
name databases with it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import parse_qsl, quote, unquote, urlencode, urlsplit

SCHEMES = ("postgresql", "postgres")
# libpq's TLS modes, weakest first; "prefer" is libpq's default.
TLS_MODES = ("disable", "allow", "prefer", "require", "verify-ca", "verify-full")
DEFAULT_PORT = 5432


class NotALocation(ValueError):
    """Text that names neither a database file nor a server database; the message says why."""


@dataclass(frozen=True)
class ServerAddress:
    """A PostgreSQL database: who connects to what. `host` may be a folder (a Unix socket)."""

    database: str
    user: str = ""
    host: str = ""
    port: int | None = None
    options: tuple[tuple[str, str], ...] = ()  # sslmode, service, ... as libpq takes them
    password: str | None = None  # only when typed into a URL; never shown, stored or compared

    @property
    def tls(self) -> str:
        return dict(self.options).get("sslmode", "")

    @property
    def host_label(self) -> str:
        """The server as a coordinator names it: `db.example.org`, `db:5433`, or this computer."""
        host = self.host or dict(self.options).get("host", "")
        if not host or host.startswith("/"):
            return "this computer"
        return f"{host}:{self.port}" if self.port and self.port != DEFAULT_PORT else host

    def url(self, with_password: bool = False) -> str:
        """The libpq URL (`postgresql://user@host:port/db?sslmode=...`), without the password unless asked."""
        who = quote(self.user, safe="") if self.user else ""
        if with_password and self.password is not None and who:
            who += ":" + quote(self.password, safe="")
        host = self.host
        netloc_host = "" if host.startswith("/") else (f"[{host}]" if ":" in host else host)
        options = list(self.options)
        if host.startswith("/"):
            options = [("host", host), *[(k, v) for k, v in options if k != "host"]]
        netloc = f"{who}@{netloc_host}" if who else netloc_host
        if self.port:
            netloc += f":{self.port}"
        query = f"?{urlencode(options, safe='/')}" if options else ""
        return f"postgresql://{netloc}/{quote(self.database, safe='')}{query}"

    def keyring_key(self) -> str:
        """What the keyring files this database's password under: the login and the database it opens."""
        return f"{self.user}@{self.host_label}/{self.database}"


@dataclass(frozen=True)
class Location:
    """A database file (`path`) or a server database (`server`): exactly one of the two."""

    path: Path | None = None
    server: ServerAddress | None = None

    def __post_init__(self) -> None:
        if (self.path is None) == (self.server is None):
            raise ValueError("a Location is a file or a server database")

    @classmethod
    def file(cls, path: Path | str) -> Location:
        return cls(path=Path(path))

    @classmethod
    def parse(cls, text: str | Path) -> Location:
        """`--db` as typed: a server URL (`postgresql://...`), else a file path."""
        if isinstance(text, Path):
            return cls.file(text)
        if is_server_url(text):
            return cls(server=parse_server_url(text))
        return cls.file(Path(text).expanduser())

    @property
    def is_server(self) -> bool:
        return self.server is not None

    @property
    def file_path(self) -> Path:
        """The SQLite file; only for a file location (a server has none)."""
        if self.path is None:
            raise TypeError(f"{self} is a server database, not a file")
        return self.path

    @property
    def name(self) -> str:
        """Short, for the window's title: `coordinator.sqlite`, `coordinator on db.example.org`."""
        if self.server is not None:
            return f"{self.server.database} on {self.server.host_label}"
        assert self.path is not None
        return self.path.name

    @property
    def stem(self) -> str:
        """What backup copies are named after: the file's stem, or the server database's name."""
        if self.server is not None:
            return _safe(self.server.database)
        assert self.path is not None
        return self.path.stem

    def __str__(self) -> str:
        if self.server is not None:
            return self.server.url()
        return str(self.path)

    def saved_text(self) -> str:
        """What the settings keep: a resolved path, or the URL without any password."""
        if self.server is not None:
            return self.server.url()
        assert self.path is not None
        return str(self.path.resolve())


def is_server_url(text: str) -> bool:
    return bool(re.match(r"^(postgresql|postgres)://", text.strip(), re.IGNORECASE))


def parse_server_url(text: str) -> ServerAddress:
    """A libpq URL as a ServerAddress; NotALocation (in the coordinator's words) for one that cannot be."""
    parts = urlsplit(text.strip())
    if parts.scheme.lower() not in SCHEMES:
        raise NotALocation(f"'{text}' is not a server address; it starts with postgresql://")
    options = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True)]
    known = dict(options)
    try:
        port = parts.port
    except ValueError as exc:
        raise NotALocation(f"'{_shown(text)}' has a port that is not a number") from exc
    database = unquote(parts.path.lstrip("/")) or known.get("dbname", "")
    if not database and "service" not in known:
        raise NotALocation(
            f"'{_shown(text)}' names no database; add it after the server, like postgresql://you@server/coordinator"
        )
    host = unquote(parts.hostname or "") if parts.netloc.rsplit("@", 1)[-1].split(":")[0] else ""
    if "host" in known and not host:
        host = known["host"]
    mode = known.get("sslmode")
    if mode is not None and mode not in TLS_MODES:
        raise NotALocation(f"'{mode}' is not a TLS mode; use one of {', '.join(TLS_MODES)}")
    rest = tuple((k, v) for k, v in options if k not in ("host", "dbname"))
    return ServerAddress(
        database=database,
        user=unquote(parts.username or "") or known.get("user", ""),
        host=host,
        port=port,
        options=tuple((k, v) for k, v in rest if k != "user"),
        password=unquote(parts.password) if parts.password is not None else None,
    )


def _shown(text: str) -> str:
    """A URL as it may be shown: any password replaced."""
    return re.sub(r"(://[^:/@]*):[^@/]*@", r"\1:***@", text)


def _safe(name: str) -> str:
    return re.sub(r"[^A-Za-z0-9_.-]", "_", name) or "database"
