"""Compare images: two versions of an edited image, or any two to four gallery items."""

from __future__ import annotations

import html

import pandas as pd
import streamlit as st

from components import state
from components.render import safe_markdown, show_item_image
from studio.exchange.bidi import visible_bidi
from studio.exchange.slides import PAGE_NAMES, user_words
from studio.gallery.comparing import ADDED, REMOVED, settings_table, split_view, word_diff
from studio.gallery.errors import MissingImage
from studio.gallery.records import GalleryItem
from studio.making.chat import PageChat


def versions(thread: PageChat) -> dict[str, str]:
    """Label -> gallery item id, for the start image and every turn that made one."""
    out: dict[str, str] = {}
    if thread.start is not None:
        out["Start"] = thread.start.item_id
    for index, turn in enumerate(thread.turns):
        if turn.image_ids:
            out[f"Turn {index + 1}: {turn.instruction.strip()}"] = turn.image_ids[-1]
    return out


def compare_turns(thread: PageChat) -> None:
    options = versions(thread)
    labels = list(options)
    if len(labels) < 2:
        st.caption("Make at least one edit to compare versions.")
        return
    with st.container(border=True):
        left, right = st.columns(2)
        a = left.selectbox("Left", labels, index=len(labels) - 2, key="edit_compare_a")
        b = right.selectbox("Right", labels, index=len(labels) - 1, key="edit_compare_b")
        for column, label in ((left, a), (right, b)):
            with column:
                show_item_image(options[label])


# --- any two to four gallery items (turns, variants, Lab cells), on the gallery page --------

SIDE_BY_SIDE_WIDTH = {2: 440, 3: 380, 4: 300}  # px: every image and its caption in one view
OVERLAY_WIDTH = 640
_DIFF_STYLE = {ADDED: "background:#c8f7c5;color:#0b3d0b;border-radius:3px",
               REMOVED: "background:#ffd6d6;color:#6b0f0f;text-decoration:line-through;"
                        "border-radius:3px"}


def diff_html(before: str, after: str) -> str:
    """`after` against `before` as escaped HTML: added words green, removed ones struck red."""
    runs = []
    for kind, text in word_diff(before, after):
        text = html.escape(visible_bidi(text))
        runs.append(f'<span class="diff-{kind}" style="{_DIFF_STYLE[kind]}">{text}</span>'
                    if kind in _DIFF_STYLE else text)
    return ('<div style="white-space:pre-wrap;font-size:0.9rem;line-height:1.5">'
            + "".join(runs) + "</div>")


def item_label(item: GalleryItem, n: int) -> str:
    """Whole, never cut: which image it is, in the user's words."""
    return f"{n}. {PAGE_NAMES.get(item.page, item.page.title())} · " \
           f"{item.created_at[:16].replace('T', ' ')} · {user_words(item)}"


@st.cache_data(show_spinner=False, max_entries=64)
def _split(left_sha: str, right_sha: str, split: int, _left: bytes, _right: bytes) -> bytes:
    return split_view(_left, _right, split / 100)


def _overlay(a: GalleryItem, b: GalleryItem) -> None:
    store = state.store()
    try:
        left, right = store.item_image(a), store.item_image(b)
    except MissingImage:
        st.caption("An image file is missing, so there is no overlay.")
        return
    split = st.slider("Split: image 1 on the left, image 2 on the right", 0, 100, 50,
                      key="compare_split", format="%d%%")
    st.image(_split(a.sha256, b.sha256, int(split), left, right), width=OVERLAY_WIDTH,
             output_format="PNG")


def _settings(items: list[GalleryItem]) -> None:
    rows = settings_table(items)
    frame = pd.DataFrame([[r.field, *r.values] for r in rows],
                         columns=["Field", *[f"Image {n}" for n in range(1, len(items) + 1)]])
    differs = [r.differs for r in rows]
    styled = frame.style.apply(
        lambda row: ["background-color: #fff3bf" if differs[row.name] else ""] * len(row), axis=1)
    st.dataframe(styled, hide_index=True, width="stretch", height=35 * (len(rows) + 1) + 3)
    changed = [r.field for r in rows if r.differs]
    st.caption("Highlighted: " + (", ".join(changed) if changed else "nothing differs") + ".")


def compare_panel() -> None:
    """The items chosen with state.set_compare_ids (gallery selection, the Lab, a page):
    side by side, a split overlay for two, prompts and settings diffed."""
    store = state.store()
    items = [i for i in (store.get(x) for x in state.compare_ids()) if i is not None]
    if len(items) < 2:
        return
    with st.container(border=True, key="compare_panel"):
        head, close = st.columns([6, 1], vertical_alignment="center")
        head.subheader(f":material/compare: Compare {len(items)} images", anchor=False)
        close.button("Close", key="compare_close", icon=":material/close:",
                     on_click=state.set_compare_ids, args=([],))
        width = SIDE_BY_SIDE_WIDTH[len(items)]
        for n, (column, item) in enumerate(zip(st.columns(len(items)), items, strict=True), 1):
            with column:
                show_item_image(item.id, max_width=width)
                st.caption(safe_markdown(item_label(item, n)))
        if len(items) == 2:
            _overlay(*items)
        st.markdown("**Prompts** — each against image 1: "
                    '<span style="background:#c8f7c5">added</span> '
                    '<span style="background:#ffd6d6;text-decoration:line-through">removed</span>',
                    unsafe_allow_html=True)
        for n, item in enumerate(items, 1):
            st.caption(f"Image {n}" + (" (the reference)" if n == 1 else ""))
            st.html(diff_html(items[0].prompt, item.prompt) if n > 1 else diff_html(
                item.prompt, item.prompt) if item.prompt else "—")
        st.markdown("**Settings**")
        _settings(items)


def compare_selected_button(selected: frozenset[str], where: object = st) -> None:
    """Compare the gallery's selection (two to four images), in the order they were made."""
    store = state.store()
    ok = 2 <= len(selected) <= 4
    if where.button("Compare selected", key="gallery_compare", icon=":material/compare:",  # type: ignore[attr-defined]
                    disabled=not ok, help=None if ok else "Select two to four images."):
        chosen = sorted((i for i in (store.get(x) for x in selected) if i is not None),
                        key=lambda i: i.created_at)
        state.set_compare_ids([i.id for i in chosen])
        st.rerun()
