"""Image edits through the SDK: each operation, ordering, references and refusals."""

from __future__ import annotations

import io

import pytest
from google.genai import types
from PIL import Image, ImageChops, ImageOps, ImageStat

from studio.emulator.testing import offline_client, part_kinds, response_images
from studio.gemini.catalog import load_catalog

CATALOG = load_catalog()
MODEL = CATALOG.default_model
W, H = 96, 64  # non-square, so rotations show in the size


def base_image() -> Image.Image:
    """Four coloured quadrants plus a marker pixel block: easy to track under edits."""
    img = Image.new("RGB", (W, H))
    for x in range(W):
        for y in range(H):
            img.putpixel((x, y), (200 if x < W // 2 else 40, 180 if y < H // 2 else 60, 90 + x))
    img.paste((255, 255, 0), (0, 0, 8, 8))
    return img


def png(img: Image.Image) -> bytes:
    buf = io.BytesIO()
    img.save(buf, "PNG")
    return buf.getvalue()


@pytest.fixture(scope="module")
def client():
    return offline_client()[0]


def edit(client, instruction: str, *images: Image.Image) -> types.GenerateContentResponse:
    parts = [
        types.Part.from_bytes(data=png(i), mime_type="image/png") for i in images or (base_image(),)
    ]
    return client.models.generate_content(model=MODEL, contents=[*parts, instruction])


def edited(client, instruction: str, *images: Image.Image) -> Image.Image:
    r = edit(client, instruction, *images)
    assert part_kinds(r.candidates[0].content.parts) == "TI", r.text
    assert r.candidates[0].finish_reason == types.FinishReason.STOP
    return response_images(r)[0]


def test_grayscale(client):
    out = edited(client, "make it black and white")
    assert out.size == (W, H)
    assert all(r == g == b for r, g, b in out.getdata())


def test_flip_and_mirror(client):
    src = base_image()
    assert list(edited(client, "flip it").getdata()) == list(ImageOps.flip(src).getdata())
    mirrored = edited(client, "mirror the image")
    assert mirrored.getpixel((W - 1, 0)) == src.getpixel((0, 0)) == (255, 255, 0)
    assert list(mirrored.getdata()) == list(ImageOps.mirror(src).getdata())


@pytest.mark.parametrize(
    ("instruction", "corner"),
    [
        ("rotate it 90 degrees", (H - 1, 0)),  # clockwise by default: top-left goes top-right
        ("rotate 90 degrees to the left", (0, W - 1)),
    ],
)
def test_rotate_swaps_size(client, instruction, corner):
    out = edited(client, instruction)
    assert out.size == (H, W)
    assert out.getpixel(corner) == (255, 255, 0)


def test_invert(client):
    out = edited(client, "invert the colours")
    assert list(out.getdata()) == list(ImageOps.invert(base_image()).getdata())


def test_crop_zooms_into_the_centre(client):
    out = edited(client, "crop it")
    assert out.size == (W, H)
    assert out.getpixel((0, 0)) != (255, 255, 0), "the corner marker was cropped away"
    src = base_image()
    cw, ch = round(W / 1.5), round(H / 1.5)
    box = ((W - cw) // 2, (H - ch) // 2, (W - cw) // 2 + cw, (H - ch) // 2 + ch)
    expected = src.crop(box).resize((W, H), Image.Resampling.LANCZOS)
    assert ImageStat.Stat(ImageChops.difference(out, expected)).mean[0] < 2


def test_border_in_a_named_colour(client):
    out = edited(client, "add a blue border")
    assert out.getpixel((0, H // 2)) == out.getpixel((W // 2, 0)) == (40, 90, 220)
    assert out.getpixel((W // 4, H // 4)) == base_image().getpixel((W // 4, H // 4))


@pytest.mark.parametrize(("colour", "channel"), [("red", 0), ("green", 1), ("blue", 2)])
def test_tint(client, colour, channel):
    src_mean = ImageStat.Stat(base_image()).mean
    out_mean = ImageStat.Stat(edited(client, f"make it {colour}")).mean
    shares = [out_mean[i] / sum(out_mean) - src_mean[i] / sum(src_mean) for i in range(3)]
    assert max(range(3), key=lambda i: shares[i]) == channel


def test_brighter_darker_contrast_blur_sharpen_sepia(client):
    src = base_image()
    mean = sum(ImageStat.Stat(src).mean)
    assert sum(ImageStat.Stat(edited(client, "make it brighter")).mean) > mean + 20
    assert sum(ImageStat.Stat(edited(client, "make it darker")).mean) < mean - 20
    assert sum(ImageStat.Stat(edited(client, "more contrast please")).stddev) > sum(
        ImageStat.Stat(src).stddev
    )
    blurred = edited(client, "blur it")
    assert blurred.getpixel((W // 2, H // 2)) != src.getpixel((W // 2, H // 2))
    assert edited(client, "sharpen it").tobytes() != src.tobytes()
    r, g, b = ImageStat.Stat(edited(client, "give it a sepia look")).mean
    assert r > g > b


def test_caption_is_drawn(client):
    plain = edited(client, "add a caption 'Hi'")
    other = edited(client, "add a caption 'Summer 2026'")
    assert plain.size == (W, H)
    assert plain.tobytes() != other.tobytes()
    top = plain.crop((0, 0, W, H // 2))
    assert top.tobytes() == base_image().crop((0, 0, W, H // 2)).tobytes(), (
        "the caption sits at the bottom"
    )
    r = edit(client, 'write "Hello" on it')
    assert "Hello" in r.text


def test_operations_apply_in_the_order_given(client):
    a = edited(client, "rotate it 90 degrees and then add a red border")
    b = edited(client, "add a red border, then rotate it 90 degrees")
    assert a.size == b.size == (H, W)
    r = edit(client, "mirror it and make it black and white")
    assert r.text.index("mirrored") < r.text.index("black and white")


def test_combine_with_a_second_attached_image(client):
    ref = Image.new("RGB", (40, 40), (255, 0, 255))
    out = edited(client, "combine these: put the second picture into the first", base_image(), ref)
    assert out.size == (W, H)
    magenta = sum(1 for p in out.getdata() if p == (255, 0, 255))
    assert 200 < magenta < W * H // 3
    blended = edited(client, "blend them together", base_image(), ref)
    r, g, _ = blended.getpixel((W // 4, H // 4))
    assert abs(r - (200 + 255) // 2) <= 2 and abs(g - 180 // 2) <= 2


def test_edit_the_last_image_of_the_chat_and_combine_with_history(client):
    chat = client.chats.create(model=MODEL)
    first = response_images(chat.send_message("a house by the sea"))[0]
    gray = chat.send_message("make it black and white")
    out = response_images(gray)[0]
    assert out.size == first.size and all(r == g == b for r, g, b in out.getdata())
    rotated = response_images(chat.send_message("rotate it 90 degrees"))[0]
    assert rotated.tobytes() == out.rotate(-90, expand=True).tobytes(), "edits the latest image"
    ref = Image.new("RGB", (50, 50), (0, 255, 0))
    combined = response_images(
        chat.send_message(
            [
                types.Part.from_bytes(data=png(ref), mime_type="image/png"),
                "put this into the picture",
            ]
        )
    )[0]
    assert combined.size == rotated.size
    assert sum(1 for p in combined.getdata() if p == (0, 255, 0)) > 1000


def test_restyle_an_image(client):
    out = edited(client, "make it pixel art")
    assert out.size == (W, H) and out.tobytes() != base_image().tobytes()


@pytest.mark.parametrize(
    ("contents", "reason"),
    [
        ("make it black and white", "no image"),
        ("rotate the image 90 degrees", "no image"),
    ],
)
def test_edit_without_any_image_is_no_image(client, contents, reason):
    r = client.models.generate_content(model=MODEL, contents=contents)
    assert r.candidates[0].finish_reason == types.FinishReason.NO_IMAGE
    assert response_images(r) == [] and "no image" in r.text.lower()


def test_instruction_it_cannot_follow_is_no_image(client):
    r = edit(client, "make it smell like roses")
    assert r.candidates[0].finish_reason == types.FinishReason.NO_IMAGE
    assert response_images(r) == [] and "not sure" in r.text
    r = edit(client, "combine it with the other one")
    assert r.candidates[0].finish_reason == types.FinishReason.NO_IMAGE, (
        "combine needs a second image"
    )


def test_unreadable_image_is_400(client):
    from google.genai import errors

    with pytest.raises(errors.ClientError) as e:
        client.models.generate_content(
            model=MODEL,
            contents=[types.Part.from_bytes(data=b"not a png", mime_type="image/png"), "flip it"],
        )
    assert e.value.code == 400


def test_new_picture_requests_in_an_image_chat_are_not_edits(client):
    chat = client.chats.create(model=MODEL)
    chat.send_message("a house by the sea")
    for prompt in ("a black and white photo of a dog", "make a watercolour painting of a cat"):
        r = chat.send_message(prompt)
        assert r.text.startswith("Here's an image of"), prompt
    r = chat.send_message('make a poster that says "Open House"')
    assert "your poster" in r.text
