"""A ZipFile for writing whose central directory waits on disk, not in memory.

zipfile keeps a ZipInfo for every entry written until close() writes the central
directory from them: about 600 bytes an entry, so 100,000 images are some 60 MB held to
the end. Here every few hundred finished entries are encoded as their central-directory
records at once (by zipfile's own encoder, so zip64 fields come out as zipfile writes
them), appended to an anonymous temporary file, and forgotten; close() copies the records
into the archive and lets zipfile write the end records for the whole count.

Only writing ("w") is supported, and the duplicate-name warning covers only the entries
not yet spilled (an export never writes a name twice).
"""

from __future__ import annotations

import io
import shutil
import tempfile
import zipfile
from collections.abc import Iterator
from pathlib import Path
from types import SimpleNamespace
from typing import IO, Any

SPILL_EVERY = 256


class _Spilled:
    """Stands in for `filelist` when the end records are written: the records are in the
    archive already, only their number is needed."""

    def __init__(self, count: int) -> None:
        self.count = count

    def __iter__(self) -> Iterator[zipfile.ZipInfo]:
        return iter(())

    def __len__(self) -> int:
        return self.count


class SpilledZipFile(zipfile.ZipFile):
    def __init__(self, file: str | Path, spill_dir: str | Path | None = None) -> None:
        self._records: IO[bytes] = tempfile.TemporaryFile(dir=spill_dir)  # noqa: SIM115 (closed by close())
        self._spilled = 0
        try:
            super().__init__(file, "w", allowZip64=True)
        except BaseException:
            self._records.close()
            raise

    def open(self, name: str | zipfile.ZipInfo, mode: str = "r", pwd: bytes | None = None,
             *, force_zip64: bool = False) -> IO[bytes]:  # type: ignore[override]
        if mode == "w" and len(self.filelist) >= SPILL_EVERY:
            self._spill()
        return super().open(name, mode, pwd, force_zip64=force_zip64)

    def _spill(self) -> None:
        """The finished entries' central-directory records to the temporary file."""
        if not self.filelist:
            return
        encoder: Any = SimpleNamespace(filelist=self.filelist, fp=io.BytesIO(), start_dir=0,
                                       _allowZip64=True, _comment=b"", mode="w")
        zipfile.ZipFile._write_end_record(encoder)  # records, then a 22-byte end record
        records = encoder.fp.getvalue()
        end = records[-zipfile.sizeEndCentDir:]
        if end[:4] != zipfile.stringEndArchive:  # a batch never needs zip64 end records
            raise RuntimeError("unexpected central directory encoding")
        self._records.write(records[:-zipfile.sizeEndCentDir])
        for info in self.filelist:
            self.NameToInfo.pop(info.filename, None)
        self._spilled += len(self.filelist)
        self.filelist = []

    def _write_end_record(self) -> None:
        self._spill()
        self._records.seek(0)
        shutil.copyfileobj(self._records, self.fp)
        self.filelist = _Spilled(self._spilled)  # type: ignore[assignment]
        super()._write_end_record()

    def close(self) -> None:
        try:
            super().close()
        finally:
            self._records.close()
