"""Write text metadata into PNG bytes without touching the pixel data.

Re-saving a 1024x1024 PNG through Pillow costs tens of milliseconds and may change the
compressed stream; splicing tEXt/iTXt chunks in front of IEND costs a memcpy.
"""

from __future__ import annotations

import struct
import zlib
from collections.abc import Mapping

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
_TEXT_CHUNKS = {b"tEXt", b"iTXt", b"zTXt"}


def is_png(data: bytes) -> bool:
    return data[:8] == PNG_SIGNATURE


def png_size(data: bytes) -> tuple[int, int] | None:
    """(width, height) straight from IHDR, or None when the header is not a PNG one."""
    if len(data) < 24 or not is_png(data) or data[12:16] != b"IHDR":
        return None
    width, height = struct.unpack(">II", data[16:24])
    return width, height


def _chunk(kind: bytes, payload: bytes) -> bytes:
    return struct.pack(">I", len(payload)) + kind + payload + struct.pack(">I", zlib.crc32(kind + payload))


def text_chunk(key: str, value: str) -> bytes:
    """tEXt when the value is Latin-1 (what every viewer reads), iTXt (UTF-8) otherwise."""
    keyword = key.encode("latin-1")[:79]
    value = value.replace("\x00", "")
    try:
        return _chunk(b"tEXt", keyword + b"\x00" + value.encode("latin-1"))
    except UnicodeEncodeError:
        # keyword, compression flag+method (none), empty language tag, empty translated keyword
        payload = keyword + b"\x00\x00\x00" + b"\x00" + b"\x00" + value.encode("utf-8")
        return _chunk(b"iTXt", payload)


def _chunk_keyword(data: bytes, start: int, length: int) -> bytes:
    body = data[start : start + min(length, 80)]
    return body.split(b"\x00", 1)[0]


def add_text_chunks(data: bytes, texts: Mapping[str, str]) -> bytes:
    """Return `data` with one text chunk per entry inserted just before IEND.

    Older text chunks with the same keywords are dropped so re-saving an image from the
    gallery does not pile up stale prompts. Malformed PNGs come back unchanged: metadata
    is a courtesy, never a reason to lose an image.
    """
    if not is_png(data):
        return data
    keys = {k.encode("latin-1")[:79] for k in texts}
    keep: list[tuple[int, int]] = []  # byte ranges of the original to copy, in order
    pos = run_start = 8
    iend = -1
    while pos + 12 <= len(data):
        (length,) = struct.unpack(">I", data[pos : pos + 4])
        kind = data[pos + 4 : pos + 8]
        end = pos + 12 + length
        if end > len(data):
            return data
        if kind == b"IEND":
            iend = pos
            break
        if kind in _TEXT_CHUNKS and _chunk_keyword(data, pos + 8, length) in keys:
            keep.append((run_start, pos))
            run_start = end
        pos = end
    if iend < 0:
        return data
    keep.append((run_start, iend))
    new_chunks = b"".join(text_chunk(k, v) for k, v in texts.items())
    parts = [data[:8]] + [data[a:b] for a, b in keep if b > a] + [new_chunks, data[iend:]]
    return b"".join(parts)


def read_text_chunks(data: bytes, max_total: int = 64 * 1024) -> dict[str, str]:
    """The tEXt/iTXt entries of a PNG (uncompressed ones: what add_text_chunks writes).

    Stops reading text once `max_total` bytes of it were seen, so a hostile file cannot make
    this hold more than that. Malformed PNGs give what was read before the damage.
    """
    texts: dict[str, str] = {}
    if not is_png(data):
        return texts
    pos, seen = 8, 0
    while pos + 12 <= len(data):
        (length,) = struct.unpack(">I", data[pos : pos + 4])
        kind = data[pos + 4 : pos + 8]
        if kind == b"IEND" or pos + 12 + length > len(data):
            break
        if kind in (b"tEXt", b"iTXt"):
            seen += length
            if seen > max_total:
                break
            body = data[pos + 8 : pos + 8 + length]
            key, _, rest = body.partition(b"\x00")
            if kind == b"tEXt":
                texts[key.decode("latin-1")] = rest.decode("latin-1")
            elif rest[:1] == b"\x00":  # iTXt, not compressed: flag, method, lang\0, tkey\0, text
                parts = rest[2:].split(b"\x00", 2)
                if len(parts) == 3:
                    texts[key.decode("latin-1")] = parts[2].decode("utf-8", "replace")
        pos += 12 + length
    return texts


def text_bytes(data: bytes) -> int:
    """How many bytes of text chunks (tEXt, iTXt, zTXt) a PNG carries."""
    total, pos = 0, 8
    if not is_png(data):
        return 0
    while pos + 12 <= len(data):
        (length,) = struct.unpack(">I", data[pos : pos + 4])
        kind = data[pos + 4 : pos + 8]
        if kind in _TEXT_CHUNKS:
            total += length
        if kind == b"IEND":
            break
        pos += 12 + length
    return total


class TextLimitExceeded(ValueError):
    pass


class PngTextMeter:
    """Fed a PNG's bytes piece by piece (as they stream in), counts its text chunks' bytes
    and raises TextLimitExceeded past `limit`: a 63 MB iTXt chunk is refused after 64 KB,
    without ever being held in memory. Bytes that are no PNG are not metered."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self.text = 0
        self._head = b""  # bytes of the signature or of a chunk header still being read
        self._skip = 0  # bytes of the current chunk's body + CRC still to pass over
        self._kind = b""
        self._state = "signature"  # then "chunks", or "off" for bytes that are no PNG

    def feed(self, data: bytes) -> None:
        view = memoryview(data)
        while view and self._state != "off":
            if self._skip:
                step = min(self._skip, len(view))
                if self._kind in _TEXT_CHUNKS:
                    self.text += step  # the CRC counts too: 4 bytes a chunk, harmless
                    if self.text > self.limit:
                        raise TextLimitExceeded(f"more than {self.limit:,} bytes of PNG text")
                self._skip -= step
                view = view[step:]
                continue
            need = 8 - len(self._head)
            self._head += bytes(view[:need])
            view = view[need:]
            if len(self._head) < 8:
                return
            head, self._head = self._head, b""
            if self._state == "signature":
                self._state = "chunks" if head == PNG_SIGNATURE else "off"
                continue
            (length,) = struct.unpack(">I", head[:4])
            self._kind, self._skip = head[4:8], length + 4
