"""A server login's password: kept in the operating system's keyring, never in the settings.

`keyring` talks to the system's own store (Windows Credential Manager, macOS Keychain, the Secret
Service of GNOME or KDE). Where it has no usable backend (a server without a desktop session, a
minimal Linux) the app says so and leaves the password to libpq's own files: `~/.pgpass`
(`%APPDATA%\\postgresql\\pgpass.conf` on Windows), or a service in `~/.pg_service.conf`. libpq
reads those by itself when no password is given, and so does every other PostgreSQL tool.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from coordinator_app.location import ServerAddress

log = logging.getLogger(__name__)

SERVICE = "Coordinator App database server"


@dataclass(frozen=True)
class KeyringState:
    usable: bool
    name: str  # the backend's name, or why there is none, for the window's dialog

    @property
    def advice(self) -> str:
        if self.usable:
            return f"The password is kept in {self.name}, not in the app's settings."
        return (
            f"There is no usable password store on this computer ({self.name}), so the password is not "
            "remembered: put it in your pgpass file (docs/team.md) and leave the field empty, or type it "
            "each time."
        )


def keyring_state() -> KeyringState:
    """Whether passwords can be kept in the OS keyring here, and in which."""
    try:
        import keyring
        from keyring.backends import fail
    except ImportError:
        return KeyringState(False, "the keyring package is not installed")
    try:
        backend = keyring.get_keyring()
    except Exception as exc:  # a broken backend configuration must not stop the connection
        return KeyringState(False, f"the keyring failed: {type(exc).__name__}")
    if isinstance(backend, fail.Keyring) or getattr(backend, "priority", 1) <= 0:
        return KeyringState(False, "no keyring backend is available")
    return KeyringState(True, _backend_name(backend))


def _backend_name(backend: object) -> str:
    name = getattr(backend, "name", "") or type(backend).__name__
    return f"the system keyring ({name})"


def stored_password(address: ServerAddress) -> str | None:
    """The password kept for this login and database, or None (libpq then looks in pgpass/service files)."""
    if not keyring_state().usable:
        return None
    import keyring

    try:
        return keyring.get_password(SERVICE, address.keyring_key())
    except Exception as exc:  # a locked or broken keyring: libpq's own files may still have it
        log.warning("the keyring could not be read: %s", type(exc).__name__)
        return None


def remember_password(address: ServerAddress, password: str) -> bool:
    """Keep the password in the keyring; False (nothing kept) where there is no usable one."""
    if not password or not keyring_state().usable:
        return False
    import keyring

    try:
        keyring.set_password(SERVICE, address.keyring_key(), password)
    except Exception as exc:
        log.warning("the keyring could not keep the password: %s", type(exc).__name__)
        return False
    return True
