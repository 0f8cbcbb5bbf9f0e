"""Presenter mode's two faces: choosing what to show, and the slideshow itself."""

from __future__ import annotations

import streamlit as st

from components import state
from components.render import plural, safe_markdown, show_item_image
from studio.exchange.slides import (
    COLLECTION,
    EXPERIMENT,
    STORY,
    Deck,
    collection_deck,
    experiment_deck,
    story_deck,
    story_turns,
)

KINDS = {COLLECTION: "A collection", STORY: "A story", EXPERIMENT: "An experiment's winners"}
PREVIEW = 6

# Full screen within the browser tab: no sidebar, header or toolbar, a dark stage, the image
# as large as the window allows with its caption under it. Plain CSS: works offline.
STAGE_CSS = """<style>
[data-testid="stSidebar"], [data-testid="stSidebarCollapsedControl"],
[data-testid="stExpandSidebarButton"], [data-testid="stHeader"], [data-testid="stToolbar"],
[data-testid="stDecoration"], [data-testid="stSidebarNav"] { display: none !important; }
.stApp, [data-testid="stAppViewContainer"], [data-testid="stMain"] { background: #0f1116; }
[data-testid="stMainBlockContainer"] { max-width: 100% !important;
  padding: 1rem 2.5rem 0.5rem !important; }
.st-key-present_stage h1 { color: #f4f4f6; font-size: 1.5rem; padding: 0; text-align: center; }
.st-key-present_stage [data-testid="stCaptionContainer"] p { color: #b9bcc6; text-align: center; }
.st-key-present_image [data-testid="stFullScreenFrame"], .st-key-present_image [data-testid="stImage"],
.st-key-present_image [data-testid="stImageContainer"] { display: flex; justify-content: center;
  align-items: center; width: 100%; }
.st-key-present_image [data-testid="stFullScreenFrame"] > div { width: 100%; }
.st-key-present_image [data-testid="stElementToolbar"] { display: none; }
.st-key-present_image img { max-height: 70vh; width: auto !important; max-width: 100%;
  object-fit: contain; border-radius: 6px; box-shadow: 0 10px 40px rgba(0, 0, 0, 0.6); }
.st-key-present_prev button, .st-key-present_next button, .st-key-present_exit button {
  background: #1d2030; color: #eceef4; border: 1px solid #3b4056; }
.st-key-present_prev button:disabled { background: transparent; color: #5b6072; }
.st-key-present_stage kbd, .st-key-present_stage button span { color: inherit; }
.st-key-present_caption { max-width: 60rem; margin: 0 auto; }
.st-key-present_caption p { color: #f0f0f3; font-size: 1.3rem; line-height: 1.45;
  text-align: center; }
.st-key-present_counter p { color: #b9bcc6; margin: 0; }
</style>"""


def deck_for(kind: str, ref: str, version: int | None) -> Deck | None:
    store = state.store()
    if kind == COLLECTION:
        return collection_deck(store, ref)
    if kind == STORY:
        return story_deck(store, ref, version)
    names = {e.id: e.name for e in state.experiments().list()}
    return experiment_deck(store, ref, names.get(ref, ""))


def _options(kind: str) -> dict[str, str]:
    store = state.store()
    if kind == COLLECTION:
        return {c.id: f"{c.label} ({plural(len(c.item_ids), 'image')})"
                for c in store.collections.list() if c.item_ids}
    if kind == STORY:
        return {c.id: f"{c.title or 'Untitled story'} · {c.updated_at[:16].replace('T', ' ')}"
                for c in store.list_conversations(page="story", limit=50)}
    return {e.id: f"{e.name} · {e.updated_at[:16].replace('T', ' ')}"
            for e in state.experiments().list()}


def chooser() -> None:
    kind = st.segmented_control("What to present", list(KINDS), default=COLLECTION,
                                key="present_kind", format_func=KINDS.get) or COLLECTION
    options = _options(kind)
    if not options:
        st.info({COLLECTION: "No collection has images yet. Make one in the Gallery and add "
                             "images with “Add to collection” on any page.",
                 STORY: "No stories yet. Tell one on the Story page.",
                 EXPERIMENT: "No experiments yet. Run one in the Prompt Lab and mark winners."}[kind],
                icon=":material/slideshow:")
        return
    if state.widget_value("present_pick") not in options:
        state.clear_widget("present_pick")
    pick = st.selectbox(KINDS[kind].removeprefix("A ").removeprefix("An ").capitalize(),
                        list(options), key="present_pick", format_func=options.get)
    version = None
    if kind == STORY:
        turns = len(story_turns(state.store(), pick)[1])
        if turns > 1:
            version = st.segmented_control(
                "Version", list(range(1, turns + 1)), default=turns, key="present_version",
                format_func=lambda v: f"v{v}" + (" (latest)" if v == turns else "")) or turns
    deck = deck_for(kind, pick, version)
    if deck is None or not deck.slides:
        st.info("Nothing to show there yet (for an experiment: mark winners in the Lab).",
                icon=":material/slideshow:")
        return
    st.caption(f"{plural(len(deck.slides), 'slide')}" + (f" · {deck.subtitle}" if deck.subtitle else ""))
    for column, slide in zip(st.columns(PREVIEW), deck.slides[:PREVIEW], strict=False):
        with column:
            show_item_image(slide.item_id, max_width=256)
    if st.button("Start presenting", key="present_start", type="primary",
                 icon=":material/play_arrow:"):
        state.start_presenting(kind, pick, version)
        st.rerun()


def slideshow(deck: Deck, shown: state.Presenting) -> None:
    """One slide, as large as the window allows; → / ← step (stopping at the ends), Esc ends."""
    st.html(STAGE_CSS)
    count = len(deck.slides)
    index = max(0, min(shown.slide, count - 1))
    slide = deck.slides[index]
    with st.container(key="present_stage"):
        st.title(safe_markdown(deck.title), anchor=False)
        st.caption(" · ".join(x for x in (deck.subtitle, slide.heading) if x))
        with st.container(key="present_image"):
            show_item_image(slide.item_id)
        if slide.caption:
            with st.container(key="present_caption"):
                st.markdown(safe_markdown(slide.caption))
        with st.container(horizontal=True, horizontal_alignment="center",
                          vertical_alignment="center"):
            st.button("Previous", key="present_prev", icon=":material/arrow_back:",
                      shortcut="Left", disabled=index == 0,
                      on_click=state.step_slide, args=(-1, count))
            with st.container(key="present_counter", width="content"):
                st.markdown(f"{index + 1} / {count}")
            st.button("Next", key="present_next", icon=":material/arrow_forward:",
                      shortcut="Right", disabled=index == count - 1,
                      on_click=state.step_slide, args=(1, count))
            st.button("End", key="present_exit", icon=":material/close:", shortcut="Esc",
                      on_click=state.stop_presenting)
