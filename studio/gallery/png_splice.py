"""One PNG rebuilt from another that shares its image data, chunk by chunk.

The gallery file of an answer's image is the model's PNG with the gallery's text chunks
spliced in (png_meta.add_text_chunks), so both share every IDAT chunk: the picture. A
*recipe* says how to get the model's bytes back from the gallery file: a list of steps,
each either the index of a chunk of the source or a chunk's literal bytes (only small
ones: text), so an export need not store the same picture twice.
"""

from __future__ import annotations

import base64
import hashlib

from studio.gallery.png_meta import PNG_SIGNATURE, is_png

Recipe = list[int | str]  # chunk index into the source, or base64 of a literal chunk
MAX_LITERAL = 256 * 1024  # a recipe carrying more than this is no saving worth its risk


def chunks(data: bytes) -> list[bytes] | None:
    """Every chunk of a PNG (length, type, body and CRC), or None when it is no sound PNG."""
    if not is_png(data):
        return None
    out, pos = [], 8
    while pos + 12 <= len(data):
        length = int.from_bytes(data[pos : pos + 4], "big")
        end = pos + 12 + length
        if end > len(data):
            return None
        out.append(data[pos:end])
        if data[pos + 4 : pos + 8] == b"IEND":
            return out if end == len(data) else None
        pos = end
    return None


def pixel_key(data: bytes) -> str | None:
    """sha256 over the image data chunks: equal for two files of the same picture."""
    parts = chunks(data)
    if parts is None:
        return None
    digest = hashlib.sha256()
    for chunk in parts:
        if chunk[4:8] in (b"IHDR", b"PLTE", b"IDAT"):
            digest.update(chunk)
    return digest.hexdigest()


def recipe_for(source: bytes, target: bytes) -> Recipe | None:
    """How to build `target` from `source`'s chunks, or None when it would not save much."""
    have, want = chunks(source), chunks(target)
    if have is None or want is None:
        return None
    index = {chunk: n for n, chunk in enumerate(have)}
    recipe: Recipe = []
    literal = 0
    for chunk in want:
        if chunk in index:
            recipe.append(index[chunk])
        else:
            literal += len(chunk)
            recipe.append(base64.b64encode(chunk).decode("ascii"))
    return recipe if literal <= MAX_LITERAL else None


def apply_recipe(source: bytes, recipe: Recipe) -> bytes:
    """The bytes a recipe describes; ValueError for one that does not fit `source`."""
    have = chunks(source)
    if have is None:
        raise ValueError("the source is not a PNG")
    out = [PNG_SIGNATURE]
    for step in recipe:
        if isinstance(step, int) and not isinstance(step, bool) and 0 <= step < len(have):
            out.append(have[step])
        elif isinstance(step, str) and len(step) <= MAX_LITERAL * 2:
            out.append(base64.b64decode(step, validate=True))
        else:
            raise ValueError(f"bad recipe step {str(step)[:20]!r}")
    return b"".join(out)
