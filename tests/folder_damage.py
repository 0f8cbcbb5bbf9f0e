"""Real damage to a data folder, for tests: a read-only folder, a full disk, overwritten bytes.

Tests run as root in CI, and root ignores file modes, so a read-only folder is a read-only
bind mount of it (what a read-only volume is); a full disk is a small tmpfs filled up.
Without the rights to mount, the test is skipped rather than faked (as a non-root user a
chmod is enough for the read-only case).
"""

from __future__ import annotations

import contextlib
import os
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest


def _mount(*args: str) -> bool:
    return subprocess.run(["mount", *args], capture_output=True, check=False).returncode == 0


def _umount(path: Path) -> None:
    subprocess.run(["umount", "-l", str(path)], capture_output=True, check=False)


@contextlib.contextmanager
def read_only_folder(folder: Path) -> Iterator[Path]:
    """`folder` itself made read-only until the block ends (its bytes untouched)."""
    if os.geteuid() != 0:
        modes = {p: p.stat().st_mode for p in [folder, *folder.rglob("*")]}
        for p in modes:
            p.chmod(modes[p] & ~0o222)
        try:
            yield folder
        finally:
            for p, mode in modes.items():
                p.chmod(mode)
        return
    if not _mount("--bind", str(folder), str(folder)):
        pytest.skip("cannot bind-mount here, so no read-only folder can be made for real")
    if not _mount("-o", "remount,bind,ro", str(folder)):
        _umount(folder)
        pytest.skip("cannot remount read-only here")
    try:
        yield folder
    finally:
        _umount(folder)


@contextlib.contextmanager
def small_disk(folder: Path, size_kb: int = 2048) -> Iterator[Path]:
    """A tmpfs of `size_kb` mounted at `folder` (root only): fill it to make a full disk."""
    folder.mkdir(parents=True, exist_ok=True)
    if os.geteuid() != 0 or not _mount("-t", "tmpfs", "-o", f"size={size_kb}k", "tmpfs", str(folder)):
        pytest.skip("cannot mount a small tmpfs here, so no full disk can be made for real")
    try:
        yield folder
    finally:
        _umount(folder)


def fill_disk(folder: Path) -> Path:
    """Write until the disk holding `folder` says ENOSPC; returns the filler file."""
    filler = folder / "filler.bin"
    with open(filler, "wb", buffering=0) as fh:
        with contextlib.suppress(OSError):
            while True:
                fh.write(b"\0" * 65536)
        with contextlib.suppress(OSError):
            while True:
                fh.write(b"\0" * 512)
    return filler


def overwrite(path: Path, offset: int, length: int, byte: bytes = b"\xff") -> None:
    """Overwrite `length` bytes of `path` at `offset`, as a disk fault or a stray write would."""
    data = bytearray(path.read_bytes())
    data[offset:offset + length] = byte * length
    path.write_bytes(bytes(data))
