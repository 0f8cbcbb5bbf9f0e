"""Thumbnails and type sniffing, through studio.gallery.thumbnails' public functions."""

from __future__ import annotations

import io

import pytest
from PIL import Image, UnidentifiedImageError

from studio.gallery.thumbnails import THUMB_SIZE, make_thumbnail, sniff


def encode(im: Image.Image, fmt: str, **kw: object) -> bytes:
    out = io.BytesIO()
    im.save(out, fmt, **kw)
    return out.getvalue()


def opened(data: bytes) -> Image.Image:
    im = Image.open(io.BytesIO(data))
    im.load()
    return im


def halves(size: tuple[int, int], left: tuple[int, ...], right: tuple[int, ...],
           mode: str = "RGB") -> Image.Image:
    """Left half one colour, right half another: shows which way round the thumb is."""
    im = Image.new(mode, size, left)
    im.paste(Image.new(mode, (size[0] - size[0] // 2, size[1]), right), (size[0] // 2, 0))
    return im


@pytest.mark.parametrize(("fmt", "size"), [
    ("PNG", (1024, 768)), ("PNG", (300, 1200)), ("JPEG", (2000, 1000)), ("JPEG", (257, 257)),
    ("WEBP", (800, 600)), ("GIF", (640, 480)), ("BMP", (512, 300)), ("TIFF", (600, 900)),
])
def test_output_is_a_jpeg_whose_longest_side_is_the_bound(fmt: str, size: tuple[int, int]) -> None:
    thumb = opened(make_thumbnail(encode(Image.new("RGB", size, (10, 120, 200)), fmt)))
    assert thumb.format == "JPEG" and thumb.mode == "RGB"
    assert max(thumb.size) == THUMB_SIZE
    # the shape survives the two-step shrink (integer reduce, then bilinear) within a pixel
    assert abs(thumb.size[0] / thumb.size[1] - size[0] / size[1]) < 0.02


def test_small_images_are_not_enlarged_and_size_is_a_parameter() -> None:
    assert opened(make_thumbnail(encode(Image.new("RGB", (90, 40)), "PNG"))).size == (90, 40)
    assert max(opened(make_thumbnail(encode(Image.new("RGB", (900, 400)), "PNG"), 64)).size) == 64


@pytest.mark.parametrize("fmt", ["PNG", "JPEG"])
@pytest.mark.parametrize("size", [(1200, 400), (400, 1200)])
def test_orientation_is_kept(fmt: str, size: tuple[int, int]) -> None:
    """Landscape stays landscape, portrait stays portrait, and nothing is mirrored."""
    im = halves(size, (255, 0, 0), (0, 0, 255))
    thumb = opened(make_thumbnail(encode(im, fmt)))
    assert (thumb.size[0] > thumb.size[1]) == (size[0] > size[1])
    w, h = thumb.size
    left, right = thumb.getpixel((w // 8, h // 2)), thumb.getpixel((w - 1 - w // 8, h // 2))
    assert left[0] > 200 and left[2] < 60, left
    assert right[2] > 200 and right[0] < 60, right


@pytest.mark.parametrize("mode", ["RGBA", "LA", "P"])
def test_transparency_is_flattened_onto_white(mode: str) -> None:
    im = halves((600, 300), (0, 0, 0, 0), (0, 0, 0, 255), "RGBA")  # clear | opaque black
    if mode == "LA":
        im = im.convert("LA")
    elif mode == "P":
        im = im.convert("P", palette=Image.Palette.ADAPTIVE, colors=4)
        im.info["transparency"] = im.getpixel((0, 0))
    thumb = opened(make_thumbnail(encode(im, "PNG")))
    w, h = thumb.size
    clear = thumb.convert("RGB").getpixel((w // 8, h // 2))
    solid = thumb.convert("RGB").getpixel((w - 1 - w // 8, h // 2))
    assert min(clear) > 240, clear  # white, not the black hidden under the alpha
    assert max(solid) < 15, solid


def test_unusual_modes_and_animations() -> None:
    cmyk = encode(Image.new("CMYK", (700, 500), (0, 255, 255, 0)), "JPEG")  # red in print inks
    assert opened(make_thumbnail(cmyk)).getpixel((10, 10))[0] > 200
    deep = encode(Image.new("I;16", (600, 300), 40000), "PNG")
    assert max(opened(make_thumbnail(deep)).size) == THUMB_SIZE
    frames = [Image.new("RGB", (500, 500), c) for c in ((0, 200, 0), (200, 0, 0))]
    gif = encode(frames[0], "GIF", save_all=True, append_images=frames[1:])
    first = opened(make_thumbnail(gif)).getpixel((100, 100))
    assert first[1] > 150 and first[0] < 60  # the first frame, not the last


@pytest.mark.parametrize(("fmt", "mime"), [
    ("PNG", "image/png"), ("JPEG", "image/jpeg"), ("WEBP", "image/webp"), ("GIF", "image/gif"),
])
def test_sniff_reads_type_and_size_from_the_bytes(fmt: str, mime: str) -> None:
    assert sniff(encode(Image.new("RGB", (321, 123)), fmt)) == (mime, 321, 123)


def test_phone_photos_with_extra_frames_count_as_jpeg() -> None:
    frames = [Image.new("RGB", (64, 32), (1, 2, 3)), Image.new("RGB", (64, 32))]
    mpo = encode(frames[0], "MPO", save_all=True, append_images=frames[1:])
    assert sniff(mpo) == ("image/jpeg", 64, 32)
    assert opened(make_thumbnail(mpo)).size == (64, 32)


@pytest.mark.parametrize("junk", [b"", b"hello", b"\x89PNG\r\n\x1a\n" + b"\0" * 20, b"\xff\xd8\xff"])
def test_bad_bytes_are_refused(junk: bytes) -> None:
    with pytest.raises(UnidentifiedImageError):
        sniff(junk)
    with pytest.raises(UnidentifiedImageError):
        make_thumbnail(junk)
