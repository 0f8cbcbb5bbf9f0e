"""The interleaved renderer: text, images and thoughts in the order the model gave them."""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

import streamlit as st

from components import state
from studio.exchange.bidi import visible_bidi
from studio.gemini.results import ImagePart, Part, Result, TextPart, ThoughtPart
from studio.making.display import DisplayCopies, DisplayCopy
from studio.making.turns import AnswerFacts, ImageRef, TurnPart

_MD_IMAGE = re.compile(r"!\[")
_MD_LINK = re.compile(r"\]\((?!https?://)[^)]*\)")


def plural(count: int, noun: str) -> str:
    return f"{count:,} {noun}{'' if count == 1 else 's'}"


def safe_markdown(text: str) -> str:
    """Model and user text as text: no remote images, no script links. Streamlit already
    escapes raw HTML when unsafe_allow_html is off, which it always is here. Bidirectional
    controls are shown as markers, so they cannot reorder the text."""
    text = _MD_IMAGE.sub(r"!\\[", visible_bidi(text))
    return _MD_LINK.sub("]", text)


CHAT_IMAGE_WIDTH = 560  # px: a transcript of many turns stays readable
WIDE_IMAGE_WIDTH = 1024  # px: the copy behind an image stretched to its column


@st.cache_resource(show_spinner=False)
def _display_copies() -> DisplayCopies:
    return DisplayCopies()  # one per process: a copy made once serves every session


def _draw(copy: DisplayCopy, *, caption: str | None, max_width: int | None) -> None:
    # At its natural width (or stretched past nothing narrower) st.image sends the copy as
    # it is; asked for a smaller width it would resize and re-encode it on every rerun.
    st.image(copy.data, caption=caption, output_format=copy.output_format,  # type: ignore[arg-type]
             width=copy.width if max_width else "stretch")


def image_output_format(mime: str) -> str:
    # PNG bytes given with output_format="PNG" are sent as they are, not re-encoded per rerun.
    return "PNG" if mime == "image/png" else "JPEG"


def show_image(data: bytes, mime: str, *, caption: str | None = None,
               max_width: int | None = None) -> None:
    """The image itself, full resolution: stretched to the column, or at most `max_width`."""
    st.image(data, caption=caption, output_format=image_output_format(mime),  # type: ignore[arg-type]
             width=max_width or "stretch")


def show_copy(data: bytes, mime: str, *, caption: str | None = None,
              max_width: int | None = None) -> None:
    """Like show_image, from a display copy made once: what transcripts and sections use,
    so a rerun does not redo the work for every image of a long conversation."""
    copy = _display_copies().get(data, mime, max_width or WIDE_IMAGE_WIDTH)
    _draw(copy, caption=caption, max_width=max_width)


def show_thoughts(texts: Sequence[str]) -> None:
    texts = [t for t in texts if t.strip()]
    if texts:
        with st.expander("Model's thoughts", icon=":material/psychology:", expanded=False):
            for text in texts:
                st.markdown(safe_markdown(text))


class LiveRenderer:
    """Draws a streaming Result into a container, updating only what changed."""

    def __init__(self, container: Any) -> None:
        self.container = container
        self.slots: list[Any] = []
        self.drawn: list[Part | None] = []

    def update(self, result: Result) -> None:
        visible = [p for p in result.parts if not isinstance(p, ThoughtPart)]
        for index, part in enumerate(visible):
            if index == len(self.slots):
                self.slots.append(self.container.empty())
                self.drawn.append(None)
            if self.drawn[index] == part:
                continue
            slot = self.slots[index]
            if isinstance(part, TextPart):
                slot.markdown(safe_markdown(part.text))
            elif isinstance(part, ImagePart):
                with slot:
                    show_copy(part.data, part.mime)
            self.drawn[index] = part


def show_item_image(item_id: str, *, max_width: int | None = None) -> None:
    """A gallery image by id, or a note that it was deleted."""
    store = state.store()
    item = store.get(item_id)
    if item is None:
        st.caption("(image deleted from the gallery)")
        return
    try:
        copy = _display_copies().for_content(
            item.sha256 or item.id, max_width or WIDE_IMAGE_WIDTH,
            lambda: (store.item_image(item), item.mime))
    except FileNotFoundError:  # MissingImage: one lost file must not break the conversation
        st.caption("(image file missing from the data folder)")
        return
    _draw(copy, caption=None, max_width=max_width)


def render_stored_parts(parts: Sequence[TurnPart], *, max_width: int | None = None) -> None:
    """Draw a saved turn in order: thoughts folded, texts, images from the gallery."""
    show_thoughts([p.text for p in parts if isinstance(p, ThoughtPart)])
    for part in parts:
        if isinstance(part, TextPart):
            st.markdown(safe_markdown(part.text))
        elif isinstance(part, ImageRef):
            show_item_image(part.item_id, max_width=max_width)


def meta_line(facts: AnswerFacts | None) -> None:
    """Model, latency, tokens and estimated cost under each answer."""
    if facts is None:
        return
    engine = "offline emulator" if facts.engine == "offline" else "Gemini API"
    cost = facts.cost_usd
    pieces = [
        f":material/smart_toy: {facts.model or '?'} ({engine})",
        f":material/timer: {facts.latency_ms / 1000:.1f} s",
        f":material/token: {facts.prompt_tokens:,} in · {facts.output_tokens:,} out",
    ]
    if cost is not None:
        pieces.append(f":material/payments: ≈ ${cost:.4f}")
    st.caption("  ·  ".join(pieces))


def required(value: str | None, message: str) -> bool:
    """True when a required field has text; otherwise say what is missing."""
    if value and value.strip():
        return True
    st.warning(message, icon=":material/edit_note:")
    return False


def show_message(message: str | None, *, error_kind: str | None = None) -> None:
    """A clear message for a failed or refused answer; never a traceback."""
    if not message:
        return
    if error_kind in ("quota", "unavailable", "timeout", "network"):
        st.warning(message, icon=":material/hourglass_top:")
    else:
        st.error(message, icon=":material/block:")
