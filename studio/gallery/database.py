"""The gallery's database: SQLite in the data folder (the default) or PostgreSQL, through
SQLAlchemy Core with one connection pool and one transaction discipline for both.

    STUDIO_DATABASE_URL unset          studio.db in the data folder: SQLite, WAL mode
    STUDIO_DATABASE_URL=postgresql://  that PostgreSQL database (driver: psycopg 3)

Connections are in autocommit mode, so each read sees the latest commit. `write()` is one
short transaction that also serializes writers: BEGIN IMMEDIATE takes SQLite's write lock,
and on PostgreSQL a transaction-scoped advisory lock does the same, so "nothing points at
these bytes any more, remove them" holds on both. Nested use on one thread joins the outer
connection and transaction. The schema is Alembic's (studio/gallery/migrations/).
"""

from __future__ import annotations

import os
import sqlite3
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, create_engine, event, make_url, pool
from sqlalchemy.engine import URL, Engine
from sqlalchemy.exc import ArgumentError, DBAPIError, OperationalError

from studio.gallery.errors import as_storage_error, read_only, unreachable

BUSY_TIMEOUT_S = 30.0
POOL_SIZE = 8
# PostgreSQL connections are renewed after this long, so one closed by the server or a
# proxy in between is rarely met (a ping before every use would add a round trip to each).
POOL_RECYCLE_S = 300
# The store's statements are short (a page of 48, a count, one row): JIT compiling one costs
# more than it saves (a tag filter's count at 100,000 items: 15 ms of compiling, 300 ms in
# all against 90 ms without), and PostgreSQL's default turns it on above a plan cost those
# counts reach. Sent in the connection's startup packet: no extra round trip. A URL with its
# own ?options= keeps them.
SESSION_OPTIONS = "-c jit=off"
# A server that is down or unreachable is a message within seconds, not a page that hangs
# for the system's TCP timeout (minutes). A URL's own ?connect_timeout= wins.
CONNECT_TIMEOUT_S = 10
# Any constant works: every Image Studio process on one database takes this same lock.
WRITE_LOCK_KEY = 0x1A6E5707


def database_url() -> str | None:
    """STUDIO_DATABASE_URL, or None for SQLite in the data folder."""
    return os.environ.get("STUDIO_DATABASE_URL") or None


def engine_url(url: str) -> URL:
    """postgresql:// and postgres:// mean psycopg 3 (SQLAlchemy's default is psycopg2)."""
    parsed = make_url(url.replace("postgres://", "postgresql://", 1) if url.startswith("postgres://")
                      else url)
    if parsed.get_backend_name() != "postgresql":
        raise ValueError(f"STUDIO_DATABASE_URL must be a postgresql:// URL, not {parsed.drivername}://"
                         " (unset it to keep the gallery in SQLite in the data folder)")
    return parsed.set(drivername="postgresql+psycopg")


def shown_url(url: str | URL) -> str:
    """The URL with its password hidden, for messages and logs."""
    try:
        return (url if isinstance(url, URL) else make_url(url)).render_as_string(hide_password=True)
    except ArgumentError:  # not shown at all: where its password is cannot be told
        return "(an unreadable URL)"


def _first_line(exc: BaseException | None) -> str:
    return (str(exc or "").strip().splitlines() or ["no reason given"])[0]


def _connecting(exc: DBAPIError) -> bool:
    """psycopg could not open a connection (refused, no such host, server starting up)."""
    return isinstance(exc, OperationalError) and _first_line(exc.orig).startswith(
        "connection failed")


class Database:
    """One SQLite file (`db_path`) or one PostgreSQL database (`url`).

    `read_only` (SQLite only): "ro" opens with mode=ro, "immutable" promises SQLite nobody
    writes (no -shm needed at all); every write then raises StorageReadOnly."""

    def __init__(self, db_path: Path | None = None, url: str | None = None,
                 read_only: str | None = None) -> None:
        self.db_path = db_path
        self.read_only = read_only if url is None else None
        self._local = threading.local()
        self._pid = os.getpid()
        if url is not None:
            parsed = engine_url(url)
            self.where: object = shown_url(url)  # as the user wrote it, without the password
            defaults = {"options": SESSION_OPTIONS, "connect_timeout": CONNECT_TIMEOUT_S}
            options = {k: v for k, v in defaults.items() if k not in parsed.query}
            self.engine = create_engine(
                parsed, isolation_level="AUTOCOMMIT", pool_size=POOL_SIZE,
                max_overflow=POOL_SIZE, pool_timeout=BUSY_TIMEOUT_S,
                pool_recycle=POOL_RECYCLE_S, connect_args=options)
        else:
            assert db_path is not None
            self.where = db_path.parent
            self.engine = self._sqlite_engine(db_path)
        self.dialect = self.engine.dialect.name  # "sqlite" or "postgresql"
        self.is_sqlite = self.dialect == "sqlite"
        from studio.gallery.schema_versions import check_current, upgrade  # needs Database
        try:
            if self.read_only:
                check_current(self)
            else:
                upgrade(self)
        except BaseException:
            self.engine.dispose()
            raise

    def _sqlite_engine(self, db_path: Path) -> Engine:
        if self.read_only:
            flag = "immutable=1" if self.read_only == "immutable" else "mode=ro"
            uri = f"{db_path.resolve().as_uri()}?{flag}"
            creator: Any = lambda: sqlite3.connect(  # noqa: E731
                uri, uri=True, timeout=BUSY_TIMEOUT_S, check_same_thread=False)
        else:
            creator = lambda: sqlite3.connect(  # noqa: E731
                db_path, timeout=BUSY_TIMEOUT_S, check_same_thread=False)
        engine = create_engine("sqlite://", creator=creator, isolation_level="AUTOCOMMIT",
                               poolclass=pool.QueuePool, pool_size=POOL_SIZE, max_overflow=-1)

        @event.listens_for(engine, "connect")
        def _setup(dbapi_conn: sqlite3.Connection, _record: object) -> None:
            dbapi_conn.execute(f"PRAGMA busy_timeout = {int(BUSY_TIMEOUT_S * 1000)}")
            if not self.read_only:
                dbapi_conn.execute("PRAGMA synchronous = NORMAL")  # WAL + NORMAL: cheap commits

        return engine

    def _translate(self, exc: DBAPIError) -> BaseException:
        """A full disk or read-only folder as a StorageError; otherwise SQLite's own error
        (what opening.py and recovery.py understand), or SQLAlchemy's for PostgreSQL."""
        storage = as_storage_error(exc.orig, self.where)
        if storage is not None:
            return storage
        if not self.is_sqlite and (exc.connection_invalidated or _connecting(exc)):
            # the pool drops the dead connections: the next call connects afresh
            return unreachable(self.where, _first_line(exc.orig))
        return exc.orig if self.is_sqlite and isinstance(exc.orig, sqlite3.Error) else exc

    @contextmanager
    def db(self) -> Iterator[Connection]:
        """A connection in autocommit mode; nested calls on one thread share it."""
        held = getattr(self._local, "conn", None)
        if held is not None:
            yield held
            return
        if self._pid != os.getpid():  # forked child: the parent's connections are not ours
            self.engine.dispose(close=False)
            self._pid = os.getpid()
        try:
            with self.engine.connect() as conn:
                self._local.conn, self._local.writing = conn, False
                try:
                    yield conn
                finally:
                    self._local.conn = None
        except DBAPIError as exc:
            raise self._translate(exc) from None

    @contextmanager
    def write(self) -> Iterator[Connection]:
        """A write transaction holding the writers' lock; nested use joins the outer one."""
        if self.read_only:
            raise read_only(self.where)
        with self.db() as conn:
            if self._local.writing:
                yield conn
                return
            try:
                if self.is_sqlite:
                    conn.exec_driver_sql("BEGIN IMMEDIATE")  # the write lock now, not mid-way
                else:
                    conn.exec_driver_sql("BEGIN")
                    conn.exec_driver_sql(f"SELECT pg_advisory_xact_lock({WRITE_LOCK_KEY})")
            except DBAPIError as exc:
                raise self._translate(exc) from None
            self._local.writing = True
            try:
                yield conn
                conn.exec_driver_sql("COMMIT")
            except BaseException as exc:
                with suppress(DBAPIError):  # SQLite may have rolled back already (disk full)
                    conn.exec_driver_sql("ROLLBACK")
                if isinstance(exc, DBAPIError):
                    raise self._translate(exc) from None
                raise
            finally:
                self._local.writing = False

    @contextmanager
    def driver_connection(self) -> Iterator[Any]:
        """The driver's own connection (sqlite3.Connection for SQLite), for SQLite's
        maintenance (integrity checks, recovery) that SQL alone cannot express."""
        with self.db() as conn:
            yield conn.connection.driver_connection

    def set_wal(self) -> None:
        """WAL mode for a writable SQLite file: readers never wait for the writer."""
        with self.driver_connection() as raw:
            for attempt in range(50):  # switching needs a moment with no other writer
                try:
                    raw.execute("PRAGMA journal_mode = WAL")
                    return
                except sqlite3.OperationalError as exc:
                    storage = as_storage_error(exc, self.where)
                    if storage is not None:  # a full disk does not clear up by waiting
                        raise storage from exc
                    time.sleep(0.05 * (attempt + 1))

    def close(self) -> None:
        self.engine.dispose()
