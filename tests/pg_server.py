"""A throwaway PostgreSQL server for the tests: Debian's `postgresql` package (from
`make system-deps`), initdb + postgres in a temporary folder, on a free loopback port.

PostgreSQL refuses to run as root, and CI runs as root: then the server runs as the
`postgres` system user the package creates (through runuser), owning its folder. Every
test gets a database of its own, made from a template that already has pg_trgm.
"""

from __future__ import annotations

import glob
import itertools
import os
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from studio.emulator.testing import free_port

START_TIMEOUT_S = 60
_counter = itertools.count()


class PostgresUnavailable(RuntimeError):
    """PostgreSQL cannot be started here; the message says why."""


def _bin_dir() -> Path:
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"),
                   key=lambda p: int(Path(p).parts[-3]))
    if not found:
        raise PostgresUnavailable("PostgreSQL is not installed (Debian package postgresql: "
                                  "`make system-deps`)")
    return Path(found[-1]).parent


@dataclass
class PostgresServer:
    folder: Path
    port: int
    runner: list[str]
    bin_dir: Path

    def url(self, database: str = "postgres") -> str:
        return f"postgresql://studio@127.0.0.1:{self.port}/{database}"

    def psql(self, sql: str, database: str = "postgres") -> None:
        subprocess.run([*self.runner, str(self.bin_dir / "psql"), "-X", "-q", "-v",
                        "ON_ERROR_STOP=1", "-h", "127.0.0.1", "-p", str(self.port), "-U",
                        "studio", "-d", database, "-c", sql],
                       check=True, capture_output=True, timeout=START_TIMEOUT_S)

    def new_database(self) -> str:
        """A fresh, empty database (pg_trgm already created); returns its URL."""
        name = f"test_{os.getpid()}_{next(_counter)}"
        self.psql(f"CREATE DATABASE {name} TEMPLATE studio_template")
        return self.url(name)

    def _pg_ctl(self, *args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([*self.runner, str(self.bin_dir / "pg_ctl"), "-D",
                               str(self.folder / "data"), *args],
                              capture_output=True, text=True, timeout=START_TIMEOUT_S)

    def start(self) -> None:
        options = (f"-c listen_addresses=127.0.0.1 -p {self.port} -k {self.folder} -c fsync=off "
                   "-c synchronous_commit=off -c full_page_writes=off -c max_connections=200")
        started = self._pg_ctl("-l", str(self.folder / "log"), "-o", options, "-w", "-t",
                               str(START_TIMEOUT_S), "start")
        if started.returncode:
            log = self.folder / "log"
            tail = log.read_text(errors="replace")[-800:] if log.exists() else ""
            raise PostgresUnavailable(f"the server did not start: {started.stderr.strip()} {tail}")

    def stop(self) -> None:
        """Shut the server down at once, as a crash or a lost host would."""
        self._pg_ctl("-m", "immediate", "-w", "stop")

    def drop_database(self, url: str) -> None:
        self.psql(f"DROP DATABASE IF EXISTS {url.rsplit('/', 1)[1]} WITH (FORCE)")


def _runner(folder: Path) -> list[str]:
    if os.geteuid() != 0:
        return []
    try:
        import pwd
        pwd.getpwnam("postgres")
    except KeyError as exc:
        raise PostgresUnavailable("running as root and there is no `postgres` user to run "
                                  "the server as (Debian's postgresql package creates it)") from exc
    if not shutil.which("runuser"):
        raise PostgresUnavailable("running as root without runuser to drop to `postgres`")
    shutil.chown(folder, "postgres", "postgres")
    return ["runuser", "-u", "postgres", "--"]


@contextmanager
def postgres_server() -> Iterator[PostgresServer]:
    bin_dir = _bin_dir()
    folder = Path(tempfile.mkdtemp(prefix="studio-pg-"))  # /tmp: the server user can reach it
    try:
        runner = _runner(folder)
        data, port = folder / "data", free_port()
        run = lambda *args: subprocess.run(  # noqa: E731
            [*runner, *args], capture_output=True, text=True, timeout=START_TIMEOUT_S)
        made = run(str(bin_dir / "initdb"), "-D", str(data), "-U", "studio", "--auth=trust",
                   "--encoding=UTF8", "--locale=C.UTF-8", "--no-sync")
        if made.returncode:
            raise PostgresUnavailable(f"initdb failed: {made.stderr.strip()[-500:]}")
        server = PostgresServer(folder, port, runner, bin_dir)
        server.start()
        try:
            # ICU's root locale folds case across Unicode, as a team's en_US server does: the
            # store must give SQLite's answers anyway (its text columns collate "C")
            server.psql("CREATE DATABASE studio_template TEMPLATE template0 ENCODING 'UTF8' "
                        "LOCALE_PROVIDER icu ICU_LOCALE 'und' LOCALE 'C.UTF-8'")
            server.psql("CREATE EXTENSION pg_trgm", database="studio_template")
            yield server
        finally:
            server.stop()
    finally:
        shutil.rmtree(folder, ignore_errors=True)
