"""What the emulator draws and writes: stories, recipes, rendered text, plain pictures."""

from __future__ import annotations

import re
from collections import Counter

import pytest
from google.genai import types
from PIL import Image, ImageChops, ImageFilter, ImageFont, ImageStat

from studio.emulator.testing import offline_client, part_kinds, response_images
from studio.gemini.catalog import load_catalog

CATALOG = load_catalog()
MODEL = next(m.id for m in CATALOG.models if "512" in m.image_sizes)
SMALL = types.GenerateContentConfig(image_config=types.ImageConfig(image_size="512"), seed=11)


@pytest.fixture(scope="module")
def client():
    return offline_client()[0]


def ask(client, prompt, config=SMALL):
    return client.models.generate_content(model=MODEL, contents=prompt, config=config)


def top_colours(img: Image.Image, n: int = 8) -> set[tuple[int, int, int]]:
    return {c for c, _ in Counter(img.getdata()).most_common(n)}


def edge_energy(img: Image.Image) -> float:
    return ImageStat.Stat(img.convert("L").filter(ImageFilter.FIND_EDGES)).mean[0]


# --- stories -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("prompt", "scenes"),
    [
        ("Tell a story about a turtle in 3 scenes", 3),
        ("a five-scene tale about a robot", 5),
        ("a story about a cat", 4),
        ("a story about a dog in 12 scenes", 8),
    ],
)
def test_story_scene_count_and_layout(client, prompt, scenes):
    r = ask(client, prompt)
    parts = r.candidates[0].content.parts
    assert part_kinds(parts) == "TI" * scenes
    texts = [p.text for p in parts if p.text]
    assert [t.split(".")[0] for t in texts] == [f"**Scene {k}" for k in range(1, scenes + 1)]


def test_story_character_is_consistent_across_scenes(client):
    r = ask(client, "a story about a turtle in 4 scenes")
    images = response_images(r)
    common = set.intersection(*(top_colours(i) for i in images))
    greens = [c for c in common if c[1] > c[0] + 40 and c[1] > c[2] + 40]
    assert greens, f"a turtle-green body colour is dominant in every scene: {common}"
    # ...while the backgrounds change from scene to scene.
    assert len({i.getpixel((5, 5)) for i in images}) == 4
    fox = set.intersection(
        *(top_colours(i) for i in response_images(ask(client, "a story about a fox in 2 scenes")))
    )
    assert any(c[0] > c[1] + 60 > c[2] + 60 for c in fox), (
        "a different subject gets a different (orange) colour"
    )


def test_story_uses_subject_name_and_named_colour(client):
    r = ask(client, "a story about a purple turtle in 2 scenes")
    assert "the turtle" in r.text
    common = set.intersection(*(top_colours(i) for i in response_images(r)))
    assert (128, 60, 170) in common


def test_story_styles_change_rendering(client):
    def first(prompt):
        return response_images(ask(client, prompt))[0]

    plain = first("a story about a frog in 1 scene")
    water = first("a watercolour story about a frog in 1 scene")
    comic = first("a comic story about a frog in 1 scene")
    pixel = first("a pixel art story about a frog in 1 scene")
    render = first("a 3D digital art story about a frog in 1 scene")
    photo = first("a photo story about a frog in 1 scene")
    assert edge_energy(water) < edge_energy(plain) * 0.7, "watercolour has soft edges"
    assert ImageStat.Stat(water).mean[0] > 150 or water.getpixel((0, 0)) != plain.getpixel(
        (0, 0)
    ), "paper tone"

    def dark(img):
        return sum(1 for p in img.getdata() if sum(p) < 90)

    assert dark(comic) > 2 * dark(plain) + 500, "thick black outlines"
    block = pixel.crop((0, 0, 8, 8))
    assert len(set(block.getdata())) == 1 and len(set(pixel.getdata())) < 200, "blocky, few colours"
    assert len(set(render.getdata())) > len(set(plain.getdata())), "gradient shading adds tones"
    corner, centre = (
        ImageStat.Stat(photo.crop((0, 0, 40, 40))).mean,
        ImageStat.Stat(plain.crop((0, 0, 40, 40))).mean,
    )
    assert sum(corner) < sum(centre), "photo vignette darkens the corners"


def test_story_retold_in_a_new_style_within_a_chat(client):
    chat = client.chats.create(model=MODEL, config=SMALL)
    first = response_images(chat.send_message("a story about a turtle in 2 scenes"))
    again = chat.send_message("retell it as a watercolour")
    assert "turtle" in again.text
    soft = response_images(again)
    assert len(soft) == 2 and all(
        edge_energy(s) < edge_energy(f) * 0.7 for s, f in zip(soft, first, strict=True)
    )


# --- recipes -----------------------------------------------------------------


def _table(text: str) -> dict[str, str]:
    rows = re.findall(r"^\| (.+?) \| (.+?) \|$", text, re.M)
    assert rows[0] == ("Ingredient", "Quantity")
    return dict(rows[1:])


def test_recipe_table_steps_and_pictures(client):
    r = ask(client, "a pancake recipe")
    parts = r.candidates[0].content.parts
    kinds = part_kinds(parts)
    assert re.fullmatch(r"T(TI){4,6}", kinds)
    steps = [p.text for p in parts[1:] if p.text]
    assert [s.split(".")[0] for s in steps] == [f"**Step {k}" for k in range(1, len(steps) + 1)]
    table = _table(parts[0].text)
    assert parts[0].text.startswith("### ")
    assert table["Plain flour"] == "200 g" and table["Eggs"] == "2"
    images = response_images(r)
    assert len({i.tobytes() for i in images}) == len(images), "each step looks different"
    assert len({i.getpixel((1, 1)) for i in images}) == 1, "one palette (the same table) throughout"


def test_recipe_scaled_and_made_vegan(client):
    r = ask(client, "a vegan pancake recipe for 8 people")
    table = _table(r.candidates[0].content.parts[0].text)
    assert table["Oat milk"] == "600 ml" and table["Vegan butter"] == "60 g"
    assert not any(name in table for name in ("Whole milk", "Butter", "Eggs"))
    assert "Serves 8" in r.text
    assert "oat milk" in r.text.split("| ")[-1], "the method uses the substitutes too"


def test_recipe_gluten_free_and_servings_follow_up(client):
    chat = client.chats.create(model=MODEL, config=SMALL)
    chat.send_message("a recipe for spaghetti bolognese")
    r = chat.send_message("make it gluten-free, for 2 servings")
    table = _table(r.candidates[0].content.parts[0].text)
    assert table["Gluten-free spaghetti"] == "200 g"


# --- text rendering ----------------------------------------------------------


def _ink_bbox(a: Image.Image, b: Image.Image) -> tuple[int, int, int, int]:
    diff = ImageChops.difference(a, b).convert("L").point(lambda v: 255 if v > 60 else 0)
    box = diff.getbbox()
    assert box
    return box


def test_text_is_drawn_and_matches_a_local_rendering(client):
    def poster(headline):
        prompt = (
            f'A poster. Headline: "{headline}" Body: "Doors open at noon" Details: "Free entry"'
        )
        r = ask(client, prompt)
        assert part_kinds(r.candidates[0].content.parts) == "TI"
        assert headline in r.text
        return response_images(r)[0]

    wide, dot = poster("HELLO WORLD"), poster(".")
    assert ImageStat.Stat(wide).stddev[0] > 10, "not blank"
    assert wide.tobytes() != poster("GOODBYE").tobytes(), "different text, different pixels"
    x0, y0, x1, y1 = _ink_bbox(wide, dot)  # only the headline differs between the two
    try:
        font = ImageFont.truetype("DejaVuSans-Bold.ttf", 200)
    except OSError:
        pytest.skip("DejaVu fonts not installed")
    lx0, ly0, lx1, ly1 = font.getbbox("HELLO WORLD")
    assert (x1 - x0) / (y1 - y0) == pytest.approx((lx1 - lx0) / (ly1 - ly0), rel=0.1)
    # Glyph by glyph: the emulator's ink matches a local rendering scaled to its box.
    ref = Image.new("L", (lx1 - lx0, ly1 - ly0), 0)
    from PIL import ImageDraw

    ImageDraw.Draw(ref).text((-lx0, -ly0), "HELLO WORLD", font=font, fill=255)
    ref = ref.resize((x1 - x0, y1 - y0)).point(lambda v: 255 if v > 128 else 0)
    ink = (
        ImageChops.difference(wide, dot)
        .convert("L")
        .crop((x0, y0, x1, y1))
        .point(lambda v: 255 if v > 60 else 0)
    )
    both = ImageStat.Stat(ImageChops.multiply(ref, ink)).sum[0] / 255
    either = ImageStat.Stat(ImageChops.lighter(ref, ink)).sum[0] / 255
    assert both / either > 0.65  # one wrong glyph in eleven already drops it near 0.5


@pytest.mark.parametrize("fmt", ["invitation", "poster", "ad", "menu", "card", "slide", "post"])
def test_text_formats_have_their_own_layout(client, fmt):
    r = ask(
        client,
        f'a {fmt}: "Grand Opening" "Everything half price this weekend only" "12 Market St" "Call 555-0100"',
    )
    img = response_images(r)[0]
    assert f"your {fmt}" in r.text
    assert ImageStat.Stat(img).stddev[0] > 10


def test_long_text_wraps_inside_the_image(client):
    long_body = "We are delighted to invite you to an evening of music, food and good company " * 3
    img = response_images(ask(client, f'an invitation "Gala" "{long_body.strip()}"'))[0]
    _, h = img.size
    # Nothing is drawn outside the decorative margin on the left and right edges.
    assert len(set(img.crop((0, h // 3, 4, 2 * h // 3)).getdata())) <= 2


def test_quoted_text_alone_triggers_text_rendering(client):
    r = ask(client, 'the words "Stay Curious" in big letters')
    assert "Stay Curious" in r.text and len(response_images(r)) == 1


# --- plain generation --------------------------------------------------------


def test_plain_generation_follows_keywords(client):
    r = ask(client, "a red and blue abstract composition")
    assert part_kinds(r.candidates[0].content.parts) == "TI"
    img = response_images(r)[0]
    pixels = list(img.getdata())
    reddish = sum(1 for r_, g, b in pixels if r_ > g + 60 and r_ > b + 60)
    bluish = sum(1 for r_, g, b in pixels if b > r_ + 60 and b > g + 60)
    assert reddish > len(pixels) // 20 and bluish > len(pixels) // 20
    night = response_images(ask(client, "a quiet house under the moon at night"))[0]
    assert sum(ImageStat.Stat(night.crop((0, 0, 512, 100))).mean) < 200, "a dark night sky"
