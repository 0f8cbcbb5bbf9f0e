from __future__ import annotations

from pathlib import Path

import pytest

from studio.emulator.testing import offline_client
from studio.gallery.store import GalleryStore
from studio.gemini.catalog import load_catalog
from studio.gemini.settings import GenerationSettings
from studio.making.branches import mark_stopped
from studio.making.chat import INTERRUPTED, STOPPED, PageChat


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


def test_a_turn_the_user_stopped_says_so_and_only_that_turn(thread: PageChat):
    settings = GenerationSettings(model=thread.model)
    thread.send("a fox", settings)
    assert not mark_stopped(thread), "a finished turn is not marked"

    def stop(result) -> None:
        raise ScriptStopped

    with pytest.raises(ScriptStopped):
        thread.send("a turtle", settings, prompt="Tell a story in 2 scenes", on_update=stop)
    assert mark_stopped(thread)
    assert thread.turns[-1].message == STOPPED and thread.turns[0].message is None
    saved = thread.store.load_conversation(thread.id)
    assert saved is not None and saved.transcript[-1]["message"] == STOPPED


def test_undo_then_redo_restores_the_turn_and_what_the_model_sees(thread: PageChat):
    settings = GenerationSettings(model=thread.model)
    thread.send("a fox", settings)
    thread.send("make it red", settings)
    history = thread.history
    thread.undo()
    assert len(thread.turns) == 1 and len(thread.history) < len(history)
    thread.redo()
    assert len(thread.turns) == 2 and thread.history == history
    thread.undo()
    thread.send("make it blue", settings)
    assert thread.undone == [], "a new turn replaces what was undone"
