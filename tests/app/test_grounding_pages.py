"""Google Search grounding through the pages, against the offline emulator."""

from __future__ import annotations

import base64
import json
import zipfile
from dataclasses import replace
from pathlib import Path
from urllib.parse import unquote_plus

from streamlit.testing.v1 import AppTest

from studio.emulator import ScriptedResponder, scripted_image
from studio.gallery.records import GalleryFilter
from studio.gallery.store import GalleryStore
from studio.gemini.offline import offline_emulator
from tests.app.conftest import assert_clean

WEB_MODEL = "gemini-3-pro-image"  # web search only
IMAGE_MODEL = "gemini-3.1-flash-image"  # web and image search
PLAIN_MODEL = "gemini-2.5-flash-image"  # no grounding


def _entry_points(at: AppTest) -> list[str]:
    """The documents of the page's iframes (data: URLs), decoded."""
    out = []
    for frame in at.get("iframe"):
        src = frame.proto.src
        assert src.startswith("data:text/html;charset=utf-8;base64,"), src[:60]
        out.append(base64.b64decode(src.partition(",")[2]).decode())
    return out


def _cook(at: AppTest, dish: str = "fluffy buttermilk pancakes") -> None:
    at.text_input(key="recipe_dish").input(dish)
    at.button(key="recipe_generate").click().run()
    assert_clean(at)


def _logged_bodies() -> list[dict]:
    return [e["json"] for e in offline_emulator().requests
            if e["path"].endswith("GenerateContent") and e["json"]]


def test_a_grounded_recipe_shows_its_searches_and_keeps_them_in_the_gallery_and_the_zip(
        open_page, gallery: GalleryStore):
    offline_emulator().log.enabled = True
    at = open_page("recipe")
    at.selectbox(key="model").set_value(WEB_MODEL).run()
    assert at.selectbox(key="grounding_recipe").value == "web", "on by default on Recipe"
    _cook(at)
    body = _logged_bodies()[-1]
    assert body["tools"] == [{"googleSearch": {}}], "the request carried the search tool"

    [doc] = _entry_points(at)
    assert 'class="chip"' in doc and "google.com/search?q=" in doc, "Google's chips, as sent"
    assert "pancakes" in unquote_plus(doc)
    sources = next(m.value for m in at.markdown if m.value.startswith("**Sources**"))
    assert sources.count("](https://vertexaisearch.cloud.google.com/grounding-api-redirect/") \
        == 3, "each source is a link"
    searched = next(c.value for c in at.caption if c.value.startswith("Searched for"))
    assert "“fluffy buttermilk pancakes recipe”" in searched

    items = gallery.query(GalleryFilter(page="recipe"))
    assert items and all(i.grounding == items[0].grounding for i in items)
    kept = items[0].grounding
    assert set(kept) == {"queries", "image_queries", "sources", "entry_point_html"}
    assert "fluffy buttermilk pancakes recipe" in kept["queries"]
    assert kept["image_queries"] == [], "web search only"
    assert [s["kind"] for s in kept["sources"]] == ["web"] * 3
    assert all(s["domain"] and s["title"] for s in kept["sources"])
    assert kept["entry_point_html"] in doc, "shown unmodified"

    at.switch_page("pages/gallery.py").run()
    at.button(key=f"gallery_open_{items[0].id}").click().run()
    assert_clean(at)
    assert [kept["entry_point_html"] in d for d in _entry_points(at)] == [True]
    assert any(m.value.startswith("**Sources**") for m in at.markdown), "in the detail too"

    at.button(key="gallery_export_prepare").click().run()
    assert_clean(at)
    with zipfile.ZipFile(Path(at.session_state["studio"].export_path)) as zf:
        manifest = json.loads(zf.read("manifest.json"))
        pages = {n: zf.read(n).decode() for n in zf.namelist() if n.endswith(".html")}
    rows = [r for r in (manifest["items"] if isinstance(manifest, dict) else manifest)
            if r["id"] == items[0].id]
    assert rows[0]["grounding"] == kept
    [recipe] = [text for name, text in pages.items() if name.startswith("recipes/")]
    assert 'sandbox="allow-popups allow-popups-to-escape-sandbox"' in recipe
    assert "srcdoc=" in recipe and "fluffy buttermilk pancakes recipe" in recipe
    assert "grounding-api-redirect" in recipe, "the sources are in the export"
    assert "Grounded in Google Search" in pages["index.html"], "and on the contact sheet"


def test_image_search_where_the_model_has_it(open_page, gallery: GalleryStore):
    at = open_page("recipe")
    at.selectbox(key="model").set_value(IMAGE_MODEL).run()
    at.selectbox(key="grounding_recipe").set_value("web+image").run()
    _cook(at, "miso ramen")
    assert any(m.value.startswith("**Image sources**") for m in at.markdown)
    assert any("images of “miso ramen photo”" in c.value for c in at.caption)
    kept = gallery.query(GalleryFilter(page="recipe"))[0].grounding
    assert kept["image_queries"] and "image" in {s["kind"] for s in kept["sources"]}


def test_a_model_without_grounding_never_sends_the_tool(open_page, gallery: GalleryStore,
                                                        scripted: ScriptedResponder):
    offline_emulator().log.enabled = True
    scripted.enqueue("**Step 1.** Boil the water.", scripted_image("red"))
    at = open_page("recipe")
    assert at.session_state["model"] == PLAIN_MODEL
    assert "grounding_recipe" not in [s.key for s in at.selectbox], "not offered"
    _cook(at)
    assert scripted.requests[-1].search is None
    assert "tools" not in _logged_bodies()[-1]
    assert not at.get("iframe") and not any("Searched for" in c.value for c in at.caption)
    assert gallery.query(GalleryFilter(page="recipe"))[0].grounding == {}


def test_switching_to_a_model_without_grounding_says_it_was_turned_off(open_page):
    at = open_page("recipe")
    at.selectbox(key="model").set_value(IMAGE_MODEL).run()
    at.selectbox(key="grounding_recipe").set_value("web+image").run()
    at.selectbox(key="model").set_value(WEB_MODEL).run()
    assert any("searches the web only: image search was turned off" in i.value for i in at.info)
    assert at.selectbox(key="grounding_recipe").value == "web"
    at.selectbox(key="model").set_value(PLAIN_MODEL).run()
    assert any("has no Google Search grounding: it was turned off" in i.value for i in at.info)
    assert "grounding_recipe" not in [s.key for s in at.selectbox]
    at.run()
    assert not any("grounding" in i.value for i in at.info), "said once, at the switch"
    at.selectbox(key="model").set_value(WEB_MODEL).run()
    assert at.selectbox(key="grounding_recipe").value == "web", "back on with a model that has it"


def test_grounding_is_off_by_default_on_other_pages_and_kept_per_page(open_page,
                                                                     scripted: ScriptedResponder):
    at = open_page("story")
    at.selectbox(key="model").set_value(WEB_MODEL).run()
    assert at.selectbox(key="grounding_story").value == "off"
    scripted.enqueue("Once upon a time.", scripted_image("blue"))
    at.text_area(key="story_prompt").input("a fox who learns to sail")
    at.button(key="story_generate").click().run()
    assert_clean(at)
    assert scripted.requests[-1].search is None
    at.selectbox(key="grounding_story").set_value("web").run()
    at.switch_page("pages/recipe.py").run()
    assert at.selectbox(key="grounding_recipe").value == "web"
    at.selectbox(key="grounding_recipe").set_value("off").run()
    at.switch_page("pages/story.py").run()
    assert at.selectbox(key="grounding_story").value == "web", "each page keeps its own"


def test_the_apis_refusal_of_the_search_tool_is_explained_on_the_page(open_page, gallery):
    # The catalog says 3 Pro Image grounds; this API (the emulator's table) says it does not.
    emulator = offline_emulator()
    emulator.models = {k: replace(v, grounding="none") for k, v in emulator.models.items()}
    at = open_page("recipe")
    at.selectbox(key="model").set_value(WEB_MODEL).run()
    _cook(at)
    shown = " ".join(e.value for e in at.error)
    assert "does not take Google Search grounding" in shown and "Search Grounding is not " \
        "supported" in shown
    assert "to Off" in shown, "says what to do"
    assert gallery.count() == 0
