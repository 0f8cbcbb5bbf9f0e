from __future__ import annotations

import json
import urllib.request
from collections.abc import Iterator

import pytest
from streamlit.proto.TextInput_pb2 import TextInput as TextInputProto

from studio.emulator.testing import running_server
from tests.app.conftest import assert_clean


def test_home_introduces_the_four_capabilities_and_the_live_engine(open_page):
    at = open_page("home")
    headers = " ".join(s.value for s in at.subheader)
    for title in ("Story", "Conversational editing", "Recipe", "Text rendering"):
        assert title in headers
    assert at.segmented_control(key="engine").value == "offline"


@pytest.mark.parametrize("page", ["story", "edit", "recipe", "text", "gallery"])
def test_every_page_renders_without_error(open_page, page):
    at = open_page(page)
    assert_clean(at)
    assert at.title


def test_one_click_example_opens_the_page_filled_in(open_page):
    at = open_page("home")
    at.button(key="home_try_Story").click().run()
    assert_clean(at)
    assert "turtle" in at.text_area(key="story_prompt").value


def test_image_size_is_offered_only_for_models_that_support_it(open_page):
    at = open_page("home")
    keys = [s.key for s in at.selectbox]
    assert "image_size" not in keys
    at.selectbox(key="model").set_value("gemini-3-pro-image").run()
    assert "image_size" in [s.key for s in at.selectbox]
    assert "4K" in at.selectbox(key="image_size").options


def test_choosing_gemini_without_a_key_asks_for_one_and_stays_offline(open_page):
    at = open_page("home")
    at.segmented_control(key="engine").set_value("gemini").run()
    assert_clean(at)
    assert at.text_input(key="api_key").proto.type == TextInputProto.PASSWORD
    assert any("offline emulator stays live" in c.value for c in at.caption)


def test_the_model_picker_shows_each_models_price_and_what_it_is_for(open_page):
    at = open_page("home")
    assert "$0.039/image" in " ".join(c.value for c in at.sidebar.caption)
    at.selectbox(key="model").set_value("gemini-3.1-flash-lite-image").run()
    assert "/image (estimate)" in " ".join(c.value for c in at.sidebar.caption)
    at.selectbox(key="model").set_value("gemini-3.1-flash-image").run()
    about = " ".join(c.value for c in at.sidebar.caption)
    assert "extreme ratios" in about and "image-search grounding" in about
    assert "$0.045–0.151/image (512–4K)" in about


def test_switching_models_keeps_a_ratio_the_new_model_offers(open_page):
    at = open_page("home")
    at.selectbox(key="model").set_value("gemini-3.1-flash-image").run()
    at.selectbox(key="aspect_ratio").set_value("16:9").run()
    at.selectbox(key="model").set_value("gemini-2.5-flash-image").run()
    assert_clean(at)
    assert at.selectbox(key="aspect_ratio").value == "16:9"
    assert not at.sidebar.info


def test_switching_to_a_model_without_the_ratio_says_what_changed_and_keeps_advanced_open(
        open_page):
    at = open_page("home")
    at.selectbox(key="model").set_value("gemini-3.1-flash-image").run()
    at.selectbox(key="aspect_ratio").set_value("8:1").run()
    at.session_state["advanced"] = True  # the user opened Advanced
    at.run()
    at.selectbox(key="model").set_value("gemini-2.5-flash-image").run()
    assert_clean(at)
    assert at.selectbox(key="aspect_ratio").value == "21:9", "the closest shape, not 1:1"
    (note,) = at.sidebar.info
    assert "8:1" in note.value and "21:9" in note.value
    assert at.session_state["advanced"] is True
    assert at.expander[0].proto.expanded


def test_a_thinking_level_is_offered_where_the_model_takes_one_and_is_recorded(open_page,
                                                                               gallery):
    at = open_page("text")
    assert "thinking_level" not in [s.key for s in at.selectbox]
    at.selectbox(key="model").set_value("gemini-3.1-flash-image").run()
    assert at.selectbox(key="thinking_level").options[1:] == ["Minimal", "High"]
    at.selectbox(key="thinking_level").set_value("high").run()
    at.text_input(key="text_headline").input("Grand opening")
    at.button(key="text_generate").click().run()
    assert_clean(at)
    (item,) = gallery.query()
    assert item.settings["thinking_level"] == "high"


@pytest.mark.parametrize("page", ["story", "edit", "recipe"])
def test_the_variants_control_appears_only_where_variants_are_made(open_page, page):
    assert "variants" not in [s.key for s in open_page(page).slider]
    assert "variants" in [s.key for s in open_page("text").slider]


@pytest.fixture(scope="module")
def emulator_url() -> Iterator[str]:
    with running_server() as server:
        yield server.url


def _type_key(at, url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GOOGLE_GEMINI_BASE_URL", url)
    monkeypatch.delenv("GEMINI_API_KEY", raising=False)
    monkeypatch.delenv("GOOGLE_API_KEY", raising=False)
    at.segmented_control(key="engine").set_value("gemini").run()
    at.text_input(key="api_key").input("typed-key").run()
    assert_clean(at)


def test_a_typed_key_is_checked_at_once_and_the_badge_says_it_works(open_page, emulator_url,
                                                                    monkeypatch):
    at = open_page("home")
    _type_key(at, emulator_url, monkeypatch)
    badge = " ".join(m.value for m in at.markdown if "badge[" in m.value)  # st.badge is markdown
    assert "key works" in badge


def test_a_refused_key_shows_on_the_badge_before_anything_is_made(open_page, emulator_url,
                                                                  monkeypatch):
    fault = {"kind": "http", "status": 400, "target": "any",
             "message": "API key not valid. Please pass a valid API key."}
    request = urllib.request.Request(f"{emulator_url}/_emulator/faults", method="POST",
                                     data=json.dumps(fault).encode())
    urllib.request.urlopen(request, timeout=10).close()
    at = open_page("home")
    _type_key(at, emulator_url, monkeypatch)
    shown = " ".join(m.value for m in at.markdown) + " ".join(c.value for c in at.caption)
    assert "key refused" in shown and "Key refused" in shown
    assert "key works" not in shown


def test_the_editing_example_opens_the_edit_page_with_its_first_image_made(open_page, gallery):
    at = open_page("home")
    at.button(key="home_try_Conversational editing").click().run()
    assert_clean(at)
    (item,) = gallery.query()
    assert item.page == "edit" and "red vintage bicycle" in item.prompt
    assert at.chat_input(key="edit_chat") is not None, "the edit chat is open, ready for a change"
    assert any("Conversational editing" in t.value for t in at.title)
