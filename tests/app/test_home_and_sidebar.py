from __future__ import annotations

import pytest
from streamlit.proto.TextInput_pb2 import TextInput as TextInputProto

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
