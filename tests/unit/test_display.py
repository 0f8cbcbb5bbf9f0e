from __future__ import annotations

import io
import os

from PIL import Image

from studio.making.display import DisplayCopies, make_display_copy


def _png(size: tuple[int, int], mode: str = "RGB", noise: bool = True) -> bytes:
    raw = os.urandom(size[0] * size[1] * len(mode)) if noise else bytes(size[0] * size[1] * len(mode))
    out = io.BytesIO()
    Image.frombytes(mode, size, raw).save(out, "PNG")
    return out.getvalue()


def test_a_photographic_png_becomes_a_jpeg_at_the_display_width():
    copy = make_display_copy(_png((1024, 512)), "image/png", 560)
    assert copy.mime == "image/jpeg" and copy.width == 560
    with Image.open(io.BytesIO(copy.data)) as image:
        assert image.size == (560, 280) and image.format == "JPEG"


def test_a_small_narrow_png_is_shown_as_it_is():
    data = _png((200, 100), noise=False)
    copy = make_display_copy(data, "image/png", 560)
    assert copy.data is data and copy.width == 200 and copy.output_format == "PNG"


def test_transparency_survives_the_copy():
    copy = make_display_copy(_png((800, 400), "RGBA"), "image/png", 400)
    assert copy.mime == "image/png"
    with Image.open(io.BytesIO(copy.data)) as image:
        assert image.mode == "RGBA" and image.width == 400


def test_each_copy_is_made_once_per_content_and_width():
    copies = DisplayCopies()
    data = _png((1024, 512))
    first = copies.get(data, "image/png", 560)
    assert copies.get(bytes(data), "image/png", 560) is first  # same content, new bytes object
    copies.get(data, "image/png", 1024)
    assert copies.made == 2
    loads: list[int] = []
    copies.for_content("abc", 560, lambda: (loads.append(1), (data, "image/png"))[1])
    copies.for_content("abc", 560, lambda: (loads.append(1), (data, "image/png"))[1])
    assert loads == [1]


def test_the_least_recently_used_copy_is_dropped_first():
    copies = DisplayCopies(entries=2)
    images = [_png((64, 64), noise=True) for _ in range(3)]
    a = copies.get(images[0], "image/png", 32)
    copies.get(images[1], "image/png", 32)
    copies.get(images[0], "image/png", 32)  # a used again
    copies.get(images[2], "image/png", 32)  # drops images[1]
    assert copies.get(images[0], "image/png", 32) is a and copies.made == 3
    copies.get(images[1], "image/png", 32)
    assert copies.made == 4
