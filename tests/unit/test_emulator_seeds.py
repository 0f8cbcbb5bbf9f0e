"""Variants of one prompt differ by seed; the same seed and prompt give byte-identical PNGs."""

from __future__ import annotations

import pytest
from google.genai import types

from studio.emulator.testing import offline_client

MODEL = "gemini-3.1-flash-image"
TEXT = (
    "Design a {fmt} in a elegant and minimal style. Render the following text in the image "
    'exactly as written.\nHeadline: "Grand opening"\nBody: "Saturday at noon"'
)
PROMPTS = {
    "invitation": TEXT.format(fmt="invitation"),
    "menu": TEXT.format(fmt="menu"),
    "poster": TEXT.format(fmt="poster"),
    "plain": "a red circle on a blue background",
    "plain-watercolour": "a watercolour of a quiet lake",
    "photo": "a photo of a lighthouse",
    "story": "a story about a turtle in 2 scenes",
    "story-watercolour": "a watercolour story about a fox in 2 scenes",
    "recipe": "a recipe for pancakes",
}


@pytest.fixture(scope="module")
def client():
    return offline_client()[0]


def pngs(client, prompt: str, seed: int | None) -> list[bytes]:
    cfg = types.GenerateContentConfig(seed=seed, image_config=types.ImageConfig(image_size="512"))
    r = client.models.generate_content(model=MODEL, contents=prompt, config=cfg)
    out = [p.inline_data.data for p in r.candidates[0].content.parts if p.inline_data]
    assert out
    return out


@pytest.mark.parametrize("kind", PROMPTS)
def test_same_seed_same_bytes(client, kind):
    assert pngs(client, PROMPTS[kind], 1000) == pngs(client, PROMPTS[kind], 1000)


@pytest.mark.parametrize("kind", PROMPTS)
def test_variant_seeds_differ(client, kind):
    """The app's variants use seeds None, 1000 and 2000: every image must differ."""
    runs = [pngs(client, PROMPTS[kind], seed) for seed in (None, 1000, 2000)]
    for i, a in enumerate(runs):
        for b in runs[i + 1 :]:
            assert all(x != y for x, y in zip(a, b, strict=True))


@pytest.mark.parametrize("kind", ["invitation", "plain"])
def test_no_seed_picks_a_new_one_each_time(client, kind):
    assert pngs(client, PROMPTS[kind], None) != pngs(client, PROMPTS[kind], None)
