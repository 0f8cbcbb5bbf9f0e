"""Every scripted fault, on every page (streaming chat pages and the plain text page):
a clear message, no traceback, nothing lost, and the page keeps working afterwards."""

from __future__ import annotations

import io
from collections.abc import Callable

import pytest
from PIL import Image
from streamlit.testing.v1 import AppTest

from studio.emulator import Fault, ScriptedResponder, scripted_image
from studio.gallery.store import GalleryStore
from studio.gemini.catalog import load_catalog
from studio.gemini.offline import offline_emulator
from tests.app.conftest import assert_clean

THINKING_MODEL = next(m.id for m in load_catalog().models if m.thinking)


def _png() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (80, 60), (20, 120, 90)).save(out, "PNG")
    return out.getvalue()


def _story(at: AppTest, text: str, follow_up: bool) -> None:
    if follow_up:
        at.chat_input(key="story_feedback").set_value(f"Retell it as a comic {text}").run()
        return
    at.text_area(key="story_prompt").input(f"a turtle {text}")
    at.number_input(key="story_scenes").set_value(2)
    at.button(key="story_generate").click().run()


def _recipe(at: AppTest, text: str, follow_up: bool) -> None:
    if follow_up:
        at.chat_input(key="recipe_feedback").set_value(f"Make it vegan {text}").run()
        return
    at.text_input(key="recipe_dish").input(f"pancakes {text}")
    at.button(key="recipe_generate").click().run()


def _edit(at: AppTest, text: str, follow_up: bool) -> None:
    if not follow_up and not at.chat_input:
        at.file_uploader(key="edit_upload").set_value(("p.png", _png(), "image/png")).run()
    at.chat_input(key="edit_chat").set_value(f"Make it sepia {text}").run()


def _text(at: AppTest, text: str, follow_up: bool) -> None:
    at.text_input(key="text_headline").input(f"Grand opening {text}")
    at.button(key="text_generate").click().run()


PAGES: dict[str, Callable[[AppTest, str, bool], None]] = {
    "story": _story, "recipe": _recipe, "edit": _edit, "text": _text}

# directive -> words the message must contain (None: the call succeeds after retries)
FAULTS = {
    "[fault:429x1]": None,
    "[fault:500x1]": None,
    "[fault:503x2]": None,
    "[fault:429]": "Quota exhausted for",
    "[fault:slow=4]": "did not answer within 1 s",
    "[fault:image_safety]": "IMAGE_SAFETY",
    "[fault:prohibited]": "IMAGE_PROHIBITED_CONTENT",
    "[fault:block]": "refused the prompt",
    "[fault:no_image]": "NO_IMAGE",
    "[fault:max_tokens]": "MAX_TOKENS",
    "[fault:unknown_finish]": "SOMETHING_NEW",
    "[fault:malformed]": "could not read",
    "[fault:stream_error]": "The answer stopped partway (500). What arrived is kept",
}


def _messages(at: AppTest) -> str:
    """Messages about the latest answer (an edit transcript keeps earlier turns' notes)."""
    scope = at.chat_message[-1] if at.chat_message else at
    return " | ".join(m.value for m in [*scope.error, *scope.warning])


@pytest.mark.parametrize("directive", list(FAULTS))
@pytest.mark.parametrize("page", list(PAGES))
def test_fault_is_explained_and_the_page_keeps_working(
    open_page, gallery: GalleryStore, monkeypatch: pytest.MonkeyPatch, page: str, directive: str
) -> None:
    if directive.startswith("[fault:slow"):
        monkeypatch.setenv("STUDIO_TIMEOUT_S", "1")
        monkeypatch.setenv("STUDIO_RETRY_ATTEMPTS", "1")
    at = open_page(page)
    at.selectbox(key="model").set_value(THINKING_MODEL).run()
    drive = PAGES[page]

    drive(at, "", False)  # something made first: it must survive the fault
    assert_clean(at)
    assert not _messages(at)
    made = gallery.count()
    assert made >= 1

    drive(at, directive, True)
    assert_clean(at)
    expected = FAULTS[directive]
    if page == "text" and directive == "[fault:stream_error]":  # not streamed: a plain 500
        expected = "service is unavailable right now (500"
    if expected is None:
        assert not _messages(at), "retried, then succeeded"
        assert gallery.count() > made
    else:
        assert expected in _messages(at), _messages(at)
        assert "Traceback" not in _messages(at)
    assert gallery.count() >= made, "nothing already made is lost"

    before = gallery.count()
    drive(at, "", True)  # the conversation continues: signatures intact, no 400
    assert_clean(at)
    assert not _messages(at), _messages(at)
    assert gallery.count() > before


def test_an_error_mid_stream_keeps_what_already_arrived(open_page, gallery: GalleryStore,
                                                        scripted: ScriptedResponder):
    scenes = [f"Scene {n}: the turtle swims on." for n in range(1, 5)]
    scripted.enqueue(*[p for n, text in enumerate(scenes)
                       for p in (text, scripted_image((60 * n, 90, 160)))])
    at = open_page("story")
    offline_emulator().faults.push(Fault(kind="stream_error", after_chunks=6))
    at.text_area(key="story_prompt").input("a turtle on a long trip")
    at.number_input(key="story_scenes").set_value(4)
    at.button(key="story_generate").click().run()
    assert_clean(at)
    assert _messages(at), "the broken stream is reported"
    kept = gallery.count()
    assert kept == 2, "the two scenes that arrived are kept, the rest never came"
    assert len(at.image) == kept
    shown = [m.value for m in at.markdown]
    assert scenes[0] in shown and scenes[1] in shown and scenes[2] not in shown
