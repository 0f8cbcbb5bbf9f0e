"""A damaged studio.db: kept aside under a dated name, its rows copied into a new one.

Nothing is deleted. The damaged file (with its -wal and -shm, so SQLite still pairs them)
becomes `studio-damaged-<UTC time>.db`. Rows come back through Debian's `sqlite3 .recover`
when the CLI is installed (it reads around broken pages), else table by table with Python's
sqlite3, forwards and then backwards so a broken page in the middle costs only its rows.
Image files that then have no row are re-indexed from their PNG text (studio/gallery/doctor.py).
"""

from __future__ import annotations

import shutil
import sqlite3
import subprocess
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

TABLES = ("items", "blobs", "conversations", "conversation_blobs", "collections", "collection_items",
          "experiments", "saved_prompts")
SIDECARS = ("", "-wal", "-shm")
CLI_TIMEOUT_S = 600


def move_aside(db_path: Path) -> Path:
    """Rename the database and its sidecars to a dated name; returns the new database path."""
    stamp = time.strftime("%Y%m%dT%H%M%SZ", time.gmtime())
    aside = db_path.with_name(f"{db_path.stem}-damaged-{stamp}.db")
    n = 1
    while aside.exists():
        n += 1
        aside = db_path.with_name(f"{db_path.stem}-damaged-{stamp}-{n}.db")
    for suffix in SIDECARS:
        src = Path(f"{db_path}{suffix}")
        if src.exists():
            src.rename(f"{aside}{suffix}")
    return aside


def recover_rows(damaged: Path, target: sqlite3.Connection) -> tuple[int, str]:
    """Copy what can be read of `damaged` into `target` (an open, migrated gallery, in
    autocommit mode: the copy is one transaction of its own).

    Returns (item rows recovered, how: "sqlite3 .recover" or "table by table").
    """
    if shutil.which("sqlite3"):
        with tempfile.TemporaryDirectory() as tmp:
            copy = Path(tmp) / "recovered.db"
            if _cli_recover(damaged, copy):
                return _copy_tables(copy, target), "sqlite3 .recover"
    with tempfile.TemporaryDirectory() as tmp:  # read a copy: the kept file stays as it was
        copy = Path(tmp) / "damaged.db"
        for suffix in SIDECARS:
            if Path(f"{damaged}{suffix}").exists():
                shutil.copyfile(f"{damaged}{suffix}", f"{copy}{suffix}")
        return _copy_tables_salvaging(copy, target), "table by table"


def _cli_recover(damaged: Path, out: Path) -> bool:
    try:
        dump = subprocess.run(["sqlite3", "-readonly", str(damaged), ".recover"],
                              capture_output=True, timeout=CLI_TIMEOUT_S, check=False)
        # Some builds lack the dbpage table .recover needs: they fail at once, with status 1.
        if dump.returncode != 0 or b"INSERT" not in dump.stdout:
            return False
        subprocess.run(["sqlite3", str(out)], input=dump.stdout, capture_output=True,
                              timeout=CLI_TIMEOUT_S, check=False)
    except (OSError, subprocess.SubprocessError):
        return False
    return out.exists()  # a statement .recover got wrong costs that row, not the others


def _columns(conn: sqlite3.Connection, schema: str, table: str) -> list[str]:
    try:
        return [r[1] for r in conn.execute(f"PRAGMA {schema}.table_info({table})")]
    except sqlite3.DatabaseError:
        return []


def _copy_tables(source: Path, target: sqlite3.Connection) -> int:
    target.execute("ATTACH DATABASE ? AS rec", (str(source),))  # outside a transaction
    try:
        target.execute("BEGIN IMMEDIATE")
        for table in TABLES:
            shared = [c for c in _columns(target, "rec", table) if c in _columns(target, "main", table)]
            if shared:
                cols = ", ".join(shared)
                target.execute(f"INSERT OR IGNORE INTO main.{table} ({cols}) "
                               f"SELECT {cols} FROM rec.{table}")
        target.execute("COMMIT")
    finally:
        if target.in_transaction:
            target.execute("ROLLBACK")
        target.execute("DETACH DATABASE rec")
    return int(target.execute("SELECT count(*) FROM items").fetchone()[0])


def _rows(conn: sqlite3.Connection, table: str, order: str) -> Iterator[sqlite3.Row]:
    try:
        yield from conn.execute(f"SELECT * FROM {table} ORDER BY rowid {order}")
    except sqlite3.DatabaseError:
        return  # the rest of this direction is unreadable


def _copy_tables_salvaging(source: Path, target: sqlite3.Connection) -> int:
    try:
        src = sqlite3.connect(source)
        src.row_factory = sqlite3.Row
        src.execute("SELECT count(*) FROM sqlite_master").fetchone()
    except sqlite3.DatabaseError:
        return 0  # no readable schema (header gone): the PNG re-index brings images back
    try:
        target.execute("BEGIN IMMEDIATE")
        for table in TABLES:
            cols = [c for c in _columns(src, "main", table) if c in _columns(target, "main", table)]
            if not cols:
                continue
            sql = (f"INSERT OR IGNORE INTO {table} ({', '.join(cols)}) "
                   f"VALUES ({', '.join('?' * len(cols))})")
            for order in ("ASC", "DESC"):
                for row in _rows(src, table, order):
                    target.execute(sql, tuple(row[c] for c in cols))
        target.execute("COMMIT")
    finally:
        if target.in_transaction:
            target.execute("ROLLBACK")
        src.close()
    return int(target.execute("SELECT count(*) FROM items").fetchone()[0])
