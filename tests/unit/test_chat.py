from __future__ import annotations

from pathlib import Path

import pytest

from studio.emulator.testing import offline_client
from studio.gallery.store import GalleryStore
from studio.gemini.catalog import load_catalog
from studio.gemini.settings import GenerationSettings
from studio.making.chat import INTERRUPTED, PageChat


class ScriptStopped(BaseException):
    """Stands in for Streamlit's StopException: a BaseException raised mid-run."""


@pytest.fixture
def thread(tmp_path: Path) -> PageChat:
    client, _ = offline_client()
    store = GalleryStore(tmp_path / "data")
    settings = GenerationSettings(model="any-image-model")
    return PageChat(page="story", client=client, store=store, catalog=load_catalog(),
                    model=settings.model, engine="offline")


def test_images_already_shown_are_kept_when_the_run_is_stopped(thread: PageChat):
    settings = GenerationSettings(model=thread.model)
    shown: list[int] = []

    def leave_after_first_image(result) -> None:
        shown.append(len(result.images))
        if result.images:
            raise ScriptStopped

    with pytest.raises(ScriptStopped):
        thread.send("a turtle", settings, prompt="Tell a story in 4 scenes about a turtle",
                    on_update=leave_after_first_image)
    assert thread.store.count() == 1, "the image on screen reached the gallery"
    assert thread.turns[-1].message == INTERRUPTED
    saved = thread.store.load_conversation(thread.id)
    assert saved is not None and saved.transcript[-1]["message"] == INTERRUPTED

    turn, result = thread.send("Tell it again", settings)
    assert result.ok and turn.image_ids


def test_usage_is_filled_in_for_images_saved_while_streaming(thread: PageChat):
    settings = GenerationSettings(model=thread.model)
    turn, result = thread.send("a fox", settings, prompt="Tell a story in 2 scenes about a fox",
                               on_update=lambda r: None)
    items = [thread.store.get(i) for i in turn.image_ids]
    assert len(items) == 2
    assert all(i.total_tokens == result.usage.total_tokens and i.cost_usd > 0 for i in items)
    assert all(i.finish_reason == "STOP" for i in items)
