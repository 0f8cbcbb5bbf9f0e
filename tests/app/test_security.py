"""A planted API key goes nowhere it should not; hostile text stays text."""

from __future__ import annotations

import logging
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from studio.emulator.testing import running_server
from studio.exchange.export_zip import export_zip
from studio.gallery.store import GalleryStore
from tests.app.conftest import assert_clean

CANARY = "AIzaSyCANARY-do-not-leak-0123456789abcd"


@pytest.fixture(scope="module")
def http_emulator() -> Iterator[str]:
    with running_server() as server:
        yield server.url


def _every_value(at: AppTest) -> Iterator[tuple[str, str]]:
    """(element type, text of its protobuf) for every element on the page."""
    stack = [at._tree]
    while stack:
        node = stack.pop()
        stack.extend(getattr(node, "children", {}).values())
        proto = getattr(node, "proto", None)
        if proto is not None:
            yield getattr(node, "type", "?"), str(proto)


def _files_under(folder: Path) -> Iterator[Path]:
    yield from (p for p in folder.rglob("*") if p.is_file())


def test_a_typed_key_reaches_no_gallery_row_export_log_message_or_page(
    open_page, gallery: GalleryStore, http_emulator: str, tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture,
) -> None:
    monkeypatch.setenv("GOOGLE_GEMINI_BASE_URL", http_emulator)
    caplog.set_level(logging.DEBUG)
    at = open_page("story")
    at.segmented_control(key="engine").set_value("gemini").run()
    at.text_input(key="api_key").input(CANARY).run()
    assert_clean(at)
    assert any("Gemini API" in str(b.proto) for b in at.get("badge")) or \
        any("key typed here" in c.value for c in at.caption)

    at.text_area(key="story_prompt").input("a turtle who keeps secrets")
    at.number_input(key="story_scenes").set_value(2)
    at.button(key="story_generate").click().run()
    assert_clean(at)
    assert gallery.count() == 2, [e.value for e in at.error]
    assert gallery.query()[0].engine == "gemini"

    # an error message, on the same key: a quota fault through the real HTTP path
    at.chat_input(key="story_feedback").set_value("Retell it [fault:400]").run()
    assert_clean(at)
    assert at.error, "the refusal is shown"

    # the page: only the password field may hold it
    for kind, text in _every_value(at):
        if CANARY in text:
            assert kind == "text_input" and "api_key" in text

    # the gallery: database, WAL, images, thumbnails, PNG text chunks
    data_dir = Path(gallery.data_dir) if hasattr(gallery, "data_dir") else tmp_path / "data"
    for path in _files_under(data_dir):
        assert CANARY.encode() not in path.read_bytes(), path

    # an export
    out = tmp_path / "export.zip"
    export_zip(gallery, None, out)
    with zipfile.ZipFile(out) as zf:
        for name in zf.namelist():
            assert CANARY.encode() not in zf.read(name), name

    # logs
    assert CANARY not in caplog.text


HOSTILE = ('<script>alert("x")</script> <img src=x onerror=alert(1)> '
           '![pixel](http://tracker.invalid/p.png) [click](javascript:alert(1))')


def test_hostile_prompts_show_as_text_and_never_as_html(open_page, gallery: GalleryStore):
    at = open_page("story")
    at.text_area(key="story_prompt").input(HOSTILE)
    at.number_input(key="story_scenes").set_value(1)
    at.button(key="story_generate").click().run()
    assert_clean(at)
    markdown = [*at.markdown, *at.subheader]
    assert markdown
    assert not any(getattr(m.proto, "allow_html", False) for m in markdown), "no raw HTML"
    shown = " ".join(m.value for m in markdown)
    assert "<script>" in shown, "the user's text is shown, as text"
    assert "![pixel](" not in shown, "no remote image is loaded from model or user text"
    assert "](javascript:" not in shown, "no script link"
    assert gallery.query()[0].prompt.count("<script>") == 1, "kept verbatim as data"


def test_bidirectional_controls_cannot_reorder_the_page_or_the_export(
        open_page, gallery: GalleryStore, tmp_path: Path, scripted) -> None:
    from studio.emulator import scripted_image

    trojan = "Pay \u202eSU 001$\u202c now"
    scripted.enqueue(f"The model says: {trojan}", scripted_image("red"))
    at = open_page("story")
    at.text_area(key="story_prompt").input(f"a fox {trojan}")
    at.number_input(key="story_scenes").set_value(1)
    at.button(key="story_generate").click().run()
    assert_clean(at)
    shown = " ".join(m.value for m in [*at.markdown, *at.subheader])
    assert "\u202e" not in shown and "⟦RLO⟧SU 001$⟦PDF⟧" in shown
    out = tmp_path / "export.zip"
    export_zip(gallery, None, out)
    with zipfile.ZipFile(out) as zf:
        pages = [zf.read(n).decode() for n in zf.namelist() if n.endswith(".html")]
    assert pages and not any("\u202e" in p for p in pages)
    assert any("⟦RLO⟧" in p for p in pages)
    assert "\u202e" in gallery.query()[0].prompt, "the data itself is kept as written"
