"""Keeping answers in the gallery: each image once, with its context and its share of cost."""

from __future__ import annotations

import io
from pathlib import Path

from PIL import Image

from studio import GalleryStore, GenerationSettings, Keeper, Origin, keep_answer
from studio.gemini.results import ImagePart, Result, TextPart, Usage
from studio.making.keeping import text_around


def _png(colour: tuple[int, int, int]) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (32, 24), colour).save(out, "PNG")
    return out.getvalue()


def _answer(*parts: str | bytes, cost: float = 0.0) -> Result:
    typed = [ImagePart.from_bytes(p, "image/png") if isinstance(p, bytes) else TextPart(p)
             for p in parts]
    return Result(model="m", parts=typed, finish_reason="STOP", cost_usd=cost,
                  usage=Usage(prompt_tokens=10, output_tokens=20, total_tokens=30))


SETTINGS = GenerationSettings(model="m", aspect_ratio="3:2", seed=5, temperature=0.4)
ORIGIN = Origin(page="story", prompt="a turtle", engine="offline", conversation_id="c1",
                turn=2, parent_id="p0", extra={"inputs": {"story_prompt": "a turtle"}})


def test_each_image_is_kept_with_the_text_that_introduces_it(tmp_path: Path) -> None:
    answer = _answer("Scene one: the egg.", _png((200, 0, 0)), "Scene two: the sea.",
                     _png((0, 0, 200)))
    with GalleryStore(tmp_path) as store:
        items = keep_answer(store, answer, SETTINGS, ORIGIN)
        assert [i.text for i in items] == ["Scene one: the egg.", "Scene two: the sea."]
        assert [i.position for i in items] == [0, 1]
        first = items[0]
        assert (first.page, first.prompt, first.conversation_id, first.turn, first.parent_id) == \
            ("story", "a turtle", "c1", 2, "p0")
        assert (first.aspect_ratio, first.seed, first.temperature) == ("3:2", 5, 0.4)
        assert first.settings["inputs"] == {"story_prompt": "a turtle"}
        assert first.settings["model"] == "m"


def test_cost_is_shared_between_the_images_of_one_answer(tmp_path: Path) -> None:
    answer = _answer(_png((1, 2, 3)), _png((4, 5, 6)), cost=0.08)
    with GalleryStore(tmp_path) as store:
        items = keep_answer(store, answer, SETTINGS, ORIGIN)
    assert [i.cost_usd for i in items] == [0.04, 0.04]


def test_images_kept_mid_stream_get_usage_when_the_answer_ends(tmp_path: Path) -> None:
    with GalleryStore(tmp_path) as store:
        keeper = Keeper(store, SETTINGS, ORIGIN)
        partial = _answer("Scene one.", _png((9, 9, 9)))
        partial.usage = Usage()
        keeper.save_new(partial)
        keeper.save_new(partial)  # a second update with nothing new keeps nothing twice
        assert store.count() == 1 and store.query()[0].total_tokens is None
        items = keeper.finish(_answer("Scene one.", _png((9, 9, 9)), "Two.", _png((8, 8, 8))))
        assert store.count() == 2
        assert [i.total_tokens for i in items] == [30, 30]
        assert [i.finish_reason for i in items] == ["STOP", "STOP"]


def test_text_after_an_image_captions_it_when_none_comes_before() -> None:
    answer = _answer(_png((1, 1, 1)), "Here is your poster.")
    assert text_around(answer, 0) == "Here is your poster."
