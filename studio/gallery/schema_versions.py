"""The gallery's schema, kept by Alembic: its revisions ship in studio/gallery/migrations/.

Alembic runs from code here (no alembic.ini, nothing looked up from the working folder),
inside one write transaction, so two processes opening a new gallery at once do not both
migrate: one does, the other waits and finds it done.

Revision "vN" is the schema the hand-written migrations called version N (PRAGMA
user_version N). A SQLite gallery made before Alembic has no alembic_version table: it is
stamped with the revision matching its user_version, then upgraded like any other. On
SQLite, user_version keeps following the revision, so a file tells its version either way.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection

from studio.gallery.errors import read_only

if TYPE_CHECKING:
    from studio.gallery.database import Database

MIGRATIONS_DIR = Path(__file__).with_name("migrations")


def alembic_config(conn: Connection | None = None) -> Config:
    config = Config()  # no file: everything is set here
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.attributes["connection"] = conn
    return config


def head() -> str:
    return ScriptDirectory.from_config(alembic_config()).get_current_head() or ""


def version_number(revision: str | None) -> int:
    """"v3" -> 3; the number SQLite's user_version records."""
    return int(revision[1:]) if revision else 0


def current(conn: Connection) -> str | None:
    return MigrationContext.configure(conn).get_current_revision()


def _legacy_version(conn: Connection) -> int:
    """user_version of a SQLite gallery from before Alembic (0 for a new file)."""
    return int(conn.exec_driver_sql("PRAGMA user_version").scalar() or 0)


def upgrade(db: Database, target: str = "head") -> None:
    """Bring the database to `target` (all the way by default)."""
    if db.is_sqlite:
        db.set_wal()
    with db.write() as conn:
        revision = current(conn)
        newest = head()
        if revision is None and db.is_sqlite:
            legacy = _legacy_version(conn)
            if legacy > version_number(newest):
                raise RuntimeError(f"{db.where} holds a gallery from a newer Image Studio "
                                   f"(schema v{legacy})")
            if legacy:
                command.stamp(alembic_config(conn), f"v{legacy}")
        elif revision is not None and not _known(revision):
            raise RuntimeError(f"{db.where} holds a gallery from a newer Image Studio "
                               f"(schema {revision})")
        command.upgrade(alembic_config(conn), target)
        if db.is_sqlite:
            reached = current(conn)
            conn.exec_driver_sql(f"PRAGMA user_version = {version_number(reached)}")


def _known(revision: str) -> bool:
    scripts = ScriptDirectory.from_config(alembic_config())
    return revision in {script.revision for script in scripts.walk_revisions()}


def check_current(db: Database) -> None:
    """A read-only database cannot be upgraded: it must already be at the head."""
    with db.db() as conn:
        revision = current(conn) if _has_version_table(conn) else None
        if revision is None and db.is_sqlite:
            legacy = _legacy_version(conn)
            revision = f"v{legacy}" if legacy else None
    wanted = head()
    if revision != wanted and not (db.is_sqlite and _sqlite_unchanged_since(revision)):
        raise read_only(db.where) from RuntimeError(
            f"{db.where} is at schema {revision}, this Image Studio needs {wanted} "
            "and cannot upgrade a read-only database")


def _sqlite_unchanged_since(revision: str | None) -> bool:
    """True when every revision after `revision` leaves a SQLite file as it is (such as v5,
    PostgreSQL's indexes): a read-only file at `revision` is then as good as the head."""
    if revision is None:
        return False
    scripts = ScriptDirectory.from_config(alembic_config())
    later = []
    for script in scripts.walk_revisions():  # from the head down
        if script.revision == revision:
            return all(getattr(s.module, "SQLITE_UNCHANGED", False) for s in later)
        later.append(script)
    return False


def _has_version_table(conn: Connection) -> bool:
    from sqlalchemy import inspect
    return inspect(conn).has_table("alembic_version")
