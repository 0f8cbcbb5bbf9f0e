"""A ZipFile whose central directory waits on disk, not in memory.

zipfile keeps one ZipInfo per entry until close() writes the central directory: about
400 bytes an entry, so an export's memory grew with the gallery (40 MB at 100,000 images).
SpooledZip moves those records to a temporary file every few hundred entries, already
packed as zipfile would write them (zipfile's own `_write_end_record` packs them, into a
buffer), and copies them in at close. What is held stays the same at any size.

It leans on three zipfile internals that have been stable since Python 3.2 (`filelist`,
`NameToInfo`, `_write_end_record`); tests/unit/test_export_memory.py reads the archives
back with zipfile and checks every entry, zip64 counts included.
"""

from __future__ import annotations

import io
import shutil
import struct
import tempfile
import zipfile

_SPILL_EVERY = 256
_END_RECORD = struct.calcsize(zipfile.structEndArchive)


class _Counted(list):  # type: ignore[type-arg]
    """The entries still in memory, counting the ones already spooled (for the end record)."""

    def __init__(self, items: list[zipfile.ZipInfo], spooled: int) -> None:
        super().__init__(items)
        self.spooled = spooled

    def __len__(self) -> int:
        return super().__len__() + self.spooled


class SpooledZip(zipfile.ZipFile):
    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self._directory = tempfile.TemporaryFile(prefix="studio-zipdir-")  # noqa: SIM115 (closed in close())
        self._spooled = 0

    def spill(self) -> None:
        """Move the central directory records of finished entries to disk (between entries)."""
        if len(self.filelist) < _SPILL_EVERY or self._writing:
            return
        real_fp, real_start = self.fp, self.start_dir
        packed = io.BytesIO()
        self.fp, self.start_dir = packed, 0
        try:
            super()._write_end_record()  # the records, then an end record that is dropped
        finally:
            self.fp, self.start_dir = real_fp, real_start
        self._directory.write(packed.getbuffer()[: -(_END_RECORD + len(self._comment))])
        self._spooled += len(self.filelist)
        self.filelist = []
        self.NameToInfo = {}

    def _write_end_record(self) -> None:
        self._directory.seek(0)
        shutil.copyfileobj(self._directory, self.fp, 1 << 20)
        self._directory.close()
        self.filelist = _Counted(self.filelist, self._spooled)
        super()._write_end_record()
