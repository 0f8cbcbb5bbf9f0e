"""Content-addressed files under the data folder, written so no reader sees half a file.

Every write goes to `.tmp-<pid>-<random>` in the destination folder, is fsynced, then
`os.replace`d into place: after a crash a name either holds the full bytes or nothing.
The pid in the temp name lets a later open tell a dead writer's leftovers from a live
writer's file in progress (two Streamlit processes share one folder).
"""

from __future__ import annotations

import hashlib
import os
import secrets
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import BinaryIO

from studio.gallery.errors import as_storage_error

TMP_PREFIX = ".tmp-"
STALE_AFTER_S = 3600.0  # even a live pid's temp file is garbage after an hour
CHUNK = 1 << 20


class SizeLimitExceeded(Exception):
    pass


class DigestMismatch(Exception):
    pass


def _tmp_name() -> str:
    return f"{TMP_PREFIX}{os.getpid()}-{secrets.token_hex(6)}"


def _write_all(fd: int, data: bytes | memoryview) -> None:
    view = memoryview(data)
    while view:
        written = os.write(fd, view)
        view = view[written:]


def write_atomic(path: Path, data: bytes) -> bool:
    """Write `data` at `path` atomically. Content-addressed: an existing file is kept.

    Returns True when this call created the file.
    """
    if path.exists():
        return False
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.parent / _tmp_name()
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
        try:
            _write_all(fd, data)
            os.fsync(fd)
        except BaseException:
            os.close(fd)
            tmp.unlink(missing_ok=True)  # a full disk keeps no half file
            raise
        os.close(fd)
        os.replace(tmp, path)
    except OSError as exc:
        storage = as_storage_error(exc, path.parents[2] if len(path.parents) > 2 else path.parent)
        if storage is None:
            raise
        raise storage from exc
    return True


def ingest_stream(
    src: BinaryIO, path: Path, expected_sha256: str, max_bytes: int,
    inspect: Callable[[bytes], None] | None = None,
) -> tuple[bool, int]:
    """Copy a stream to `path` atomically, refusing it unless its sha256 is the expected one.

    Reads at most `max_bytes` (+1 to notice overflow), so a lying size header cannot make
    us write without bound. Returns (created, size).
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.parent / _tmp_name()
    digest = hashlib.sha256()
    size = 0
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
    try:
        while chunk := src.read(min(CHUNK, max_bytes + 1 - size)):
            size += len(chunk)
            if size > max_bytes:
                raise SizeLimitExceeded(f"{path.name}: more than {max_bytes} bytes")
            if inspect is not None:  # may raise to refuse the stream mid-way
                inspect(chunk)
            digest.update(chunk)
            _write_all(fd, chunk)
        if digest.hexdigest() != expected_sha256:
            raise DigestMismatch(f"sha256 {digest.hexdigest()} != {expected_sha256}")
        os.fsync(fd)
    except OSError as exc:
        os.close(fd)
        tmp.unlink(missing_ok=True)
        storage = as_storage_error(exc, path.parent)
        if storage is None:
            raise
        raise storage from exc
    except BaseException:
        os.close(fd)
        tmp.unlink(missing_ok=True)
        raise
    os.close(fd)
    if path.exists():
        tmp.unlink()
        return False, size
    os.replace(tmp, path)
    return True, size


def pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _is_stale(entry: os.DirEntry[str], now: float) -> bool:
    try:
        pid = int(entry.name[len(TMP_PREFIX) :].split("-", 1)[0])
    except ValueError:
        return True  # not a name we make: nobody is going to finish it
    try:
        age = now - entry.stat(follow_symlinks=False).st_mtime
    except FileNotFoundError:
        return False  # its writer just renamed it into place
    return age > STALE_AFTER_S or (pid != os.getpid() and not pid_alive(pid))


def _walk_dirs(roots: list[Path]) -> Iterator[Path]:
    for root in roots:
        if not root.is_dir():
            continue
        yield root
        with os.scandir(root) as it:
            for entry in it:
                if entry.is_dir(follow_symlinks=False):
                    yield Path(entry.path)


def cleanup_tmp(roots: list[Path]) -> int:
    """Remove temp files left by writers that died (SIGKILL, power loss). Returns the count."""
    removed = 0
    now = time.time()
    for folder in _walk_dirs(roots):
        with os.scandir(folder) as it:
            for entry in it:
                if entry.name.startswith(TMP_PREFIX) and _is_stale(entry, now):
                    try:
                        os.unlink(entry.path)
                        removed += 1
                    except FileNotFoundError:
                        pass
    return removed


def sha256_hex(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()
