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

BUSY_TIMEOUT_S = 30.0
POOL_MAX = 8


class SQLitePool:
    def __init__(self, db_path: Path, migrations: Sequence[str]) -> None:
        self.db_path = db_path
        self._pool: list[sqlite3.Connection] = []
        self._lock = threading.Lock()
        self._pid = os.getpid()
        self._local = threading.local()
        self._migrate(migrations)

    def _connect(self) -> sqlite3.Connection:
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
        with self.db() as conn:
            if conn.in_transaction:
                yield conn
                return
            conn.execute("BEGIN IMMEDIATE")  # take the write lock now, not mid-transaction
            try:
                yield conn
            except BaseException:
                conn.execute("ROLLBACK")
                raise
            conn.execute("COMMIT")

    def _migrate(self, migrations: Sequence[str]) -> None:
        with self.db() as conn:
            for attempt in range(50):  # switching to WAL needs a moment with no other writer
                try:
                    conn.execute("PRAGMA journal_mode = WAL")
                    break
                except sqlite3.OperationalError:
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
