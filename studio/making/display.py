"""Display copies: an image made once at the width a page shows it, kept by content hash.

Streamlit's st.image passes JPEG bytes (or PNG given as PNG) through untouched only when
no resize is needed; narrower than the image, it decodes, resizes and re-encodes it on
every rerun. A page hands st.image a copy already at its width, so a rerun costs the
same at 2 turns as at 30.
"""

from __future__ import annotations

import hashlib
import io
import threading
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass

from PIL import Image

SMALL_PNG_BYTES = 400_000  # a PNG this small is shown as it is, sharp edges and all
JPEG_QUALITY = 88
_CACHE_ENTRIES = 1024


@dataclass(frozen=True)
class DisplayCopy:
    """Bytes to show, their type, and their natural width in pixels."""

    data: bytes
    mime: str
    width: int

    @property
    def output_format(self) -> str:
        return "PNG" if self.mime == "image/png" else "JPEG"


def make_display_copy(data: bytes, mime: str, max_width: int) -> DisplayCopy:
    """`data` itself when it is already small and narrow enough, else a resized copy:
    JPEG, or PNG when the image has transparency (JPEG would lose it)."""
    with Image.open(io.BytesIO(data)) as image:
        width, height = image.size
        native = mime in ("image/png", "image/jpeg")
        small = mime == "image/jpeg" or len(data) <= SMALL_PNG_BYTES
        if width <= max_width and native and small:
            return DisplayCopy(data, mime, width)
        image.load()
        if width > max_width:
            height = max(1, round(height * max_width / width))
            width = max_width
            resized = image.resize((width, height), Image.Resampling.LANCZOS,
                                   reducing_gap=2.0)
        else:
            resized = image.copy()
    out = io.BytesIO()
    if resized.mode in ("RGBA", "LA") or "transparency" in resized.info:
        resized.convert("RGBA").save(out, "PNG", optimize=False)
        return DisplayCopy(out.getvalue(), "image/png", width)
    resized.convert("RGB").save(out, "JPEG", quality=JPEG_QUALITY)
    return DisplayCopy(out.getvalue(), "image/jpeg", width)


class DisplayCopies:
    """Display copies by (content sha256, width), the least recently used dropped first."""

    def __init__(self, entries: int = _CACHE_ENTRIES) -> None:
        self.entries = entries
        self._copies: OrderedDict[tuple[str, int], DisplayCopy] = OrderedDict()
        self._lock = threading.Lock()
        self.made = 0  # copies made (not found in the cache); tests read it

    def get(self, data: bytes, mime: str, max_width: int) -> DisplayCopy:
        """The copy of `data` at `max_width`, by the sha256 of its bytes."""
        key = hashlib.sha256(data).hexdigest()
        return self.for_content(key, max_width, lambda: (data, mime))

    def for_content(self, sha256: str, max_width: int,
                    load: Callable[[], tuple[bytes, str]]) -> DisplayCopy:
        """The copy of the content with this `sha256` (a gallery blob's); `load` reads
        its bytes and type only when no copy is cached, so a rerun reads no image file."""
        ident = (sha256, max_width)
        with self._lock:
            found = self._copies.get(ident)
            if found is not None:
                self._copies.move_to_end(ident)
                return found
        made = make_display_copy(*load(), max_width)
        with self._lock:
            self.made += 1
            self._copies[ident] = made
            while len(self._copies) > self.entries:
                self._copies.popitem(last=False)
        return made
