"""Tests for studio.uploads: every input is built in-process with Pillow (or by hand, for headers
Pillow won't write), so no binary fixtures live in the repo."""

from __future__ import annotations

import gzip
import io
import struct
import zlib

import pytest
from PIL import Image, ImageFile, JpegImagePlugin

from studio.uploads import (
    NormalizedImage,
    UploadLimits,
    UploadRejected,
    describe_limits,
    normalize_upload,
)

MB = 1024 * 1024
RED = (255, 0, 0)
BLUE = (0, 0, 255)
GREEN = (0, 255, 0)
DEFAULT_MAX_IMAGE_PIXELS = Image.MAX_IMAGE_PIXELS


@pytest.fixture(autouse=True)
def _no_env_limits(monkeypatch: pytest.MonkeyPatch) -> None:
    # normalize_upload reads the STUDIO_* variables when no limits are passed; keep the
    # developer's shell from changing test outcomes.
    for name in ("STUDIO_MAX_UPLOAD_MB", "STUDIO_MAX_UPLOAD_MEGAPIXELS", "STUDIO_MAX_SIDE"):
        monkeypatch.delenv(name, raising=False)


# --- builders ------------------------------------------------------------------------------------


def encode(img: Image.Image, fmt: str, **params: object) -> bytes:
    buf = io.BytesIO()
    img.save(buf, fmt, **params)
    return buf.getvalue()


def png_chunk(tag: bytes, payload: bytes) -> bytes:
    return (
        struct.pack(">I", len(payload))
        + tag
        + payload
        + struct.pack(">I", zlib.crc32(tag + payload))
    )


def raw_png(width: int, height: int, bit_depth: int, color_type: int, idat: bytes) -> bytes:
    """A PNG assembled by hand, for headers Pillow can't (or shouldn't have to) produce."""
    ihdr = struct.pack(">IIBBBBB", width, height, bit_depth, color_type, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + png_chunk(b"IHDR", ihdr)
        + png_chunk(b"IDAT", idat)
        + png_chunk(b"IEND", b"")
    )


def opened(result: NormalizedImage) -> Image.Image:
    img = Image.open(io.BytesIO(result.data))
    img.load()
    return img


def close_to(actual: tuple[int, ...], expected: tuple[int, ...], tolerance: int = 12) -> bool:
    return all(abs(a - e) <= tolerance for a, e in zip(actual, expected, strict=True))


def reject(
    data: bytes, filename: str | None = None, limits: UploadLimits | None = None
) -> UploadRejected:
    with pytest.raises(UploadRejected) as info:
        normalize_upload(data, filename, limits)
    return info.value


def noisy_rgb(size: tuple[int, int]) -> Image.Image:
    """Photo-like content (gradients plus grain) so JPEG sizes are realistic."""
    r = Image.linear_gradient("L").resize(size)
    g = Image.linear_gradient("L").rotate(90).resize(size)
    b = Image.effect_noise(size, 40)
    return Image.merge("RGB", (r, g, b))


# --- limits --------------------------------------------------------------------------------------


def test_limit_defaults() -> None:
    limits = UploadLimits()
    assert (limits.max_bytes, limits.max_pixels, limits.max_side) == (20 * MB, 50_000_000, 3072)


def test_limits_from_env_overrides_each_value() -> None:
    limits = UploadLimits.from_env(
        {
            "STUDIO_MAX_UPLOAD_MB": "7.5",
            "STUDIO_MAX_UPLOAD_MEGAPIXELS": "12",
            "STUDIO_MAX_SIDE": "2048",
        }
    )
    assert limits == UploadLimits(max_bytes=int(7.5 * MB), max_pixels=12_000_000, max_side=2048)


def test_limits_from_env_ignores_unset_and_blank() -> None:
    assert UploadLimits.from_env({}) == UploadLimits()
    assert UploadLimits.from_env({"STUDIO_MAX_SIDE": "  "}) == UploadLimits()


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("STUDIO_MAX_UPLOAD_MB", "lots"),
        ("STUDIO_MAX_UPLOAD_MB", "0"),
        ("STUDIO_MAX_UPLOAD_MEGAPIXELS", "-5"),
        ("STUDIO_MAX_UPLOAD_MEGAPIXELS", "nan"),
        ("STUDIO_MAX_SIDE", "1.5"),
    ],
)
def test_limits_from_env_rejects_bad_values_loudly(name: str, value: str) -> None:
    with pytest.raises(ValueError, match=name):
        UploadLimits.from_env({name: value})


def test_limits_must_be_positive() -> None:
    with pytest.raises(ValueError, match="max_side"):
        UploadLimits(max_side=0)


def test_describe_limits() -> None:
    assert (
        describe_limits(UploadLimits()) == "PNG, JPEG, WebP or GIF, up to 20 MB and 50 megapixels"
    )
    custom = UploadLimits(max_bytes=int(7.5 * MB), max_pixels=12_500_000)
    assert describe_limits(custom) == "PNG, JPEG, WebP or GIF, up to 7.5 MB and 12.5 megapixels"


def test_normalize_reads_limits_from_env_when_none_given(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("STUDIO_MAX_SIDE", "50")
    result = normalize_upload(encode(Image.new("RGB", (100, 80), RED), "PNG"))
    assert (result.width, result.height) == (50, 40)


# --- rejections ----------------------------------------------------------------------------------


def test_empty_file() -> None:
    error = reject(b"", "photo.png")
    assert error.message == "The file is empty."
    assert error.reason == "empty"


def test_file_over_size_limit_names_the_limit_in_mb() -> None:
    data = b"\x89PNG\r\n\x1a\n" + b"\0" * int(1.5 * MB)
    error = reject(data, "big.png", UploadLimits(max_bytes=1 * MB))
    assert error.reason == "too_large"
    assert "1 MB" in error.message
    assert "1.6 MB" in error.message  # the file's own size, rounded up


def test_size_limit_comes_from_env(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("STUDIO_MAX_UPLOAD_MB", "0.5")
    error = reject(b"x" * MB)
    assert "0.5 MB" in error.message


@pytest.mark.parametrize("fmt", ["PNG", "JPEG"])
@pytest.mark.parametrize("keep", [0.5, 0.9])
def test_truncated_image_is_damaged(fmt: str, keep: float) -> None:
    data = encode(noisy_rgb((300, 200)), fmt)
    error = reject(data[: int(len(data) * keep)], f"cut.{fmt.lower()}")
    assert error.message == "The image file is damaged or incomplete."
    assert error.reason == "damaged"


@pytest.mark.parametrize("fmt", ["PNG", "JPEG", "GIF"])
def test_image_cut_inside_its_header_is_damaged_not_text(fmt: str) -> None:
    data = encode(Image.new("RGB", (50, 50), RED), fmt)
    assert reject(data[:30]).reason == "damaged"


def test_pillow_process_wide_settings_are_left_alone() -> None:
    normalize_upload(encode(Image.new("RGB", (8, 8), RED), "WEBP"))
    with pytest.raises(UploadRejected):
        normalize_upload(raw_png(30000, 30000, 1, 0, b"x"))
    assert ImageFile.LOAD_TRUNCATED_IMAGES is False
    assert Image.MAX_IMAGE_PIXELS == DEFAULT_MAX_IMAGE_PIXELS


@pytest.mark.parametrize("filename", ["notes.png", None])
def test_text_renamed_to_png_is_not_an_image(filename: str | None) -> None:
    error = reject(b"Shopping list:\n- eggs\n- milk\n", filename)
    assert error.reason == "not_image"
    assert "is not an image" in error.message
    if filename:
        assert '"notes.png"' in error.message


def test_messages_never_echo_client_paths() -> None:
    error = reject(b"hello", "C:\\Users\\alice\\Secret Plans\\notes.png")
    assert '"notes.png"' in error.message
    assert "alice" not in error.message
    error = reject(b"hello", "/home/alice/notes.png")
    assert "/home" not in error.message


@pytest.mark.parametrize(
    "data",
    [
        b'<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"/>',
        b'\xef\xbb\xbf<?xml version="1.0"?>\n<!DOCTYPE svg>\n<SVG viewBox="0 0 1 1"></SVG>',
    ],
)
def test_svg_is_rejected_with_export_hint(data: bytes) -> None:
    error = reject(data, "logo.png")  # the content decides, not the name
    assert error.reason == "svg"
    assert "SVG" in error.message
    assert "export it as PNG" in error.message


def test_gzipped_svg_is_recognised_by_name() -> None:
    assert reject(gzip.compress(b"<svg/>"), "logo.svgz").reason == "svg"


@pytest.mark.parametrize("brand", [b"heic", b"heix", b"hevc", b"mif1"])
def test_heic_is_rejected_by_ftyp_brand(brand: bytes) -> None:
    data = struct.pack(">I", 24) + b"ftyp" + brand + b"\0\0\0\0" + b"mif1heic" + b"\0" * 64
    error = reject(data, "IMG_0001.jpg")
    assert error.reason == "heic"
    assert "HEIC photos aren't supported yet — export as JPEG or PNG" in error.message


def test_avif_is_not_called_heic() -> None:
    data = struct.pack(">I", 28) + b"ftyp" + b"mif1" + b"\0\0\0\0" + b"mif1avifmiaf" + b"\0" * 64
    error = reject(data, "photo.avif")
    assert error.reason == "unsupported_format"
    assert "AVIF" in error.message


def test_other_real_formats_are_refused_by_name() -> None:
    error = reject(encode(Image.new("RGB", (10, 10), RED), "BMP"), "pic.png")
    assert error.reason == "unsupported_format"
    assert "BMP images aren't supported" in error.message


def test_pixel_bomb_is_rejected_before_decoding() -> None:
    # 30000x30000 declared in IHDR with a bogus IDAT: decoding would report "damaged", so a
    # "too_many_pixels" rejection proves the size was checked first. Pillow's own global guard
    # (DecompressionBombError) fires for this one; it must surface as a clean rejection.
    error = reject(raw_png(30000, 30000, 1, 0, b"not zlib"), "bomb.png")
    assert error.reason == "too_many_pixels"
    assert "50 megapixels" in error.message


def test_pixel_limit_is_ours_not_pillows_global(monkeypatch: pytest.MonkeyPatch) -> None:
    # Other code may disable Pillow's process-wide guard; our explicit check must still hold.
    monkeypatch.setattr(Image, "MAX_IMAGE_PIXELS", None)
    error = reject(raw_png(30000, 30000, 1, 0, b"not zlib"))
    assert error.reason == "too_many_pixels"
    assert "30000x30000" in error.message


def test_pixel_limit_below_pillows_guard() -> None:
    # 64 MP: under Pillow's default warning threshold (~89 MP) but over our 50 MP limit.
    error = reject(raw_png(8000, 8000, 1, 0, b"not zlib"))
    assert error.reason == "too_many_pixels"
    assert "8000x8000" in error.message and "50 megapixels" in error.message


@pytest.mark.filterwarnings("error::PIL.Image.DecompressionBombWarning")
def test_pixel_bomb_warning_promoted_to_error_is_still_a_clean_rejection() -> None:
    assert reject(raw_png(10000, 10000, 1, 0, b"not zlib")).reason == "too_many_pixels"


def test_pixel_limit_is_configurable() -> None:
    limits = UploadLimits(max_pixels=150)
    assert reject(encode(Image.new("RGB", (20, 10), RED), "PNG"), limits=limits).reason == (
        "too_many_pixels"
    )
    assert normalize_upload(encode(Image.new("RGB", (10, 10), RED), "PNG"), limits=limits)


def test_output_still_over_size_limit_is_rejected() -> None:
    # Lossy WebP of noise with alpha is small; the lossless PNG it must become is not.
    noise = Image.effect_noise((200, 200), 100)
    img = Image.merge("RGBA", (noise, noise.rotate(90), noise.rotate(180), noise.rotate(270)))
    data = encode(img, "WEBP", quality=5)
    limits = UploadLimits(max_bytes=len(data) + 1000)
    error = reject(data, limits=limits)
    assert error.reason == "too_large"
    assert "after conversion" in error.message


@pytest.mark.parametrize(
    "data",
    [
        b"",
        b"plain text",
        b"<svg/>",
        struct.pack(">I", 24) + b"ftypheic" + b"\0" * 16,
        raw_png(30000, 30000, 1, 0, b"x"),
        b"\x89PNG\r\n\x1a\n" + b"\0" * 40,
    ],
)
def test_rejections_are_value_errors_with_plain_messages(data: bytes) -> None:
    error = reject(data, "/tmp/uploads/x.png")
    assert isinstance(error, ValueError)
    assert str(error) == error.message
    assert error.message.endswith(".")
    for leak in ("Traceback", "BytesIO", "/tmp", "Error"):
        assert leak not in error.message


# --- pass-through --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("mode", "fmt", "mime"),
    [("RGB", "PNG", "image/png"), ("RGBA", "PNG", "image/png"), ("RGB", "JPEG", "image/jpeg")],
)
def test_normal_image_keeps_original_bytes(mode: str, fmt: str, mime: str) -> None:
    data = encode(noisy_rgb((64, 48)).convert(mode), fmt)
    result = normalize_upload(data, "photo.bin")
    assert result.data == data
    assert result.notes == ()
    assert (result.mime, result.width, result.height, result.original_format) == (mime, 64, 48, fmt)


def test_multi_picture_jpeg_from_phones_passes_as_jpeg() -> None:
    # Phones append depth/gain maps; Pillow calls that "MPO" and says it has 2 frames.
    data = encode(
        Image.new("RGB", (40, 20), RED),
        "MPO",
        save_all=True,
        append_images=[Image.new("RGB", (40, 20), BLUE)],
    )
    result = normalize_upload(data)
    assert result.data == data
    assert (result.original_format, result.mime, result.notes) == ("JPEG", "image/jpeg", ())


def test_exif_without_rotation_still_passes_through() -> None:
    exif = Image.Exif()
    exif[0x0112] = 1
    data = encode(Image.new("RGB", (30, 20), RED), "JPEG", exif=exif.tobytes())
    assert normalize_upload(data).data == data


# --- conversions ---------------------------------------------------------------------------------


def test_16_bit_grey_png_is_scaled_not_clipped() -> None:
    # Three 32-px bands: black, mid grey (128 * 257) and white, as 16-bit samples.
    levels = (0, 128 * 257, 65535)
    row = b"".join(struct.pack("<H", level) * 32 for level in levels)
    img = Image.frombytes("I;16", (96, 32), row * 32)
    data = encode(img, "PNG")
    assert data[24] == 16  # really a 16-bit PNG

    result = normalize_upload(data)
    out = opened(result)
    assert out.mode == "RGB"
    assert "converted 16-bit to 8-bit" in result.notes
    for x, expected in ((16, 0), (48, 128), (80, 255)):
        assert close_to(out.getpixel((x, 16)), (expected,) * 3, tolerance=3)


def test_16_bit_rgb_png_becomes_8_bit() -> None:
    # Pillow can't write 48-bit PNGs, so build one: filter byte 0, then RGB as 16-bit big-endian.
    pixel = struct.pack(">HHH", 0xFFFF, 0x8080, 0x0000)
    rows = (b"\0" + pixel * 16) * 16
    data = raw_png(16, 16, 16, 2, zlib.compress(rows))
    result = normalize_upload(data)
    assert "converted 16-bit to 8-bit" in result.notes
    assert result.data != data
    assert close_to(opened(result).getpixel((8, 8)), (255, 128, 0), tolerance=4)


def test_cmyk_jpeg_becomes_rgb() -> None:
    img = Image.new("CMYK", (64, 64), (0, 255, 255, 0))  # pure red in CMYK
    img.paste((255, 0, 255, 0), (32, 0, 64, 64))  # pure green
    result = normalize_upload(encode(img, "JPEG", quality=95))
    out = opened(result)
    assert (result.mime, out.mode) == ("image/jpeg", "RGB")
    assert "converted CMYK to RGB" in result.notes
    assert close_to(out.getpixel((10, 32)), RED, tolerance=20)
    assert close_to(out.getpixel((54, 32)), GREEN, tolerance=20)


def test_palette_png_with_transparency_becomes_rgba_png() -> None:
    img = Image.new("P", (20, 20), 0)
    img.putpalette([*RED, *BLUE])
    img.paste(1, (10, 0, 20, 20))
    data = encode(img, "PNG", transparency=1)
    result = normalize_upload(data)
    out = opened(result)
    assert (result.mime, out.mode) == ("image/png", "RGBA")
    assert out.getpixel((5, 5)) == (*RED, 255)
    assert out.getpixel((15, 5))[3] == 0


def test_opaque_palette_png_becomes_rgb_jpeg() -> None:
    img = Image.new("P", (20, 20), 0)
    img.putpalette([*RED, *BLUE])
    result = normalize_upload(encode(img, "PNG"))
    assert (result.mime, opened(result).mode) == ("image/jpeg", "RGB")
    assert "converted PNG to JPEG" in result.notes


def test_grey_with_alpha_becomes_rgba() -> None:
    img = Image.new("LA", (10, 10), (200, 255))
    img.putpixel((0, 0), (200, 0))
    result = normalize_upload(encode(img, "PNG"))
    out = opened(result)
    assert out.mode == "RGBA"
    assert out.getpixel((5, 5)) == (200, 200, 200, 255)
    assert out.getpixel((0, 0))[3] == 0


def test_opaque_alpha_is_dropped() -> None:
    # An LA image whose alpha is 255 everywhere is really opaque: JPEG, not a bigger PNG.
    result = normalize_upload(encode(Image.new("LA", (10, 10), (90, 255)), "PNG"))
    assert (result.mime, opened(result).mode) == ("image/jpeg", "RGB")


def test_grey_jpeg_becomes_rgb() -> None:
    result = normalize_upload(encode(Image.new("L", (16, 16), 100), "JPEG"))
    out = opened(result)
    assert out.mode == "RGB"
    assert close_to(out.getpixel((8, 8)), (100, 100, 100), tolerance=2)


def test_gif_with_transparency_becomes_png() -> None:
    img = Image.new("P", (20, 20), 0)
    img.putpalette([*RED, *BLUE])
    img.paste(1, (0, 0, 10, 20))
    result = normalize_upload(encode(img, "GIF", transparency=1))
    out = opened(result)
    assert (result.mime, result.original_format, out.mode) == ("image/png", "GIF", "RGBA")
    assert out.getpixel((5, 5))[3] == 0
    assert out.getpixel((15, 5)) == (*RED, 255)
    assert "converted GIF to PNG" in result.notes


def test_static_webp_becomes_jpeg() -> None:
    result = normalize_upload(encode(Image.new("RGB", (30, 20), BLUE), "WEBP", quality=95))
    assert (result.mime, result.original_format, result.width, result.height) == (
        "image/jpeg",
        "WEBP",
        30,
        20,
    )
    assert result.notes == ("converted WebP to JPEG",)
    assert close_to(opened(result).getpixel((15, 10)), BLUE)


def test_webp_with_alpha_becomes_png() -> None:
    img = Image.new("RGBA", (30, 20), (*BLUE, 255))
    img.paste((0, 0, 0, 0), (0, 0, 10, 20))
    result = normalize_upload(encode(img, "WEBP", lossless=True))
    out = opened(result)
    assert (result.mime, out.mode) == ("image/png", "RGBA")
    assert out.getpixel((5, 5))[3] == 0


@pytest.mark.parametrize(("fmt", "label"), [("GIF", "GIF"), ("WEBP", "WebP"), ("PNG", "PNG")])
def test_animation_uses_first_frame(fmt: str, label: str) -> None:
    frames = [Image.new("RGB", (40, 30), colour) for colour in (RED, BLUE, GREEN)]
    data = encode(frames[0], fmt, save_all=True, append_images=frames[1:], duration=100, loop=0)
    assert Image.open(io.BytesIO(data)).n_frames == 3

    result = normalize_upload(data, f"anim.{fmt.lower()}")
    assert f"used the first frame of an animated {label}" in result.notes
    assert (result.width, result.height, result.mime) == (40, 30, "image/jpeg")
    assert close_to(opened(result).getpixel((20, 15)), RED)


def marked_image(size: tuple[int, int]) -> Image.Image:
    """Blue, with a red square in the stored top-left corner to track where it ends up."""
    img = Image.new("RGB", size, BLUE)
    img.paste(RED, (0, 0, 20, 20))
    return img


def with_orientation(img: Image.Image, orientation: int, **params: object) -> bytes:
    exif = Image.Exif()
    exif[0x0112] = orientation
    return encode(img, "JPEG", exif=exif.tobytes(), quality=95, **params)


@pytest.mark.parametrize(
    ("orientation", "size", "red_at"),
    [
        (6, (100, 200), (90, 10)),  # rotate 90° clockwise: top-left -> top-right
        (8, (100, 200), (10, 190)),  # rotate 90° counter-clockwise: top-left -> bottom-left
        (3, (200, 100), (190, 90)),  # rotate 180°: top-left -> bottom-right
    ],
)
def test_exif_orientation_is_applied(
    orientation: int, size: tuple[int, int], red_at: tuple[int, int]
) -> None:
    result = normalize_upload(with_orientation(marked_image((200, 100)), orientation))
    out = opened(result)
    assert (result.width, result.height) == size == out.size
    assert "rotated per EXIF orientation" in result.notes
    assert close_to(out.getpixel(red_at), RED, tolerance=30)
    assert close_to(out.getpixel((10, 10)), BLUE, tolerance=30)  # red moved away from here
    # The output is upright for good: no orientation tag left for a viewer to apply again.
    assert out.getexif().get(0x0112, 1) == 1


def test_rotation_and_downscale_together() -> None:
    data = with_orientation(marked_image((600, 400)), 6)
    result = normalize_upload(data, limits=UploadLimits(max_side=300))
    assert (result.width, result.height) == (200, 300)
    assert "downscaled from 400x600 to 200x300" in result.notes
    assert close_to(opened(result).getpixel((195, 3)), RED, tolerance=40)


def test_oversized_png_is_downscaled_keeping_aspect() -> None:
    img = Image.new("RGB", (5000, 1000), RED)
    img.paste(BLUE, (2500, 0, 5000, 1000))
    result = normalize_upload(encode(img, "PNG", compress_level=1))
    assert (result.width, result.height) == (3072, 614)
    assert "downscaled from 5000x1000 to 3072x614" in result.notes
    out = opened(result)
    assert close_to(out.getpixel((100, 300)), RED)
    assert close_to(out.getpixel((3000, 300)), BLUE)


def test_oversized_rgba_png_stays_png() -> None:
    img = Image.new("RGBA", (400, 100), (*RED, 128))
    result = normalize_upload(encode(img, "PNG"), limits=UploadLimits(max_side=200))
    assert (result.mime, result.width, result.height) == ("image/png", 200, 50)
    assert opened(result).getpixel((100, 25)) == (*RED, 128)


def test_jpeg_downscale_decodes_at_reduced_scale(monkeypatch: pytest.MonkeyPatch) -> None:
    requests: list[tuple[int, int] | None] = []
    original_draft = JpegImagePlugin.JpegImageFile.draft

    def spy(self: JpegImagePlugin.JpegImageFile, mode: str | None, size: tuple[int, int] | None):  # type: ignore[no-untyped-def]
        requests.append(size)
        return original_draft(self, mode, size)

    monkeypatch.setattr(JpegImagePlugin.JpegImageFile, "draft", spy)
    data = encode(marked_image((2000, 1000)), "JPEG")
    result = normalize_upload(data, limits=UploadLimits(max_side=400))
    assert requests == [(400, 200)]
    assert (result.width, result.height) == (400, 200)
    assert "downscaled from 2000x1000 to 400x200" in result.notes


def test_typical_phone_jpeg_is_downscaled_to_the_side_limit() -> None:
    # Its speed is measured in `make bench`, not asserted here.
    data = encode(noisy_rgb((4032, 3024)), "JPEG", quality=90)
    assert 1 * MB < len(data) < 8 * MB
    result = normalize_upload(data, "IMG_1234.JPG")
    assert (result.width, result.height) == (3072, 2304)


def test_result_is_frozen() -> None:
    result = normalize_upload(encode(Image.new("RGB", (4, 4), RED), "PNG"))
    with pytest.raises(AttributeError):
        result.mime = "image/gif"  # type: ignore[misc]
