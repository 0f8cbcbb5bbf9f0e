"""SQLite connections shared by threads and processes: a small pool, WAL, short writes.

Streamlit runs every script rerun on a fresh thread, so a connection per thread would
leak one per rerun; a pool keeps at most a few open and hands each caller its own.
"""

from __future__ import annotations

import os
import sqlite3
import threading
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

from studio.gallery.errors import as_storage_error, read_only

BUSY_TIMEOUT_S = 30.0
POOL_MAX = 8


class SQLitePool:
    """`read_only`: "ro" opens with mode=ro (the folder cannot be written but -shm exists or
    needs no writing), "immutable" promises SQLite nobody writes (no -shm needed at all);
    every write then raises StorageReadOnly instead of reaching SQLite."""

    def __init__(self, db_path: Path, migrations: Sequence[str], read_only: str | None = None) -> None:
        self.db_path = db_path
        self.read_only = read_only
        self._pool: list[sqlite3.Connection] = []
        self._lock = threading.Lock()
        self._pid = os.getpid()
        self._local = threading.local()
        if read_only:
            self._check_version(len(migrations))
        else:
            self._migrate(migrations)

    def _connect(self) -> sqlite3.Connection:
        if self.read_only:
            flag = "immutable=1" if self.read_only == "immutable" else "mode=ro"
            uri = f"{self.db_path.resolve().as_uri()}?{flag}"
            conn = sqlite3.connect(uri, uri=True, timeout=BUSY_TIMEOUT_S, isolation_level=None,
                                   check_same_thread=False)
            conn.execute(f"PRAGMA busy_timeout = {int(BUSY_TIMEOUT_S * 1000)}")
            return conn
        conn = sqlite3.connect(
            self.db_path, timeout=BUSY_TIMEOUT_S, isolation_level=None, check_same_thread=False
        )
        conn.execute(f"PRAGMA busy_timeout = {int(BUSY_TIMEOUT_S * 1000)}")
        conn.execute("PRAGMA synchronous = NORMAL")  # WAL + NORMAL: crash-safe, cheap commits
        return conn

    @contextmanager
    def db(self) -> Iterator[sqlite3.Connection]:
        """A connection in autocommit mode (each read sees the latest commit)."""
        held = getattr(self._local, "conn", None)
        if held is not None:  # nested call on this thread: share its connection/transaction
            yield held
            return
        with self._lock:
            if self._pid != os.getpid():  # forked child: the parent's handles are not ours
                self._pool, self._pid = [], os.getpid()
            conn = self._pool.pop() if self._pool else None
        conn = conn or self._connect()
        self._local.conn = conn
        try:
            yield conn
        finally:
            self._local.conn = None
            if conn.in_transaction:
                conn.rollback()
            with self._lock:
                if len(self._pool) < POOL_MAX:
                    self._pool.append(conn)
                    conn = None
            if conn is not None:
                conn.close()

    @contextmanager
    def write(self) -> Iterator[sqlite3.Connection]:
        """A write transaction; nested use on one thread joins the outer one."""
        if self.read_only:
            raise read_only(self.db_path.parent)
        with self.db() as conn:
            if conn.in_transaction:
                yield conn
                return
            try:
                conn.execute("BEGIN IMMEDIATE")  # take the write lock now, not mid-transaction
                try:
                    yield conn
                except BaseException:
                    if conn.in_transaction:
                        conn.execute("ROLLBACK")
                    raise
                conn.execute("COMMIT")
            except (sqlite3.OperationalError, OSError) as exc:
                if conn.in_transaction:
                    conn.rollback()
                storage = as_storage_error(exc, self.db_path.parent)
                if storage is None or storage is exc:
                    raise
                raise storage from exc

    def _check_version(self, expected: int) -> None:
        with self.db() as conn:
            version = conn.execute("PRAGMA user_version").fetchone()[0]
        if version != expected:
            raise read_only(self.db_path.parent) from RuntimeError(
                f"{self.db_path} is at schema v{version}, this Image Studio needs v{expected} "
                "and cannot upgrade a read-only database")

    def _migrate(self, migrations: Sequence[str]) -> None:
        with self.db() as conn:
            for attempt in range(50):  # switching to WAL needs a moment with no other writer
                try:
                    conn.execute("PRAGMA journal_mode = WAL")
                    break
                except sqlite3.OperationalError as exc:
                    storage = as_storage_error(exc, self.db_path.parent)
                    if storage is not None:  # a full disk does not clear up by waiting
                        raise storage from exc
                    time.sleep(0.05 * (attempt + 1))
            with self.write() as c:  # two processes opening at once: one migrates, one waits
                version = c.execute("PRAGMA user_version").fetchone()[0]
                if version > len(migrations):
                    raise RuntimeError(f"{self.db_path} is from a newer Image Studio (v{version})")
                for script in migrations[version:]:
                    for statement in sql_statements(script):
                        c.execute(statement)
                c.execute(f"PRAGMA user_version = {len(migrations)}")

    def close(self) -> None:
        with self._lock:
            pool, self._pool = self._pool, []
        for conn in pool:
            conn.close()


def sql_statements(script: str) -> list[str]:
    """Split a script into statements where SQLite says one ends, so a trigger's
    BEGIN ... END body (which holds ';') stays whole."""
    statements: list[str] = []
    current = ""
    for piece in script.split(";"):
        current += piece + ";"
        if sqlite3.complete_statement(current):
            if current[:-1].strip():
                statements.append(current[:-1])
            current = ""
    if current[:-1].strip():
        statements.append(current[:-1])
    return statements
