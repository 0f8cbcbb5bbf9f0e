"""Every page on the Gemini engine: the real SDK over HTTP to `python -m studio.emulator`."""

from __future__ import annotations

import io
import json
import urllib.request
from collections.abc import Iterator

import pytest
from PIL import Image

from studio.emulator.testing import running_server
from studio.gallery.store import GalleryStore
from tests.app.conftest import assert_clean


@pytest.fixture(scope="module")
def server_url() -> Iterator[str]:
    with running_server("--log-requests") as server:
        yield server.url


@pytest.fixture
def gemini_env(server_url: str, monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.setenv("GEMINI_API_KEY", "test-key-over-http")
    monkeypatch.setenv("GOOGLE_GEMINI_BASE_URL", server_url)
    return server_url


def _requests(url: str) -> list[dict]:
    with urllib.request.urlopen(f"{url}/_emulator/requests", timeout=10) as response:
        data = json.load(response)
    return data["requests"] if isinstance(data, dict) else data


def _png() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (64, 64), (10, 100, 200)).save(out, "PNG")
    return out.getvalue()


def _story(at):
    at.text_area(key="story_prompt").input("a turtle crossing the sea")
    at.number_input(key="story_scenes").set_value(2)
    at.button(key="story_generate").click().run()
    at.chat_input(key="story_feedback").set_value("Retell it as a watercolour").run()


def _edit(at):
    at.file_uploader(key="edit_upload").set_value(("p.png", _png(), "image/png")).run()
    at.chat_input(key="edit_chat").set_value("Make it black and white").run()
    at.chat_input(key="edit_chat").set_value("Add a gold border").run()


def _recipe(at):
    at.text_input(key="recipe_dish").input("lemon tart")
    at.button(key="recipe_generate").click().run()


def _text(at):
    at.slider(key="variants").set_value(2).run()
    at.text_input(key="text_headline").input("Grand opening")
    at.button(key="text_generate").click().run()


@pytest.mark.parametrize("page, drive", [("story", _story), ("edit", _edit),
                                          ("recipe", _recipe), ("text", _text)])
def test_page_works_on_the_gemini_engine_over_http(open_page, gallery: GalleryStore,
                                                   gemini_env: str, page, drive):
    before = max((r["seq"] for r in _requests(gemini_env)), default=0)
    at = open_page(page)
    assert at.segmented_control(key="engine").value == "gemini"
    drive(at)
    assert_clean(at)
    assert not at.error, [e.value for e in at.error]
    made = [i for i in gallery.query() if i.engine == "gemini"]
    assert made, "images came back over HTTP and were kept"
    seen = [r for r in _requests(gemini_env) if r["seq"] > before]
    assert seen, "the SDK reached the emulator over HTTP"
    # the key travels in its header only (which the log redacts), never in a URL or a body
    assert all(r["headers"].get("x-goog-api-key") == "REDACTED" for r in seen)
    for r in seen:
        assert "test-key-over-http" not in json.dumps({k: v for k, v in r.items()
                                                       if k != "headers"})
