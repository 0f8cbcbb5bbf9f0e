"""The export a stakeholder opens: made through the same chats the pages use, offline.

Headlines in the user's words (the engineered prompt only under a fold), Markdown
rendered and safe, titles that tell stories apart, each picture stored once (and the
export still imports, histories byte for byte), a cover that says what is inside, and
print rules that give one scene or step per sheet.
"""

from __future__ import annotations

import hashlib
import re
import zipfile
from html.parser import HTMLParser
from pathlib import Path

import pytest

import studio
from studio.exchange.export_css import CSS
from studio.exchange.markdown import render_markdown
from studio.making.prompts import TextBrief, recipe_prompt, story_prompt, text_prompt
from studio.making.wording import record

TURTLE = "a cute baby turtle finding its way to the sea"
DISH = "fluffy buttermilk pancakes"


def _chat(store: studio.GalleryStore, page: str) -> studio.PageChat:
    catalog = studio.load_catalog()
    return studio.PageChat(page=page, client=studio.offline_client(), store=store,
                           catalog=catalog, model=catalog.default_model, engine=studio.OFFLINE)


def _settings() -> studio.GenerationSettings:
    return studio.GenerationSettings(model=studio.load_catalog().default_model, seed=7)


def tell_story(store: studio.GalleryStore, premise: str = TURTLE, feedback: str | None = None,
               scenes: int = 3) -> studio.PageChat:
    chat = _chat(store, "story")
    chat.send(premise, _settings(), prompt=story_prompt(premise, "watercolour", scenes),
              inputs={"story_prompt": premise, "story_style": "watercolour", "story_scenes": scenes})
    if feedback:
        chat.send(feedback, _settings())
    return chat


def make_gallery(store: studio.GalleryStore) -> None:
    tell_story(store, feedback="give the turtle a red scarf")
    recipe = _chat(store, "recipe")
    recipe.send(DISH, _settings(), prompt=recipe_prompt(DISH, 4),
                inputs={"recipe_dish": DISH, "recipe_servings": 4, "recipe_diets": []})
    recipe.send("for 8 people", _settings())
    edit = _chat(store, "edit")
    edit.send("A red bicycle by a blue wall", _settings())
    edit.send("Make it black and white", _settings())
    brief = TextBrief(format="invitation", headline="Maya turns 30")
    studio.make_variants(studio.offline_client(), store, studio.load_catalog(), text_prompt(brief),
                         studio.GenerationSettings(model=_settings().model, variants=2, seed=3),
                         page="text", engine=studio.OFFLINE,
                         extra={"inputs": {"text_headline": brief.headline},
                                **record(brief.headline, brief.headline)})


class Page(HTMLParser):
    """Headings, the text outside <details>, and the text inside it."""

    HEADS = frozenset({"title", "h1", "h2", "h3", "a", "figcaption"})

    def __init__(self) -> None:
        super().__init__()
        self.stack: list[str] = []
        self.heads: list[str] = []
        self.shown: list[str] = []
        self.folded: list[str] = []
        self.scenes: list[int] = []  # images per <section class="scene">

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "section" and ("class", "scene") in attrs:
            self.scenes.append(0)
        if tag == "img" and "section" in self.stack and self.scenes:
            self.scenes[-1] += 1
        if tag not in ("img", "meta", "br"):
            self.stack.append(tag)

    def handle_endtag(self, tag: str) -> None:
        if tag in self.stack:
            while self.stack.pop() != tag:
                pass

    def handle_data(self, data: str) -> None:
        if "details" in self.stack:
            self.folded.append(data)
        elif "style" not in self.stack:
            self.shown.append(data)
            if self.stack and self.stack[-1] in self.HEADS:
                self.heads.append(data.strip())


def parse(html: str) -> Page:
    page = Page()
    page.feed(html)
    return page


@pytest.fixture
def export(tmp_path: Path) -> tuple[studio.GalleryStore, Path, studio.ExportReport]:
    store = studio.GalleryStore(tmp_path / "data")
    make_gallery(store)
    out = tmp_path / "export.zip"
    report = studio.export_zip(store, None, out)
    yield store, out, report
    store.close()


def _html(zf: zipfile.ZipFile) -> dict[str, str]:
    return {n: zf.read(n).decode("utf-8") for n in zf.namelist() if n.endswith(".html")}


def test_headlines_are_the_users_words_and_the_prompt_sent_is_folded(export) -> None:
    _, out, _ = export
    with zipfile.ZipFile(out) as zf:
        pages = _html(zf)
    assert len(pages) == 3  # index, one story, one recipe
    engineered = ("Generate a story about", "Keep the characters", "step-by-step recipe",
                  "Render the following text")
    for name, html in pages.items():
        page = parse(html)
        heads = " ".join(page.heads)
        assert not [e for e in engineered if e in heads], name
        assert not [e for e in engineered if e in "".join(page.shown)], name
    index = parse(pages["index.html"])
    heads = " ".join(index.heads)
    assert TURTLE.capitalize() in heads and DISH.capitalize() in heads
    assert "Make it black and white" in heads and "Maya turns 30" in heads
    assert "Version 2: give the turtle a red scarf" in "".join(index.shown)
    assert "for 8 people" not in index.heads, "a follow-up is no headline"
    assert any("Generate a story about" in t for t in index.folded), "the prompt sent is kept"


def test_story_and_recipe_pages_render_markdown_without_raw_syntax(export) -> None:
    _, out, _ = export
    with zipfile.ZipFile(out) as zf:
        pages = _html(zf)
    recipe = next(h for n, h in pages.items() if n.startswith("recipes/"))
    assert "<table>" in recipe and "<th>Ingredient</th>" in recipe
    for name, html in pages.items():
        shown = "".join(parse(html).shown)
        assert "###" not in shown and "|---" not in shown and "| Ingredient" not in shown, name
        assert "**" not in shown, name


def test_markdown_escapes_html_and_keeps_no_links() -> None:
    html = render_markdown("### Step\n\n<script>alert(1)</script>\n\n"
                           "| a | b |\n|---|---|\n| <img src=x onerror=alert(2)> | 2 |\n\n"
                           "[x](javascript:alert(3)) ![p](http://example.com/p.png)")
    assert "<h3>Step</h3>" in html and "<table>" in html
    assert "<script" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "<img" not in html and "<a " not in html and "href" not in html


def test_a_script_in_a_model_answer_comes_out_escaped_in_the_story_page(tmp_path: Path,
                                                                        scripted) -> None:
    with studio.GalleryStore(tmp_path / "data") as store:
        scripted.enqueue("### The fox\n\n<script>alert(1)</script> and **bold**",
                         _png(), "Scene 2 <img src=x onerror=alert(2)>", _png(1))
        tell_story(store, "a fox")
        studio.export_zip(store, None, tmp_path / "x.zip")
    with zipfile.ZipFile(tmp_path / "x.zip") as zf:
        (story,) = [h for n, h in _html(zf).items() if n.startswith("stories/")]
    assert "<h3>The fox</h3>" in story and "<strong>bold</strong>" in story
    assert "<script" not in story and "&lt;script&gt;alert(1)&lt;/script&gt;" in story
    assert "onerror=alert" not in story.replace("&lt;img src=x onerror=alert(2)&gt;", "")


def _png(seed: int = 0) -> bytes:
    import io

    from PIL import Image
    out = io.BytesIO()
    Image.new("RGB", (64, 48), (40 + seed * 90, 120, 200)).save(out, "PNG")
    return out.getvalue()


@pytest.fixture
def scripted():
    from studio.emulator.responders import ScriptedResponder
    from studio.gemini.offline import offline_emulator
    emulator = offline_emulator()
    before = emulator.responder
    emulator.responder = ScriptedResponder()
    yield emulator.responder
    emulator.responder = before


def test_five_stories_of_one_premise_get_five_titles(tmp_path: Path) -> None:
    with studio.GalleryStore(tmp_path / "data") as store:
        for _ in range(5):
            tell_story(store, scenes=1)
        studio.export_zip(store, None, tmp_path / "x.zip")
    with zipfile.ZipFile(tmp_path / "x.zip") as zf:
        pages = _html(zf)
    stories = {n: parse(h) for n, h in pages.items() if n.startswith("stories/")}
    assert len(stories) == 5
    titles = [p.heads[0] for p in stories.values()]  # <title>
    assert len(set(titles)) == 5, titles
    assert all(t.startswith(TURTLE.capitalize()) for t in titles)
    assert all(re.search(r"\d{1,2} \w{3} \d{4}", t) for t in titles), "the date is in the title"
    listed = [h for h in parse(pages["index.html"]).heads if h.startswith(TURTLE.capitalize())]
    assert len(set(listed) & set(titles)) == 5, "the cover lists each one by its own title"


def test_each_picture_is_stored_once_and_the_export_imports_exactly(export, tmp_path) -> None:
    store, out, report = export
    with zipfile.ZipFile(out) as zf:
        images = [n for n in zf.namelist() if n.startswith(("images/", "blobs/"))]
        shas = [hashlib.sha256(zf.read(n)).hexdigest() for n in images]
    assert report.blobs == 0 and not [n for n in images if n.startswith("blobs/")]
    assert len(shas) == len(set(shas)), "no two entries hold the same bytes"
    items = store.query(limit=100)
    assert len(images) == len({i.sha256 for i in items})
    with studio.GalleryStore(tmp_path / "again") as back:
        result = studio.import_zip(back, out)
        assert result.items_added == len(items) and result.conversations_added == 3
        for summary in store.list_conversations(limit=10):
            mine, theirs = store.load_conversation(summary.id), back.load_conversation(summary.id)
            assert [c.model_dump() for c in theirs.history] == [c.model_dump() for c in mine.history]
        # The imported story carries on: the emulator checks the thought signatures over the
        # history's image bytes, so a byte changed on the way would be refused here.
        (story,) = back.list_conversations(page="story")
        conv = back.load_conversation(story.id)
        chat = studio.PageChat(page="story", client=studio.offline_client(), store=back,
                               catalog=studio.load_catalog(), model=conv.model,
                               engine=studio.OFFLINE, conversation_id=conv.id,
                               history=conv.history)
        _, answer = chat.send("now at night", _settings())
        assert answer.error is None and answer.images


def test_the_cover_says_what_the_export_holds(export) -> None:
    store, out, _ = export
    with zipfile.ZipFile(out) as zf:
        index = zf.read("index.html").decode("utf-8")
    cover = index[index.index("<section class=\"cover\">"):index.index("</section>")]
    items = store.query(limit=100)
    text = re.sub(r"<[^>]+>", " ", cover)
    assert f"{len(items)} images, 1 story and 1 recipe" in " ".join(text.split())
    for page, label in (("story", "Story"), ("recipe", "Recipe"), ("edit", "Editing"),
                        ("text", "Text rendering")):
        n = sum(1 for i in items if i.page == page)
        assert re.search(rf"{label}\s*</td><td>{n} images", cover), label
    assert items[0].model in cover
    total = sum(i.cost_usd or 0 for i in items)
    assert studio_cost(total) in cover and total > 0
    assert "made on" in cover or "made between" in cover


def studio_cost(value: float) -> str:
    from studio.gallery.money import format_usd
    return format_usd(value)


def test_print_gives_one_scene_per_sheet(export) -> None:
    _, out, _ = export
    assert re.search(r"@media print\{.*\.scene\{break-inside:avoid;break-after:page", CSS, re.S)
    with zipfile.ZipFile(out) as zf:
        pages = {n: parse(h) for n, h in _html(zf).items() if "/" in n}
    for name, page in pages.items():
        assert page.scenes and all(n == 1 for n in page.scenes), (name, page.scenes)
